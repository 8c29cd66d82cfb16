package image_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// The UI paths of appContract's defaults (stacks.DefaultContract), as the
// recordings of v0.27.6 show them.
var ui = appspec.UIRoutes{
	EntryPath:    "/",
	SharePath:    "/en-gb/download/",
	UploadPage:   "/send/v0/v0.2/v0.2.0/en-gb/index.html",
	DownloadPage: "/send/v0/v0.2/v0.2.0/en-gb/download/index.html",
}

// replayRedirects puts docker/sgraph_entry.py's redirect layer in front of a
// tiny ASGI app that answers every recorded container-app case with its
// recorded status and Location, then sends each request of argv's JSON list
// through it, exactly as uvicorn calls an ASGI app, and prints one JSON line
// per request: status, location and whether the app itself answered.
const replayRedirects = `
import asyncio, json, os, sys
import sgraph_entry as e
recorded = json.load(open(sys.argv[1]))["cases"]
config = json.loads(sys.argv[2])
answers = {}
for c in recorded:
    if c["app"] == "container" and c["config"] == config:
        answers.setdefault((c["request"]["method"], c["request"]["path"]), c["response"])

async def app(scope, receive, send):
    r = answers.get((scope["method"], scope["path"]), {"status": 404, "headers": {}})
    headers = [(k.encode(), v.encode()) for k, v in r["headers"].items() if k == "location"]
    await send({"type": "http.response.start", "status": r["status"], "headers": headers + [(b"x-from", b"app")]})
    await send({"type": "http.response.body", "body": b""})

wrapped = e.with_ui_redirects(app)

async def call(method, target):
    path, _, query = target.partition("?")
    out = {}
    async def send(m):
        if m["type"] == "http.response.start":
            h = dict(m["headers"])
            out.update(status=m["status"], location=h.get(b"location", b"").decode(), app=b"x-from" in h)
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": query.encode(), "headers": []}
    await wrapped(scope, None, send)
    return out

for method, target in json.loads(sys.argv[3]):
    print(json.dumps(asyncio.run(call(method, target))))
`

type answer struct {
	Status   int    `json:"status"`
	Location string `json:"location"`
	App      bool   `json:"app"`
}

type req struct{ method, target string }

func recordingsPath(t *testing.T) string {
	t.Helper()
	p := filepath.Join(dockerDir(t), "..", "..", "shared", "real-app", "recordings.json")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("recordings not found at %s", p)
	}
	return p
}

// serve runs reqs through the redirect layer configured by env over the replayed app.
func serve(t *testing.T, env string, config string, reqs []req) ([]answer, string, error) {
	t.Helper()
	py := python(t)
	list := make([][2]string, len(reqs))
	for i, r := range reqs {
		list[i] = [2]string{r.method, r.target}
	}
	arg, err := json.Marshal(list)
	require.NoError(t, err)
	cmd := exec.Command(py, "-B", "-c", replayRedirects, recordingsPath(t), config, string(arg))
	cmd.Dir = dockerDir(t)
	cmd.Env = append(os.Environ(), appspec.UIRedirectsEnv+"="+env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, string(out), err
	}
	var got []answer
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var a answer
		require.NoError(t, json.Unmarshal([]byte(line), &a), line)
		got = append(got, a)
	}
	return got, "", nil
}

const openConfig = `{"uploadToken": false, "adminKey": false, "storage": "memory"}`

func TestUIRedirectLayer(t *testing.T) {
	env := ui.EnvValue()
	up, down := ui.UploadPage, ui.DownloadPage
	cases := []struct {
		name string
		req  req
		want answer
	}{
		{"site root to the upload page", req{"GET", "/"}, answer{Status: 302, Location: up}},
		{"share link path", req{"GET", "/en-gb/download/"}, answer{Status: 302, Location: down}},
		{"share link index.html", req{"GET", "/en-gb/download/index.html"}, answer{Status: 302, Location: down}},
		{"query kept", req{"GET", "/en-gb/download/?lang=en&x=1"}, answer{Status: 302, Location: down + "?lang=en&x=1"}},
		{"HEAD too", req{"HEAD", "/"}, answer{Status: 302, Location: up}},
		{"upload page itself: the app (recorded 200)", req{"GET", up}, answer{Status: 200, App: true}},
		{"download page itself: the app (recorded 200)", req{"GET", down}, answer{Status: 200, App: true}},
		{"exact paths only: no trailing slash", req{"GET", "/en-gb/download"}, answer{Status: 404, App: true}},
		{"exact paths only: below the share path", req{"GET", "/en-gb/download/x"}, answer{Status: 404, App: true}},
		{"POST goes to the app", req{"POST", "/"}, answer{Status: 404, App: true}},
		{"API untouched (recorded 200)", req{"GET", "/info/health"}, answer{Status: 200, App: true}},
	}
	reqs := make([]req, len(cases))
	for i, c := range cases {
		reqs[i] = c.req
	}
	got, out, err := serve(t, env, openConfig, reqs)
	require.NoError(t, err, out)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, got[i]) })
	}
}

// Every recorded container case answers as recorded through the layer, except
// the redirected paths; and every redirect lands on a page the app answered
// 200 for. Broken variant: without the variable the share link is the app's
// recorded 404, which is the bug the layer exists for.
func TestUIRedirectLayerOverRecordings(t *testing.T) {
	raw, err := os.ReadFile(recordingsPath(t))
	require.NoError(t, err)
	var rec struct {
		Cases []struct {
			ID       string          `json:"id"`
			App      string          `json:"app"`
			Config   json.RawMessage `json:"config"`
			Request  struct{ Method, Path string }
			Response struct {
				Status  int               `json:"status"`
				Headers map[string]string `json:"headers"`
			}
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &rec))
	redirected := map[string]string{}
	for _, r := range ui.Redirects() {
		redirected[r.From] = r.To
	}
	configs := map[string]bool{}
	for _, c := range rec.Cases {
		if c.App == "container" {
			configs[string(c.Config)] = true
		}
	}
	require.NotEmpty(t, configs, "no container cases recorded")
	for config := range configs {
		var reqs []req
		var want []answer
		var ids []string
		seen := map[req]bool{}
		for _, c := range rec.Cases {
			r := req{c.Request.Method, c.Request.Path}
			if c.App != "container" || string(c.Config) != config || seen[r] || strings.Contains(r.target, "?") {
				continue
			}
			seen[r] = true
			reqs, ids = append(reqs, r), append(ids, c.ID)
			if to, ok := redirected[r.target]; ok && (r.method == "GET" || r.method == "HEAD") {
				want = append(want, answer{Status: 302, Location: to})
			} else {
				want = append(want, answer{Status: c.Response.Status, Location: c.Response.Headers["location"], App: true})
			}
		}
		got, out, err := serve(t, ui.EnvValue(), config, reqs)
		require.NoError(t, err, out)
		for i := range reqs {
			assert.Equal(t, want[i], got[i], "%s (%s %s)", ids[i], reqs[i].method, reqs[i].target)
		}
	}

	// The pages the redirects point to are recorded 200 on the open app.
	pages, out, err := serve(t, ui.EnvValue(), openConfig, []req{{"GET", ui.UploadPage}, {"GET", ui.DownloadPage}})
	require.NoError(t, err, out)
	for _, p := range pages {
		assert.Equal(t, 200, p.Status, "a redirect target must be a working page")
	}

	// Broken variant: no redirects configured -> the share link is the app's 404.
	off, out, err := serve(t, "", openConfig, []req{{"GET", ui.SharePath}, {"GET", ui.EntryPath}})
	require.NoError(t, err, out)
	assert.Equal(t, answer{Status: 404, App: true}, off[0], "without the layer the recorded share link is 404")
	assert.Equal(t, answer{Status: 307, Location: "/send/v0/v0.2/v0.2.0/index.html", App: true}, off[1], "without the layer / is the app's own redirect to a page whose locale script 404s")
}

// A malformed SGRAPH_SEND_UI_REDIRECTS stops the process at start, naming the entry.
func TestUIRedirectLayerRefusesBadConfig(t *testing.T) {
	for name, env := range map[string]string{
		"no =":            "/en-gb/download/",
		"wildcard":        "/en-gb/*=/x",
		"relative target": "/=send/index.html",
		"absolute URL":    "/=https://evil.example/",
	} {
		t.Run(name, func(t *testing.T) {
			_, out, err := serve(t, env, openConfig, []req{{"GET", "/"}})
			require.Error(t, err)
			assert.Contains(t, out, "ValueError")
			assert.Contains(t, out, appspec.UIRedirectsEnv)
		})
	}
}
