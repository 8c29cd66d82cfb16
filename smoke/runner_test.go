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

// TestRetriesTransient: past readiness, a check retries 502/503/504 within
// the retry policy. The version route answers 503 the first N times.
func TestRetriesTransient(t *testing.T) {
	cases := []struct {
		name      string
		transient int
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
			app := newFakeApp(outputs.UserAPI, faults{})
			var mu sync.Mutex
			left := c.transient
			flaky := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				fail := r.URL.Path == "/api/openapi.json" && left > 0
				if fail {
					left--
				}
				mu.Unlock()
				if fail {
					http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
					return
				}
				app.ServeHTTP(w, r)
			})
			m := baseOutputs()
			m[outputs.LambdaPublicURL] = serve(t, flaky).URL
			rep, err := Run(context.Background(), parseMap(t, m), testOptions(
				WithRetry(RetryPolicy{Attempts: c.attempts, Initial: time.Millisecond, Max: 2 * time.Millisecond}))...)
			require.NoError(t, err)
			got := byCheck(rep, "lambda-public")[CheckVersion]
			assert.Equal(t, c.want, got.Verdict, got.Reason)
			assert.Equal(t, c.retries, got.Retries)
			assert.Contains(t, got.Reason, c.reason)
		})
	}
}

// TestReadinessWaits: 503s and refused connections before the app is up
// are absorbed by the ready row, within its budget.
func TestReadinessWaits(t *testing.T) {
	app := newFakeApp(outputs.ContainerApp, faults{Transient: 6})
	m := baseOutputs()
	m[outputs.FargateURL] = serve(t, app).URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	got := byCheck(rep, "fargate")
	assert.Equal(t, Pass, got[CheckReady].Verdict, got[CheckReady].Reason)
	assert.Equal(t, 6, got[CheckReady].Retries)
	assert.Equal(t, Pass, got[CheckHealth].Verdict, got[CheckHealth].Reason)
	assert.Zero(t, got[CheckHealth].Retries)
}

func TestRefusedIsRetriedThenFails(t *testing.T) {
	m := baseOutputs()
	m[outputs.FargateURL] = refusedURL(t)
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	got := byCheck(rep, "fargate")
	assert.Equal(t, Fail, got[CheckReady].Verdict)
	assert.Greater(t, got[CheckReady].Retries, fastRetry.Attempts, "retried for the whole budget, not for the retry policy's attempts")
	assert.Contains(t, got[CheckReady].Reason, "connection refused")
	assert.Contains(t, got[CheckReady].Reason, "readiness budget 3s")
	for _, c := range []string{CheckTLS, CheckHealth, CheckRoundTrip} {
		assert.Equal(t, Skip, got[c].Verdict, c)
	}
}

// TestDeadline: the run's deadline fails what is still running, and skips
// what has not started ("deadline: not run"); the run returns at the deadline.
func TestDeadline(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hung := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	m := baseOutputs()
	m[outputs.FargateURL] = hung.URL
	start := time.Now()
	rep, err := Run(context.Background(), parseMap(t, m), testOptions(
		WithReadiness(time.Minute, time.Minute), WithCheckTimeout(time.Minute), WithDeadline(300*time.Millisecond))...)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "bounded by the deadline, not the budgets")
	got := byCheck(rep, "fargate")
	assert.Equal(t, Fail, got[CheckReady].Verdict)
	assert.Contains(t, got[CheckReady].Reason, "deadline: the run's -deadline 300ms passed")
	for _, c := range []string{CheckTLS, CheckHealth, CheckGate, CheckRoundTrip} {
		assert.Equal(t, Skip, got[c].Verdict, c)
		assert.Contains(t, got[c].Reason, "deadline: not run (deadline: the run's -deadline 300ms passed)", c)
	}
	_, fails, _ := rep.Counts()
	assert.Equal(t, 1, fails, "only the check that was running fails")
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
	fastChecks := len(checksFor(Endpoint{Kind: outputs.ContainerApp})) + 1 // + ready
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
	assert.Len(t, byCheck(rep, "fargate"), 8)

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
