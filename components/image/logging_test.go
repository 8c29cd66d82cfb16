package image_test

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
)

// emitLogs configures logging from docker/log_config.json exactly as
// `uvicorn --log-config` does (logging.config.dictConfig), then logs what
// uvicorn logs: an access line from inside the app's send (the way uvicorn's
// protocols do) for a request whose response carries fast-api-request-id, one
// for a request without it, a startup line and an exception.
const emitLogs = `
import asyncio, json, logging, logging.config
logging.config.dictConfig(json.load(open("log_config.json")))
import sgraph_logging as sl
access = logging.getLogger("uvicorn.access")

def app_with(headers):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})
    return app

async def server_send(message):
    if message["type"] == "http.response.start":
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.7:5000", "GET", "/info/health", "1.1", message["status"])

async def main():
    # One task per request, as uvicorn runs them.
    await asyncio.create_task(sl.RequestIdMiddleware(app_with([(b"fast-api-request-id", b"req-0123")]))({"type": "http"}, None, server_send))
    await asyncio.create_task(sl.RequestIdMiddleware(app_with([(b"content-type", b"text/plain")]))({"type": "http"}, None, server_send))

logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
asyncio.run(main())
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("uvicorn.error").exception("boom \"quoted\"")
`

// parseLines is Python's own json module reading every line back.
const parseLines = `
import json, sys
for line in sys.stdin.read().splitlines():
    print(json.dumps(json.loads(line), sort_keys=True))
`

func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed; the JSON logging test needs it")
	}
	return py
}

func runPy(t *testing.T, py, dir, script string, stdin []byte) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(py, "-B", "-c", script)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Logf("python stderr: %s", stderr.String())
	}
	return out, err
}

func TestLogsAreJSONLines(t *testing.T) {
	py := python(t)
	dir := dockerDir(t)
	raw, err := runPy(t, py, dir, emitLogs, nil)
	require.NoError(t, err)
	parsed, err := runPy(t, py, dir, parseLines, raw)
	require.NoError(t, err, "python's json module must read every line:\n%s", raw)

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(parsed)), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m))
		lines = append(lines, m)
	}
	require.Len(t, lines, 4, "%s", raw)
	for _, l := range lines {
		for _, k := range []string{"time", "level", "logger", "message"} {
			assert.Contains(t, l, k)
		}
	}
	start, withID, withoutID, boom := lines[0], lines[1], lines[2], lines[3]
	assert.Equal(t, "Started server process [42]", start["message"])
	assert.Equal(t, "uvicorn.access", withID["logger"])
	assert.Equal(t, "req-0123", withID["request_id"], "the app's fast-api-request-id")
	assert.Equal(t, "GET", withID["method"])
	assert.Equal(t, "/info/health", withID["path"])
	assert.EqualValues(t, 200, withID["status"])
	assert.NotContains(t, withoutID, "request_id", "no id leaks from the previous request")
	assert.Equal(t, "ERROR", boom["level"])
	assert.Contains(t, boom["exception"], "ZeroDivisionError")
}

// The parser is strict: uvicorn's default text line is refused, so the test
// above would fail if the config fell back to text.
func TestLogsParserRefusesText(t *testing.T) {
	py := python(t)
	_, err := runPy(t, py, dockerDir(t), parseLines, []byte(`INFO:     203.0.113.7:5000 - "GET /info/health HTTP/1.1" 200 OK`+"\n"))
	assert.Error(t, err)
}

// The image copies the logging files, and the build context admits them.
func TestImageShipsLoggingConfig(t *testing.T) {
	dir := dockerDir(t)
	for _, f := range []string{"sgraph_logging.py", "log_config.json"} {
		require.FileExists(t, filepath.Join(dir, f))
	}
	df, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	require.NoError(t, err)
	ignore, err := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	require.NoError(t, err)
	for _, f := range []string{"sgraph_logging.py", "log_config.json"} {
		assert.Contains(t, string(df), f, "Dockerfile COPY")
		assert.Contains(t, string(ignore), "!"+f, ".dockerignore")
	}
}
