package smoke

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// An admin app that starts late behind its AWS_IAM URL: the IAM layer
// answers at once (403 unsigned), the app only after a while (503 until
// then, as a Function URL whose function is still starting). Readiness must
// wait for the app, so health passes; an unsigned probe would have counted
// the IAM layer's 403 and let health fail on the 503s.
func TestReadinessWaitsForTheAdminAppBehindIAM(t *testing.T) {
	app := newFakeApp(outputs.AdminAPI, faults{})
	var probes atomic.Int64
	const coldAnswers = 5
	late := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if probes.Add(1) <= coldAnswers {
			http.Error(w, "function starting", http.StatusServiceUnavailable)
			return
		}
		app.ServeHTTP(w, r)
	})
	m := baseOutputs()
	m[outputs.LambdaAdminURL] = serve(t, iamFront(late, testCreds, testRegion)).URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions(WithTargets("lambda-admin"))...)
	require.NoError(t, err)
	got := byCheck(rep, "lambda-admin")
	assert.Equal(t, Pass, got[CheckReady].Verdict, got[CheckReady].Reason)
	assert.Contains(t, got[CheckReady].Reason, "answered 401", "the app's own answer (no admin key on the probe)")
	assert.GreaterOrEqual(t, probes.Load(), int64(coldAnswers+1), "the probe reached the app")
	assert.Equal(t, Pass, got[CheckHealth].Verdict, got[CheckHealth].Reason)
	assert.Equal(t, Pass, got[CheckCORS].Verdict, got[CheckCORS].Reason)
}
