package image_test

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
)

// gatedApp is a loopback stand-in for the container app with an upload token
// set: 401 on every route without header x-sgraph-access-token: <token>
// (recording cont-tok-missing--health), 200 {"status":"ok"} with it. The admin
// app's key header is accepted too when adminKey is set.
func gatedApp(t *testing.T, token, adminKey string) (port string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("content-type", "application/json")
		ok := r.Header.Get("x-sgraph-access-token") == token ||
			(adminKey != "" && r.Header.Get("x-api-key") == adminKey)
		if r.Method != http.MethodGet || r.URL.Path != "/info/health" || !ok {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":"error","message":"Client API key is missing, you need to set it on a header or cookie","data":null,"error":null}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	return port
}

// TestHealthcheckScript runs docker/healthcheck.py (the image's HEALTHCHECK)
// for real against a token-gated loopback app.
func TestHealthcheckScript(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: cannot run docker/healthcheck.py")
	}
	const token = "tok-lower-0123456789abcdef"
	const adminKey = "admin-key-0123456789abcdef"
	original, err := os.ReadFile(filepath.Join(dockerDir(t), "healthcheck.py"))
	require.NoError(t, err)
	// The broken variant: the same script without its credential headers.
	broken := strings.Replace(string(original), "headers(os.environ).items()", "{}.items()", 1)
	require.NotEqual(t, string(original), broken, "the broken variant must differ from the script")

	run := func(t *testing.T, script string, env ...string) (int, string) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "healthcheck.py")
		require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
		cmd := exec.Command(py, "-B", path, "GET", "/info/health")
		cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...) // nothing inherited
		out, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode(), string(out)
		}
		require.NoError(t, err, "%s", out)
		return 0, string(out)
	}

	cases := []struct {
		name   string
		script string
		env    []string
		exit   int
	}{
		{"token from env", string(original), []string{"SGRAPH_SEND__ACCESS_TOKEN=" + token}, 0},
		{"renamed token env and header", string(original), []string{"MY_TOKEN=" + token, "SGRAPH_SEND_HEALTH_TOKEN_ENV=MY_TOKEN",
			"SGRAPH_SEND_HEALTH_TOKEN_HEADER=x-sgraph-access-token"}, 0},
		{"admin key from env", string(original), []string{"FAST_API__AUTH__API_KEY__NAME=x-api-key", "FAST_API__AUTH__API_KEY__VALUE=" + adminKey}, 0},
		{"no token in env: 401", string(original), nil, 1},
		{"wrong token: 401", string(original), []string{"SGRAPH_SEND__ACCESS_TOKEN=tok-other"}, 1},
		{"broken script sends no token: 401", broken, []string{"SGRAPH_SEND__ACCESS_TOKEN=" + token}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			port := gatedApp(t, token, adminKey)
			code, out := run(t, tc.script, append([]string{"PORT=" + port}, tc.env...)...)
			assert.Equal(t, tc.exit, code, "%s", out)
			assert.NotContains(t, out, token, "the token is never printed")
			if tc.exit != 0 {
				assert.Contains(t, out, "401", "the failure names the status")
			}
		})
	}

	t.Run("nothing listening", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		_, port, _ := net.SplitHostPort(l.Addr().String())
		require.NoError(t, l.Close())
		code, out := run(t, string(original), "PORT="+port, "SGRAPH_SEND__ACCESS_TOKEN="+token)
		assert.Equal(t, 1, code, "%s", out)
	})
}
