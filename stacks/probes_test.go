package stacks_test

import (
	"fmt"
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

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	probePath    = "/auth/set-cookie-form"
	uploadPage   = "/send/v0/v0.2/v0.2.0/en-gb/index.html"
	downloadPage = "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"
	fgRuleType   = "aws:lb/listenerRule:ListenerRule"
)

// Checks that cannot carry a secret (ALB target group, Cloud Run probes) use
// the probe path, which the container app answers without the token; an
// override in appContract reaches both.
func TestProbesThatCannotCarryTheTokenUseTheProbePath(t *testing.T) {
	for _, stack := range bench.Stacks {
		for _, tc := range []struct{ name, contract, want string }{
			{"default", "", probePath},
			{"override", `{"probePath": "/auth/other-form"}`, "/auth/other-form"},
		} {
			t.Run(stack+" "+tc.name, func(t *testing.T) {
				set := map[string]string{"targets": `["fargate","cloudrun"]`, "prebuiltImage": bench.PrebuiltImage, "prebuiltGcpImage": prebuiltGcpImage}
				if tc.contract != "" {
					set["appContract"] = tc.contract
				}
				r := bench.MustRun(t, bench.Options{Stack: stack, Set: set})
				tg := r.One(t, fgTGType)
				assert.Equal(t, tc.want, tg.Str("healthCheck.path"))
				assert.Equal(t, "200", tg.Str("healthCheck.matcher"))
				svc := r.One(t, crServiceType)
				for _, probe := range []string{"startupProbe", "livenessProbe"} {
					c := "template.containers[0]." + probe
					assert.Equal(t, tc.want, svc.Str(c+".httpGet.path"), probe)
					assert.Nil(t, svc.Plain(c+".httpGet.httpHeaders"), "%s: a probe header would be plaintext in the spec", probe)
				}
				// The in-runtime check keeps the health path.
				assert.Contains(t, fmt.Sprint(fgContainer(t, r)["healthCheck"]), "/info/health")
			})
		}
	}
}

// The ECS container health check, taken from the task definition and run for
// real with python3 against a token-gated loopback app: it sends the token it
// reads from the container env (which ECS fills from SSM) and holds no value.
func TestECSHealthCheckSendsTokenFromEnv(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: cannot run the ECS health command")
	}
	token := bench.TestSecrets["uploadToken"]
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/info/health" || r.Header.Get("x-sgraph-access-token") != token {
			http.Error(w, `{"status":"error","message":"Client API key is missing, you need to set it on a header or cookie"}`, http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	srv.Start()
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)

	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			// The app's port is the contract's, so the check dials the test server.
			r := bench.MustRun(t, fargateOn(stack, map[string]string{"appContract": `{"port": ` + port + `}`}))
			c := fgContainer(t, r)
			raw := fmt.Sprint(c["healthCheck"])
			for name, secret := range bench.TestSecrets {
				assert.NotContains(t, raw, secret, "secret %s must not be in the health command", name)
			}
			cmd := c["healthCheck"].(map[string]any)["command"].([]any)
			require.Len(t, cmd, 4)
			require.Equal(t, []any{"CMD", "python", "-c"}, cmd[:3])
			script := cmd[3].(string)
			assert.Contains(t, script, "os.environ.get('SGRAPH_SEND__ACCESS_TOKEN')")
			assert.Contains(t, script, "add_header('x-sgraph-access-token', v)")
			secrets := fmt.Sprint(c["secrets"])
			assert.Contains(t, secrets, "SGRAPH_SEND__ACCESS_TOKEN", "ECS puts the token into the env the check reads")

			run := func(env ...string) error {
				c := exec.Command(py, "-c", script)
				c.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
				out, err := c.CombinedOutput()
				assert.NotContains(t, string(out), token, "the token is never printed")
				return err
			}
			assert.NoError(t, run("SGRAPH_SEND__ACCESS_TOKEN="+token), "with the token in env: 200")
			assert.Error(t, run(), "broken: no token in env -> 401 -> unhealthy")
			assert.Error(t, run("SGRAPH_SEND__ACCESS_TOKEN=tok-other"), "broken: wrong token -> 401 -> unhealthy")
			// The broken command of the old code: no header at all.
			old := fmt.Sprintf("import urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/info/health', timeout=4)", port)
			c2 := exec.Command(py, "-c", old)
			c2.Env = []string{"PATH=/usr/bin:/bin", "SGRAPH_SEND__ACCESS_TOKEN=" + token}
			assert.Error(t, c2.Run(), "the check without the token header fails against the gated app")
		})
	}
}

// EC2: the readiness step names the token variable; the user data holds no
// secret; nginx proxies every path (the UI redirects are the image's own,
// shipped in user data, configured by SGRAPH_SEND_UI_REDIRECTS).
func TestEC2UserDataProbes(t *testing.T) {
	sh, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot render the nginx config")
	}
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(stack, nil))
			ud := ec2UserData(t, r)
			assert.Contains(t, ud, "SGRAPH_SEND_HEALTH_AUTH='x-sgraph-access-token=SGRAPH_SEND__ACCESS_TOKEN'")
			assert.Contains(t, ud, "SGRAPH_SEND_UI_REDIRECTS=/="+uploadPage+",/en-gb/download/="+downloadPage+",/en-gb/download/index.html="+downloadPage)
			assert.Contains(t, ud, `curl -fsSk -o /dev/null -H "@$headers" "$url"`, "the token reaches curl through a file")
			for name, secret := range bench.TestSecrets {
				assert.NotContains(t, ud, secret, "secret %s must not be in user data", name)
			}

			path := filepath.Join(t.TempDir(), "user-data.sh")
			require.NoError(t, os.WriteFile(path, []byte(ud), 0o600))
			out, err := exec.Command(sh, path, "nginx").CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.NotContains(t, string(out), "location =", "no redirect in nginx: the app layer answers it")
		})
	}
}

// The UI redirects are one layer in the image (docker/sgraph_entry.py),
// configured the same way on every target that runs the container app:
// SGRAPH_SEND_UI_REDIRECTS in its environment. No ALB listener rule and no
// nginx location is left to keep in step with it.
func TestUIRedirectsInTheImage(t *testing.T) {
	const want = "/=" + uploadPage + ",/en-gb/download/=" + downloadPage + ",/en-gb/download/index.html=" + downloadPage
	all := `["lambda","fargate","ec2","cloudrun"]`
	cases := []struct {
		name, stack string
		set         map[string]string
		want        string
	}{
		{"dev", "dev", nil, want},
		{"prod", "prod", nil, want},
		{"local", "local", nil, want},
		{"dev https", "dev", map[string]string{"fargateCertificateArn": fgCert, "fargateDomainName": "send.example.com"}, want},
		{"custom paths", "dev", map[string]string{"appContract": `{"uiEntryPath":"/start","uiSharePath":"/fr/download/","uiUploadPage":"/send/v1/fr/index.html","uiDownloadPage":"/send/v1/fr/download/index.html"}`},
			"/start=/send/v1/fr/index.html,/fr/download/=/send/v1/fr/download/index.html,/fr/download/index.html=/send/v1/fr/download/index.html"},
		{"off", "dev", map[string]string{"appContract": `{"uiEntryPath":"","uiSharePath":"","uiUploadPage":"","uiDownloadPage":""}`}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{"targets": all, "prebuiltImage": bench.PrebuiltImage, "prebuiltGcpImage": prebuiltGcpImage}
			if tc.stack == "local" {
				set = map[string]string{}
			}
			for k, v := range tc.set {
				set[k] = v
			}
			r := bench.MustRun(t, bench.Options{Stack: tc.stack, Set: set})
			assert.Empty(t, r.OfType(fgRuleType), "no ALB listener rule: the image redirects")
			seen := 0
			for _, res := range r.Resources {
				env, ok := policy.AppEnv(res)
				if !ok || env["SGRAPH_SEND_APP"] == "user" || env["SGRAPH_SEND_APP"] == "admin" {
					continue
				}
				if _, runsApp := env["SEND__STORAGE_MODE"]; !runsApp {
					continue
				}
				seen++
				if tc.want == "" {
					assert.NotContains(t, env, "SGRAPH_SEND_UI_REDIRECTS", res.Name)
					continue
				}
				assert.Equal(t, tc.want, env["SGRAPH_SEND_UI_REDIRECTS"], "%s (%s)", res.Name, res.Type)
			}
			if tc.stack != "local" {
				assert.Equal(t, 3, seen, "fargate, ec2 and cloud run run the container app")
			}
		})
	}
}

func TestProxyPathsBadConfig(t *testing.T) {
	cases := []struct{ name, contract, fragment string }{
		{"probe path relative", `{"probePath":"auth/set-cookie-form"}`, "probePath must be a path"},
		{"probe path empty", `{"probePath":""}`, "probePath must be a path"},
		{"share path wildcard", `{"uiSharePath":"/en-gb/*"}`, "uiSharePath must be a path"},
		{"upload page nginx injection", `{"uiUploadPage":"/x; return 200"}`, "uiUploadPage must be a path"},
		{"one ui path off", `{"uiEntryPath":""}`, "uiEntryPath must be a path"},
		{"too long", `{"uiDownloadPage":"/` + strings.Repeat("a", 128) + `"}`, "uiDownloadPage must be a path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, bench.Options{Set: map[string]string{"targets": `["fargate","ec2"]`, "prebuiltImage": bench.PrebuiltImage, "appContract": tc.contract}})
			assert.Contains(t, ce.Error(), "sgraph-send:appContract")
			assert.Contains(t, ce.Error(), tc.fragment)
			assert.Empty(t, r.Resources, "nothing registered")
		})
	}
}
