package ec2_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

const (
	tokenHeader = "x-sgraph-access-token"
	tokenEnv    = "SGRAPH_SEND__ACCESS_TOKEN"
)

// gatedApp stands in for the container app with an upload token set: 401 on
// every route without the token header, 200 on the health path with it.
func gatedApp(t *testing.T, token string) (port string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/info/health" || r.Header.Get(tokenHeader) != token {
			http.Error(w, `{"status":"error","message":"Client API key is missing, you need to set it on a header or cookie"}`, http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	return port
}

// TestReadinessSendsTokenFromSecretsFile runs install.sh's readiness step
// (wait_healthy, through the "health" mode) with the real curl against a
// token-gated loopback app. The token comes from the secrets file as
// fetch_secrets writes it, reaches curl through a header file, never its
// arguments (a curl shim records them), and the header file is removed.
func TestReadinessSendsTokenFromSecretsFile(t *testing.T) {
	sh := bash(t)
	realCurl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed: cannot run the readiness check")
	}
	const token = "tok-lower-0123456789abcdef"
	cases := []struct {
		name    string
		secrets string // the secrets file as fetch_secrets writes it
		auth    map[string]string
		ok      bool
	}{
		{"token sent", tokenEnv + "='" + token + "'\n", map[string]string{tokenHeader: tokenEnv}, true},
		{"token among other secrets", "OTHER='x'\n" + tokenEnv + "='" + token + "'\n", map[string]string{tokenHeader: tokenEnv}, true},
		{"broken: no token in the secrets file", "OTHER='x'\n", map[string]string{tokenHeader: tokenEnv}, false},
		{"broken: no health auth configured", tokenEnv + "='" + token + "'\n", nil, false},
		{"broken: wrong token", tokenEnv + "='tok-other'\n", map[string]string{tokenHeader: tokenEnv}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			secrets := filepath.Join(dir, "secrets.env")
			require.NoError(t, os.WriteFile(secrets, []byte(tc.secrets), 0o400))
			bin, tmp := filepath.Join(dir, "bin"), filepath.Join(dir, "tmp")
			require.NoError(t, os.MkdirAll(bin, 0o755))
			require.NoError(t, os.MkdirAll(tmp, 0o700))
			argsLog := filepath.Join(dir, "curl-args")
			require.NoError(t, os.WriteFile(filepath.Join(bin, "curl"),
				[]byte("#!/bin/sh\nprintf '%s\\n' \"$*\" >>"+argsLog+"\nexec "+realCurl+" \"$@\"\n"), 0o755))

			port := gatedApp(t, token)
			s := ec2.Script{Mode: "health", Version: "0.27.6", HealthPath: "/info/health", HealthAuth: tc.auth}
			cmd := exec.Command(sh, writeScript(t, s.Render()))
			cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "TMPDIR=" + tmp, "SGRAPH_SEND_PORT=" + port,
				"SGRAPH_SEND_SECRETS_FILE=" + secrets, "SGRAPH_SEND_HEALTH_TRIES=1"}
			out, err := cmd.CombinedOutput()
			if tc.ok {
				assert.NoError(t, err, "%s", out)
				assert.Contains(t, string(out), "healthy: http://127.0.0.1:"+port+"/info/health")
			} else {
				assert.Error(t, err, "%s", out)
				assert.Contains(t, string(out), "no 200 from http://127.0.0.1:"+port+"/info/health after 2s")
			}
			assert.NotContains(t, string(out), token, "the token is never logged")
			args, err := os.ReadFile(argsLog)
			require.NoError(t, err, "curl was called")
			assert.NotContains(t, string(args), token, "the token never reaches curl's command line")
			assert.Contains(t, string(args), "-H @"+tmp+"/", "headers come from a file")
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			assert.Empty(t, left, "the header file is removed")
		})
	}
}

// TestNginxHasNoUIRedirects: the UI redirects are the app's own now (the
// image's sgraph_entry.py, shipped in user data), so nginx proxies every path.
func TestNginxHasNoUIRedirects(t *testing.T) {
	sh := bash(t)
	s := ec2.Script{Mode: "nginx", Version: "0.27.6", Port: 8080,
		AppEnv: map[string]string{"SGRAPH_SEND_UI_REDIRECTS": "/=/send/v0/v0.2/v0.2.0/en-gb/index.html"}}
	out, err := exec.Command(sh, writeScript(t, s.Render())).CombinedOutput()
	require.NoError(t, err, "%s", out)
	conf := string(out)
	assert.NotContains(t, conf, "location =")
	assert.NotContains(t, conf, "return 302")
	assert.Contains(t, conf, "proxy_pass http://127.0.0.1:8080;")
	assert.Contains(t, conf, `add_header Strict-Transport-Security "max-age=31536000" always;`, "HSTS on every answer")
	assert.Less(t, strings.Index(conf, "Strict-Transport-Security"), strings.Index(conf, "location"), "server level: redirects carry it too")
	assert.Equal(t, strings.Count(conf, "{"), strings.Count(conf, "}"), "balanced braces")
}
