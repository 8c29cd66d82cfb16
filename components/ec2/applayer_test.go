package ec2_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/docker"
)

const (
	uploadPage   = "/send/v0/v0.2/v0.2.0/en-gb/index.html"
	downloadPage = "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"
)

// uvicornLike does what `uvicorn <factory> --factory --app-dir D --log-config
// F` does before serving, with the arguments taken from the rendered unit's
// ExecStart: dictConfig(F), D on sys.path, call the factory. The container
// app is a stand-in package (no PyPI here) answering 404 everywhere, as the
// real one does on the share path. One request goes through the built app,
// and uvicorn's access line for it is logged from inside send, as uvicorn does.
// stdout carries only log lines; the request's status and Location go to argv[4].
const uvicornLike = `
import asyncio, importlib, json, logging, logging.config, sys
factory, app_dir, log_config, result = sys.argv[1:5]
sys.path.insert(0, app_dir)
logging.config.dictConfig(json.load(open(log_config)))
module, _, attr = factory.partition(":")
app = getattr(importlib.import_module(module), attr)()
access = logging.getLogger("uvicorn.access")
got = {}
async def send(m):
    if m["type"] == "http.response.start":
        got["status"] = m["status"]
        got["location"] = dict(m["headers"]).get(b"location", b"").decode()
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.7:5000", "GET", "/en-gb/download/", "1.1", m["status"])
scope = {"type": "http", "method": "GET", "path": "/en-gb/download/", "raw_path": b"/en-gb/download/", "query_string": b"", "headers": []}
logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
asyncio.run(app(scope, None, send))
json.dump(got, open(result, "w"))
`

// parseJSONLines is Python's own json module reading every line back.
const parseJSONLines = `
import json, sys
for line in sys.stdin.read().splitlines():
    print(json.dumps(json.loads(line), sort_keys=True))
`

// unitFields reads the rendered unit's Environment= values and ExecStart.
func unitFields(t *testing.T, unit string) (map[string]string, []string) {
	t.Helper()
	env := map[string]string{}
	var exec []string
	for _, line := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			k, val, _ := strings.Cut(strings.Trim(v, `"`), "=")
			env[k] = val
		}
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			exec = strings.Fields(v)
		}
	}
	require.NotEmpty(t, exec, "no ExecStart in:\n%s", unit)
	return env, exec
}

func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// TestEC2RunsTheImageLayers renders install.sh as user data does, writes the
// app files with its `files` mode, reads the unit's ExecStart and environment,
// and starts the factory the way uvicorn would: the share path answers the
// image's 302, and every log line parses as JSON with Python's json.
func TestEC2RunsTheImageLayers(t *testing.T) {
	sh := bash(t)
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	appEnv := map[string]string{"SEND__STORAGE_MODE": "memory",
		"SGRAPH_SEND_UI_REDIRECTS": "/=" + uploadPage + ",/en-gb/download/=" + downloadPage}
	render := func(mode string) string {
		return ec2.Script{Mode: mode, Version: "0.27.6", Port: 8080, Region: "eu-west-2", AppEnv: appEnv}.Render()
	}
	appDir := filepath.Join(t.TempDir(), "app")
	files := exec.Command(sh, writeScript(t, render("files")))
	files.Env = append(os.Environ(), "SGRAPH_SEND_APP_DIR="+appDir)
	out, err := files.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for name, want := range map[string]string{"sgraph_entry.py": docker.EntryPy, "sgraph_logging.py": docker.LoggingPy, "log_config.json": docker.LogConfig} {
		got, err := os.ReadFile(filepath.Join(appDir, name))
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "%s is the image's file, byte for byte", name)
	}

	unit, err := exec.Command(sh, writeScript(t, render("unit"))).Output()
	require.NoError(t, err)
	env, execStart := unitFields(t, string(unit))
	assert.Equal(t, "sgraph_entry:create_container_app", env["SGRAPH_SEND_FACTORY"])
	require.Contains(t, execStart, "--factory")
	factory := execStart[1]
	logConfig := flagValue(execStart, "--log-config")
	require.NotEmpty(t, logConfig, "uvicorn on EC2 must use the image's JSON log config: %v", execStart)
	// The unit names the installed paths; the test wrote them under appDir.
	unitAppDir := flagValue(execStart, "--app-dir")
	require.Equal(t, "/opt/sgraph-send/app", unitAppDir)
	logConfig = strings.Replace(logConfig, unitAppDir, appDir, 1)

	stand := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(stand, "sgraph_ai_app_send__docker"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(stand, "sgraph_ai_app_send__docker", "__init__.py"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(stand, "sgraph_ai_app_send__docker", "app.py"), []byte(`
def create_app():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": [(b"fast-api-request-id", b"req-42")]})
        await send({"type": "http.response.body", "body": b""})
    return app
`), 0o644))
	result := filepath.Join(t.TempDir(), "result.json")
	run := exec.Command(py, "-B", "-c", uvicornLike, factory, appDir, logConfig, result)
	run.Env = []string{"PATH=/usr/bin:/bin", "PYTHONPATH=" + stand}
	for k, v := range env {
		run.Env = append(run.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	run.Stderr = &stderr
	logs, err := run.Output()
	require.NoError(t, err, "%s", stderr.String())

	var got struct {
		Status   int    `json:"status"`
		Location string `json:"location"`
	}
	raw, err := os.ReadFile(result)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, 302, got.Status, "the share path redirects on EC2 as in the image")
	assert.Equal(t, downloadPage, got.Location)

	parse := exec.Command(py, "-B", "-c", parseJSONLines)
	parse.Stdin = bytes.NewReader(logs)
	parsed, err := parse.CombinedOutput()
	require.NoError(t, err, "every line uvicorn logs on EC2 parses as JSON:\n%s\n%s", logs, parsed)
	lines := strings.Split(strings.TrimSpace(string(parsed)), "\n")
	require.Len(t, lines, 2, "a startup line and an access line")
	var access map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &access))
	assert.Equal(t, "uvicorn.access", access["logger"])
	assert.Equal(t, float64(302), access["status"])

	// The journal copy the CloudWatch agent ships keeps the line verbatim: -o cat
	// prints the message alone. Broken variant: the default (short) output puts
	// a syslog prefix in front, which is no JSON line.
	assert.Contains(t, ec2.InstallScript(), "journalctl -fu sgraph-send -o cat")
	prefixed := exec.Command(py, "-B", "-c", parseJSONLines)
	prefixed.Stdin = strings.NewReader("Dec 03 15:00:00 ip-10-0-0-1 uvicorn[812]: " + strings.SplitN(string(logs), "\n", 2)[0] + "\n")
	_, err = prefixed.CombinedOutput()
	assert.Error(t, err, "a journal line with its syslog prefix is not JSON")
}

// Broken variant: user data without the app files fails the run mode's
// install step by name instead of starting an app without its layers.
func TestEC2FilesRequired(t *testing.T) {
	sh := bash(t)
	s := ec2.Script{Mode: "files", Version: "0.27.6", NoAppFiles: true}
	cmd := exec.Command(sh, writeScript(t, s.Render()))
	cmd.Env = append(os.Environ(), "SGRAPH_SEND_APP_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "SGRAPH_SEND_ENTRY_PY, SGRAPH_SEND_LOGGING_PY and SGRAPH_SEND_LOG_CONFIG are required")
}
