package smoke

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// TestFaithfulFakePasses deploys every target kind as the contract describes
// it and expects every applicable check to pass.
func TestFaithfulFakePasses(t *testing.T) {
	admin := serve(t, iamFront(newFakeApp(outputs.AdminAPI, faults{}), testCreds, testRegion))
	public := serve(t, newFakeApp(outputs.UserAPI, faults{}).WithToken())
	fargate := serve(t, newFakeApp(outputs.ContainerApp, faults{}).WithToken())
	ec2 := serveTLS(t, newFakeApp(outputs.ContainerApp, faults{}).WithToken()) // "self-signed"
	cloudrun := serveTLS(t, newFakeApp(outputs.ContainerApp, faults{}).WithToken())

	m := baseOutputs()
	m[outputs.UploadTokenHeader] = fakeTokenHeader
	m[outputs.UploadToken] = fakeToken
	m[outputs.LambdaAdminURL] = admin.URL + "/"
	m[outputs.LambdaPublicURL] = public.URL
	m[outputs.FargateURL] = fargate.URL
	m[outputs.FargateDesiredCount] = 1
	m[outputs.EC2URL] = ec2.URL
	m[outputs.EC2TLSSelfSigned] = true
	m[outputs.CloudRunURL] = cloudrun.URL
	m[outputs.CloudRunPublic] = true

	rep, err := Run(context.Background(), parseMap(t, m), testOptions(WithRootCAs(pool(cloudrun)))...)
	require.NoError(t, err)

	want := map[string]map[string]Verdict{
		"lambda-admin":  {CheckReady: Pass, CheckTLS: Skip, CheckIAM: Pass, CheckHealth: Pass, CheckVersion: Pass, CheckAdminAuth: Pass, CheckAdminUI: Pass, CheckCORS: Pass},
		"lambda-public": {CheckReady: Pass, CheckTLS: Skip, CheckHealth: Pass, CheckVersion: Pass, CheckCORS: Pass, CheckUploadAuth: Pass, CheckRoundTrip: Pass},
		// The token over plain http (dev Fargate) or unverified TLS (EC2
		// self-signed) is a warning that names it, not silence.
		"fargate":  {CheckReady: Pass, CheckTLS: Warn, CheckHealth: Pass, CheckGate: Pass, CheckVersion: Pass, CheckCORS: Pass, CheckUploadAuth: Pass, CheckRoundTrip: Pass},
		"ec2":      {CheckReady: Pass, CheckTLS: Warn, CheckHealth: Pass, CheckGate: Pass, CheckVersion: Pass, CheckCORS: Pass, CheckUploadAuth: Pass, CheckRoundTrip: Pass},
		"cloudrun": {CheckReady: Pass, CheckTLS: Pass, CheckHealth: Pass, CheckGate: Pass, CheckVersion: Pass, CheckCORS: Pass, CheckUploadAuth: Pass, CheckRoundTrip: Pass},
	}
	for target, checks := range want {
		got := byCheck(rep, target)
		assert.Len(t, got, len(checks), target)
		for c, v := range checks {
			assert.Equal(t, v, got[c].Verdict, "%s/%s: %s", target, c, got[c].Reason)
		}
	}
	assert.False(t, rep.Failed())
	assert.Contains(t, byCheck(rep, "ec2")[CheckTLS].Reason, "self-signed certificate, not verified: the upload token (x-sgraph-access-token) goes to")
	assert.Contains(t, byCheck(rep, "fargate")[CheckTLS].Reason, "plain http: the upload token (x-sgraph-access-token) goes to")
	assert.NotContains(t, byCheck(rep, "fargate")[CheckTLS].Reason, fakeToken, "names the header, never the value")
	assert.Contains(t, byCheck(rep, "cloudrun")[CheckTLS].Reason, "chain verified")
	assert.Contains(t, byCheck(rep, "lambda-admin")[CheckVersion].Reason, "v0.27.6")
}

// TestOpenUploadsSkipUploadAuth: without an uploadToken output the app is
// open by configuration and the round trip runs without a token.
func TestOpenUploadsSkipUploadAuth(t *testing.T) {
	srv := serve(t, newFakeApp(outputs.UserAPI, faults{}))
	m := baseOutputs()
	m[outputs.LambdaPublicURL] = srv.URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	got := byCheck(rep, "lambda-public")
	assert.Equal(t, Skip, got[CheckUploadAuth].Verdict)
	assert.Equal(t, Pass, got[CheckRoundTrip].Verdict, got[CheckRoundTrip].Reason)
}

// TestBrokenVariantsFail shows each check failing on the variant that
// breaks what it verifies, with a reason that says so.
func TestBrokenVariantsFail(t *testing.T) {
	type tc struct {
		name   string
		kind   outputs.Kind
		faults faults
		token  bool // app and outputs carry an upload token
		setup  func(t *testing.T, m map[string]any, app http.Handler) []Option
		check  string
		reason string
	}
	adminURL := func(front bool, creds aws.Credentials) func(*testing.T, map[string]any, http.Handler) []Option {
		return func(t *testing.T, m map[string]any, app http.Handler) []Option {
			if front {
				app = iamFront(app, creds, testRegion)
			}
			m[outputs.LambdaAdminURL] = serve(t, app).URL
			return nil
		}
	}
	// The stack says "token" but the container answers without one.
	gateClaimed := func(t *testing.T, m map[string]any, app http.Handler) []Option {
		m[outputs.UploadToken] = fakeToken
		m[outputs.FargateURL] = serve(t, app).URL
		return nil
	}
	wrongCreds := testCreds
	wrongCreds.SecretAccessKey = "not-the-right-secret-key-000000000000000"
	cases := []tc{
		{name: "health 500", kind: outputs.UserAPI, faults: faults{All500: true}, check: CheckHealth, reason: "got 500, want 200"},
		{name: "health not from the app", kind: outputs.ContainerApp, faults: faults{NoRequestID: true}, check: CheckHealth, reason: "fast-api-request-id"},
		{name: "health admin 500", kind: outputs.AdminAPI, faults: faults{All500: true}, check: CheckHealth, reason: "got 500"},
		{name: "version stale", kind: outputs.ContainerApp, faults: faults{WrongVersion: true}, check: CheckVersion, reason: "app runs v0.26.0, stack deployed 0.27.6"},
		{name: "version admin stale", kind: outputs.AdminAPI, faults: faults{WrongVersion: true}, check: CheckVersion, reason: "v0.26.0"},
		{name: "version wrong app", kind: outputs.UserAPI, faults: faults{WrongTitle: true}, check: CheckVersion, reason: "info.title"},
		{name: "admin key not enforced", kind: outputs.AdminAPI, faults: faults{NoAuth: true}, check: CheckAdminAuth, reason: "want 401: admin key not enforced"},
		{name: "iam not enforced", kind: outputs.AdminAPI, setup: adminURL(false, testCreds), check: CheckIAM, reason: "reachable without AWS credentials"},
		{name: "iam rejects bad signature", kind: outputs.AdminAPI, setup: adminURL(true, wrongCreds), check: CheckHealth, reason: "got 403"},
		{name: "admin ui no redirect", kind: outputs.AdminAPI, faults: faults{UiNoRedirect: true}, check: CheckAdminUI, reason: "got 200, want 307"},
		{name: "admin ui not html", kind: outputs.AdminAPI, faults: faults{UiNotHTML: true}, check: CheckAdminUI, reason: "want text/html"},
		{name: "cors missing user", kind: outputs.UserAPI, faults: faults{NoCORS: true}, check: CheckCORS, reason: "preflight got 404, want 200"},
		{name: "cors missing gated container", kind: outputs.ContainerApp, faults: faults{NoCORS: true}, token: true, check: CheckCORS, reason: "no access-control-allow-origin"},
		{name: "cors open container answers as if gated", kind: outputs.ContainerApp, setup: gateClaimed, check: CheckCORS, reason: "preflight got 200, want 204"},
		{name: "gate off", kind: outputs.ContainerApp, faults: faults{GateOff: true}, token: true, check: CheckGate, reason: "the access gate is off"},
		// A browser's preflight carries no signature: it must not reach the app.
		{name: "cors admin unsigned preflight reaches the app", kind: outputs.AdminAPI, setup: adminURL(false, testCreds), check: CheckCORS, reason: "the AWS_IAM layer let an unsigned request through"},
		{name: "upload token not enforced", kind: outputs.UserAPI, faults: faults{NoAuth: true}, token: true, check: CheckUploadAuth, reason: "upload token not enforced"},
		{name: "upload token not enforced, gate off", kind: outputs.ContainerApp, faults: faults{NoAuth: true, GateOff: true}, token: true, check: CheckUploadAuth, reason: "upload token not enforced"},
		{name: "download corrupted", kind: outputs.ContainerApp, faults: faults{CorruptDownload: true}, token: true, check: CheckRoundTrip, reason: "sha256"},
		{name: "info catch-all", kind: outputs.UserAPI, faults: faults{InfoCatchAll: true}, check: CheckRoundTrip, reason: "want 404"},
		{name: "hanging", kind: outputs.UserAPI, faults: faults{Hang: make(chan struct{})}, check: CheckReady, reason: "no answer within the readiness budget 3s (-readiness)"},
		// The signed readiness probe reaches the app, so a hung admin app is
		// seen at once, not after health's timeout behind an IAM "answer".
		{name: "hanging admin", kind: outputs.AdminAPI, faults: faults{Hang: make(chan struct{})}, check: CheckReady, reason: "no answer within the readiness budget 3s (-readiness)"},
		{
			name: "refused", kind: outputs.UserAPI, check: CheckReady, reason: "connection refused",
			setup: func(t *testing.T, m map[string]any, _ http.Handler) []Option {
				m[outputs.LambdaPublicURL] = refusedURL(t)
				return nil
			},
		},
		{
			name: "tls chain not trusted", kind: outputs.ContainerApp, check: CheckTLS, reason: "certificate",
			setup: func(t *testing.T, m map[string]any, app http.Handler) []Option {
				m[outputs.CloudRunURL] = serveTLS(t, app).URL // no RootCAs: the test CA is unknown
				m[outputs.CloudRunPublic] = true
				return nil
			},
		},
		{
			name: "tls self-signed not declared", kind: outputs.ContainerApp, check: CheckHealth, reason: "certificate",
			setup: func(t *testing.T, m map[string]any, app http.Handler) []Option {
				m[outputs.EC2URL] = serveTLS(t, app).URL
				m[outputs.EC2TLSSelfSigned] = false
				return nil
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			app := newFakeApp(c.kind, c.faults)
			m := baseOutputs()
			if c.token {
				app.WithToken()
				m[outputs.UploadToken] = fakeToken
			}
			var opts []Option
			if c.setup != nil {
				opts = c.setup(t, m, app)
			} else {
				switch c.kind {
				case outputs.AdminAPI:
					m[outputs.LambdaAdminURL] = serve(t, iamFront(app, testCreds, testRegion)).URL
				case outputs.UserAPI:
					m[outputs.LambdaPublicURL] = serve(t, app).URL
				default:
					m[outputs.FargateURL] = serve(t, app).URL
				}
			}
			if c.faults.Hang != nil {
				// Registered after the server: cleanups run last-in first-out,
				// so the hang is released before the server waits for handlers.
				t.Cleanup(func() { close(c.faults.Hang) })
			}
			opts = append(testOptions(opts...), WithCheckTimeout(300*time.Millisecond))
			rep, err := Run(context.Background(), parseMap(t, m), opts...)
			require.NoError(t, err)
			require.Len(t, rep.Results[0:1], 1)
			got := byCheck(rep, rep.Results[0].Target)[c.check]
			assert.Equal(t, Fail, got.Verdict, "%s: %s", c.check, got.Reason)
			assert.Contains(t, got.Reason, c.reason)
			assert.True(t, rep.Failed())
			t.Logf("%s FAIL: %s", c.check, got.Reason)
		})
	}
}

// TestOpenContainerWarns: a container without a token works, but anyone
// can use it: the gate row is a warning in every format, not a pass, and
// the run does not fail.
func TestOpenContainerWarns(t *testing.T) {
	m := baseOutputs()
	m[outputs.FargateURL] = serve(t, newFakeApp(outputs.ContainerApp, faults{})).URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	got := byCheck(rep, "fargate")
	assert.Equal(t, Warn, got[CheckGate].Verdict)
	assert.Contains(t, got[CheckGate].Reason, "open to anyone")
	assert.Equal(t, Pass, got[CheckRoundTrip].Verdict, got[CheckRoundTrip].Reason)
	assert.False(t, rep.Failed())
	assert.Equal(t, 1, rep.Warnings())

	var table, js, junit bytes.Buffer
	tw := &TableWriter{W: &table}
	for _, r := range rep.Results {
		tw.Row(r)
	}
	tw.Summary(rep)
	require.NoError(t, WriteJSON(&js, rep))
	require.NoError(t, WriteJUnit(&junit, rep))
	assert.Regexp(t, `access-gate\s+WARN\s+.*open to anyone`, table.String())
	assert.Contains(t, table.String(), ", 1 warned in ")
	assert.Contains(t, js.String(), `"verdict": "WARN"`)
	assert.Contains(t, js.String(), `"warned": 1`)
	assert.Contains(t, js.String(), `"ok": true`)
	assert.Contains(t, junit.String(), "<system-err>WARN: no uploadToken output: the site is open to anyone")
}

// TestGatedContainerSendsTheToken: with a token, every request to the
// container app carries it (the gate refuses anything else), and only the
// gate's own probe and the preflight go without.
func TestGatedContainerSendsTheToken(t *testing.T) {
	app := newFakeApp(outputs.ContainerApp, faults{}).WithToken()
	var mu sync.Mutex
	without := map[string]int{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(fakeTokenHeader) != fakeToken {
			mu.Lock()
			without[r.Method+" "+r.URL.Path]++
			mu.Unlock()
		}
		app.ServeHTTP(w, r)
	}))
	m := baseOutputs()
	m[outputs.UploadToken] = fakeToken
	m[outputs.FargateURL] = srv.URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	for _, r := range rep.Results {
		assert.NotEqual(t, Fail, r.Verdict, "%s: %s", r.Check, r.Reason)
	}
	assert.Equal(t, map[string]int{
		"GET /info/health":              2, // readiness probe (no credential) and the gate check
		"OPTIONS /api/transfers/create": 1, // a browser's preflight carries none
		"POST /api/transfers/create":    1, // upload-auth
	}, without)
}

// TestHealthFailureSkipsDependents: when health fails, the checks that
// need a healthy app are skipped with the reason, not run for a timeout each.
func TestHealthFailureSkipsDependents(t *testing.T) {
	app := newFakeApp(outputs.ContainerApp, faults{All500: true}).WithToken()
	m := baseOutputs()
	m[outputs.UploadToken] = fakeToken
	m[outputs.FargateURL] = serve(t, app).URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	got := byCheck(rep, "fargate")
	assert.Equal(t, Fail, got[CheckHealth].Verdict)
	for _, c := range []string{CheckVersion, CheckCORS, CheckUploadAuth, CheckRoundTrip} {
		assert.Equal(t, Skip, got[c].Verdict, c)
		assert.Equal(t, "not run: health failed", got[c].Reason, c)
	}
	assert.Equal(t, Pass, got[CheckGate].Verdict, "the gate does not need a healthy app: %s", got[CheckGate].Reason)
	assert.LessOrEqual(t, app.Hits(), int64(3+2*fastRetry.Attempts), "skipped checks send nothing")
}
