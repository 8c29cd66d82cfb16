package smoke

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

func TestRetriesTransient(t *testing.T) {
	cases := []struct {
		name      string
		transient int64
		attempts  int
		want      Verdict
		retries   int
		reason    string
	}{
		{"recovers after 3 x 503", 3, 5, Pass, 3, ""},
		{"recovers on the last try", 4, 5, Pass, 4, ""},
		{"gives up, bounded", 10, 3, Fail, 2, "503 Service Unavailable (after 3 attempts)"},
		{"no retry when not allowed", 1, 1, Fail, 0, "503"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := newFakeApp(outputs.UserAPI, faults{Transient: c.transient})
			m := baseOutputs()
			m[outputs.LambdaPublicURL] = serve(t, app).URL
			rep, err := Run(context.Background(), parseMap(t, m), testOptions(
				WithRetry(RetryPolicy{Attempts: c.attempts, Initial: time.Millisecond, Max: 2 * time.Millisecond}))...)
			require.NoError(t, err)
			got := byCheck(rep, "lambda-public")[CheckHealth] // the first check that sends traffic (tls skips on http)
			assert.Equal(t, c.want, got.Verdict, got.Reason)
			assert.Equal(t, c.retries, got.Retries)
			assert.Contains(t, got.Reason, c.reason)
		})
	}
}

func TestRefusedIsRetriedThenFails(t *testing.T) {
	m := baseOutputs()
	m[outputs.FargateURL] = refusedURL(t)
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	got := byCheck(rep, "fargate")[CheckHealth]
	assert.Equal(t, Fail, got.Verdict)
	assert.Equal(t, fastRetry.Attempts-1, got.Retries)
	assert.Contains(t, got.Reason, "connection refused")
}

func TestBackoffBounded(t *testing.T) {
	p := RetryPolicy{Attempts: 10, Initial: 100 * time.Millisecond, Max: time.Second}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		assert.Equal(t, w*time.Millisecond, p.backoff(i+1), "try %d", i+1)
	}
	assert.Equal(t, 1, RetryPolicy{}.attempts())
}

// TestHangingTargetDoesNotDelayOthers: the hanging target's handler only
// returns once the fast target's last verdict is in (or after its bound). A
// runner that checked targets one after another would see the hang first.
func TestHangingTargetDoesNotDelayOthers(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	hung := serve(t, newFakeApp(outputs.UserAPI, faults{Hang: release}))
	fast := serve(t, newFakeApp(outputs.ContainerApp, faults{}))
	t.Cleanup(func() { once.Do(func() { close(release) }) })

	m := baseOutputs()
	m[outputs.LambdaPublicURL] = hung.URL // first in target order
	m[outputs.FargateURL] = fast.URL

	var order []Result
	fastChecks := len(checksFor(Endpoint{Kind: outputs.ContainerApp}))
	fastDone := 0
	progress := func(r Result) {
		order = append(order, r)
		if r.Target == "fargate" {
			if fastDone++; fastDone == fastChecks {
				once.Do(func() { close(release) })
			}
		}
	}
	rep, err := Run(context.Background(), parseMap(t, m), testOptions(WithProgress(progress), WithCheckTimeout(10*time.Second))...)
	require.NoError(t, err)
	require.Len(t, order, len(rep.Results))

	firstHungTraffic := -1
	lastFast := -1
	for i, r := range order {
		if r.Target == "fargate" {
			lastFast = i
		}
		if r.Target == "lambda-public" && r.Check == CheckHealth && firstHungTraffic < 0 {
			firstHungTraffic = i
		}
	}
	assert.Less(t, lastFast, firstHungTraffic, "every fast verdict arrives before the hung target's first answer")
	for _, r := range rep.Results {
		if r.Target == "fargate" {
			assert.NotEqual(t, Fail, r.Verdict, "%s: %s", r.Check, r.Reason)
		}
	}
	// Report order is stable (target order, then check order) whatever the completion order.
	assert.Equal(t, "lambda-public", rep.Results[0].Target)
}

func TestSkippedTargets(t *testing.T) {
	app := newFakeApp(outputs.ContainerApp, faults{})
	srv := serve(t, app)
	m := baseOutputs()
	m[outputs.FargateURL] = srv.URL
	m[outputs.FargateDesiredCount] = 0
	m[outputs.CloudRunURL] = srv.URL
	m[outputs.CloudRunPublic] = false
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	require.Len(t, rep.Results, 2)
	for _, r := range rep.Results {
		assert.Equal(t, Skip, r.Verdict)
		assert.Equal(t, CheckTarget, r.Check)
	}
	assert.Contains(t, rep.Results[0].Reason, "scaled to zero")
	assert.Contains(t, rep.Results[1].Reason, "identity token")
	assert.False(t, rep.Failed())
	assert.Zero(t, app.Hits(), "a skipped target gets no traffic")
}

// TestSecretsRedacted: a broken app that echoes the admin key and upload
// token in its error body must not get them into the report.
func TestSecretsRedacted(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		_, _ = w.Write([]byte("bad key " + r.Header.Get(fakeKeyHeader) + " token " + r.Header.Get(fakeTokenHeader)))
	})
	m := baseOutputs()
	m[outputs.UploadToken] = fakeToken
	m[outputs.LambdaAdminURL] = serve(t, iamFront(echo, testCreds, testRegion)).URL
	m[outputs.LambdaPublicURL] = serve(t, echo).URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	seen := 0
	for _, r := range rep.Results {
		assert.NotContains(t, r.Reason, fakeKey)
		assert.NotContains(t, r.Reason, fakeToken)
		if strings.Contains(r.Reason, redacted) {
			seen++
		}
	}
	assert.Positive(t, seen, "the echoed secrets were replaced")
}

func TestTargetSelection(t *testing.T) {
	srv := serve(t, newFakeApp(outputs.ContainerApp, faults{}))
	m := baseOutputs()
	m[outputs.FargateURL] = srv.URL
	m[outputs.EC2URL] = srv.URL
	o := parseMap(t, m)

	rep, err := Run(context.Background(), o, testOptions(WithTargets("ec2"))...)
	require.NoError(t, err)
	for _, r := range rep.Results {
		assert.Equal(t, "ec2", r.Target)
	}
	rep, err = Run(context.Background(), o, testOptions(WithTargets("ec2,fargate"))...)
	require.NoError(t, err)
	assert.Len(t, byCheck(rep, "fargate"), 6)

	_, err = Run(context.Background(), o, testOptions(WithTargets("lambda-admin"))...)
	var oe *OutputError
	require.True(t, errors.As(err, &oe), "%v", err)
	assert.Equal(t, outputs.LambdaAdminURL, oe.Key)

	_, err = Run(context.Background(), o, testOptions(WithTargets("nope"))...)
	require.ErrorContains(t, err, `unknown target "nope"`)
}

func TestConfigLayers(t *testing.T) {
	o := &Outputs{HealthPath: "/healthz", AdminKeyHeader: "x-from-stack"}
	c := resolve(o, nil)
	assert.Equal(t, "/healthz", c.HealthPath, "outputs override defaults")
	assert.Equal(t, "x-sgraph-access-token", c.UploadTokenHeader, "default kept")
	c = resolve(o, []Option{func(c *Config) { c.HealthPath = "/op" }, nil})
	assert.Equal(t, "/op", c.HealthPath, "options override outputs")
}

func TestConfigErrors(t *testing.T) {
	srv := serve(t, newFakeApp(outputs.AdminAPI, faults{}))
	m := baseOutputs()
	delete(m, outputs.AdminKeyHeader)
	m[outputs.LambdaAdminURL] = srv.URL
	_, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	var oe *OutputError
	require.True(t, errors.As(err, &oe), "%v", err)
	assert.Equal(t, outputs.AdminKeyHeader, oe.Key)

	_, err = Run(context.Background(), parseMap(t, m), testOptions(WithCheckTimeout(0))...)
	require.Error(t, err)
	_, err = Run(context.Background(), nil)
	require.Error(t, err)
}
