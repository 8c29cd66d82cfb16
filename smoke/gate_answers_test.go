package smoke

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// The gate check says what came back instead of "the gate is off" for any
// answer but 401, and reads a bounded amount of it.
func TestGateSaysWhatCameBack(t *testing.T) {
	huge := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		w.WriteHeader(http.StatusOK)
		chunk := make([]byte, 64<<10)
		for i := 0; i < (1<<30)/len(chunk); i++ {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading: what we want
			}
		}
	}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    []string
		notWant string
	}{
		{name: "302 to a login page", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://login.example/sso?state=secret-state-123", http.StatusFound)
		}, want: []string{"got 302 Found to login.example", "redirects callers without the token"}, notWant: "secret-state-123"},
		{name: "1 GB body", handler: huge, want: []string{"got 200 OK, 1073741824 bytes (read 4096)", "the access gate is off"}},
		{name: "403 from a WAF", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "blocked", http.StatusForbidden)
		}, want: []string{"got 403 Forbidden, 8 bytes", "not by the app's gate"}, notWant: "the gate is off"},
		{name: "404", handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			want: []string{"got 404 Not Found", "not the gate's answer"}, notWant: "the gate is off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := baseOutputs()
			m[outputs.UploadToken] = fakeToken
			m[outputs.FargateURL] = serve(t, tc.handler).URL
			start := time.Now()
			rep, err := Run(context.Background(), parseMap(t, m), testOptions(WithTargets("fargate"))...)
			require.NoError(t, err)
			got := byCheck(rep, "fargate")[CheckGate]
			assert.Equal(t, Fail, got.Verdict, got.Reason)
			for _, w := range tc.want {
				assert.Contains(t, got.Reason, w)
			}
			if tc.notWant != "" {
				assert.NotContains(t, got.Reason, tc.notWant)
			}
			t.Logf("%s (%s)", got.Reason, time.Since(start).Round(time.Millisecond))
		})
	}
}
