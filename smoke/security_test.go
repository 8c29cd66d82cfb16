package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// TestPathOutputsRefused: a path output is joined to a target URL that
// requests carry credentials to; anything that could name another host,
// climb out or smuggle bytes is refused at parse, naming the key.
func TestPathOutputsRefused(t *testing.T) {
	bad := []string{
		"//127.0.0.2:18005/x", "http://evil.example/x", "https:/x", "info/health", "",
		"/a//b", "/a/../b", "/..", "/a b", "/a\tb", "/a\nb", "/a\x00", "/a\x7f",
		"/a\u00a0b", "/" + strings.Repeat("a", 1024), "/a/%2e%2e/b",
	}
	for _, key := range []string{outputs.HealthPath, "unauthProbePath"} {
		for i, v := range bad {
			t.Run(key+"-"+strconv.Itoa(i), func(t *testing.T) {
				m := baseOutputs()
				m[outputs.LambdaPublicURL] = "http://127.0.0.1:1"
				m[key] = v
				_, err := Load(context.Background(), JSONSource{R: strings.NewReader(mustJSON(t, m))})
				var oe *OutputError
				require.True(t, errors.As(err, &oe), "%q accepted (%v)", v, err)
				assert.Equal(t, key, oe.Key)
			})
		}
	}
	for _, good := range []string{"/info/health", "/auth/set-cookie-form", "/" + strings.Repeat("a", 1023), "/a.b/c-d_e~f"} {
		m := baseOutputs()
		m[outputs.LambdaPublicURL] = "http://127.0.0.1:1"
		m[outputs.HealthPath] = good
		_, err := Load(context.Background(), JSONSource{R: strings.NewReader(mustJSON(t, m))})
		assert.NoError(t, err, good)
	}
}

// TestAdminUIStaysOnOrigin: an /admin redirect to another scheme, host or
// port fails the check, and the other server never sees a request (so
// never the admin key or the signature).
func TestAdminUIStaysOnOrigin(t *testing.T) {
	var elsewhereHits atomic.Int64
	elsewhere := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhereHits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>captured</html>"))
	}))
	other := strings.TrimPrefix(elsewhere.URL, "http://")
	for _, c := range []struct {
		name     string
		location func(self string) string
	}{
		{"another port", func(string) string { return elsewhere.URL + "/admin/v0/v0.1/v0.1.7/index.html" }},
		{"scheme-relative", func(string) string { return "//" + other + "/admin/v0/v0.1/v0.1.7/index.html" }},
		{"another scheme", func(self string) string { return "https://" + self + "/admin/v0/v0.1/v0.1.7/index.html" }},
		{"another host", func(self string) string {
			_, port, _ := strings.Cut(self, ":")
			return "http://localhost:" + port + "/admin/v0/v0.1/v0.1.7/index.html"
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := newFakeApp(outputs.AdminAPI, faults{})
			var self string
			srv := serve(t, iamFront(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/admin" {
					w.Header().Set("Location", c.location(self))
					w.WriteHeader(http.StatusTemporaryRedirect)
					return
				}
				app.ServeHTTP(w, r)
			}), testCreds, testRegion))
			self = strings.TrimPrefix(srv.URL, "http://")
			m := baseOutputs()
			m[outputs.LambdaAdminURL] = srv.URL
			rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
			require.NoError(t, err)
			got := byCheck(rep, "lambda-admin")[CheckAdminUI]
			assert.Equal(t, Fail, got.Verdict, got.Reason)
			assert.Contains(t, got.Reason, "redirects off the target")
			assert.Zero(t, elsewhereHits.Load(), "the off-origin server was requested")
		})
	}
}

// TestSecretsRedactedBeforeQuotingAndCut: secrets with a quote, a
// backslash, and longer than the 120-character body cut, echoed by a broken
// app, appear in no form (raw, escaped, or a prefix) in the table, -json or
// JUnit.
func TestSecretsRedactedBeforeQuotingAndCut(t *testing.T) {
	key := `k"ey\with-quote-` + strings.Repeat("K", 10)
	token := `t\ok"en-` + strings.Repeat("T", 200) // longer than the cut
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		_, _ = w.Write([]byte("x " + r.Header.Get(fakeKeyHeader) + r.Header.Get(fakeTokenHeader)))
	})
	m := baseOutputs()
	m[outputs.AdminKey] = key
	m[outputs.UploadToken] = token
	m[outputs.LambdaAdminURL] = serve(t, iamFront(echo, testCreds, testRegion)).URL
	m[outputs.FargateURL] = serve(t, echo).URL
	rep, err := Run(context.Background(), parseMap(t, m), testOptions()...)
	require.NoError(t, err)
	assert.Equal(t, Fail, byCheck(rep, "fargate")[CheckHealth].Verdict)
	assert.Contains(t, byCheck(rep, "fargate")[CheckHealth].Reason, redacted)
	assert.Contains(t, byCheck(rep, "lambda-admin")[CheckHealth].Reason, redacted)

	var table, js, junit bytes.Buffer
	tw := &TableWriter{W: &table}
	for _, r := range rep.Results {
		tw.Row(r)
	}
	require.NoError(t, WriteJSON(&js, rep))
	require.NoError(t, WriteJUnit(&junit, rep))
	for name, out := range map[string]string{"table": table.String(), "json": js.String(), "junit": junit.String()} {
		for _, secret := range []string{key, token} {
			// Any 8 characters of the secret's distinctive start, raw or in
			// the escaped forms %q, JSON and XML give them.
			head := secret[:8]
			q := strconv.Quote(head)
			for _, form := range []string{head, q[1 : len(q)-1], strings.ReplaceAll(head, `"`, "&#34;"), strings.ReplaceAll(head, `"`, `\u0022`)} {
				assert.NotContains(t, out, form, "%s shows a secret", name)
			}
			assert.NotContains(t, out, strings.Repeat(secret[len(secret)-1:], 10), "%s shows a long secret's body", name)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
