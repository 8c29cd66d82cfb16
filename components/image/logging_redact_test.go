package image_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

const logToken = "Upload-Token-AbC123xyz"

// recordedCheckTokenPath is the path the real UI's gate sent, as recorded
// (../shared/real-app/recordings.json), with the token filled in.
func recordedCheckTokenPath(t *testing.T) string {
	t.Helper()
	rec, err := smoketest.LoadRecording(filepath.Join("..", "..", "..", "shared", "real-app", "recordings.json"))
	if os.IsNotExist(err) {
		t.Skip("shared/real-app/recordings.json absent: the recorded check-token path is unknown")
	}
	require.NoError(t, err)
	for _, c := range rec.Cases {
		if c.Request.Method == "GET" && strings.Contains(c.Request.Path, "/check-token/<upload-token-lowercased>") {
			return strings.ReplaceAll(c.Request.Path, "<upload-token-lowercased>", strings.ToLower(logToken))
		}
	}
	t.Fatal("the recording has no check-token case with the lower-cased token")
	return ""
}

// emitAccess logs one uvicorn access line per path through log_config.json;
// with broken set, the redaction is switched off (the variant that must fail).
const emitAccess = `
import json, logging, logging.config, sys
logging.config.dictConfig(json.load(open("log_config.json")))
import sgraph_logging as sl
if "%t" == "true":
    sl.redact_path = lambda p: p
access = logging.getLogger("uvicorn.access")
for p in json.loads(sys.argv[1]):
    access.info('%%s - "%%s %%s HTTP/%%s" %%d', "203.0.113.7:5000", "GET", p, "1.1", 200)
`

func TestAccessLogRedactsTokens(t *testing.T) {
	py := python(t)
	dir := dockerDir(t)
	recorded := recordedCheckTokenPath(t)
	tok := strings.ToLower(logToken)
	cases := []struct{ path, want string }{
		{recorded, "/api/transfers/check-token/[REDACTED]"},
		{"/api/transfers/check-token/" + logToken, "/api/transfers/check-token/[REDACTED]"},
		{"/API/Transfers/Check-Token/" + tok + "?x=1", "/API/Transfers/Check-Token/[REDACTED]?x=[REDACTED]"},
		{"/api/transfers/check%2Dtoken/" + tok, "/api/transfers/check%2Dtoken/[REDACTED]"},
		{"/send/x.html?token=" + tok + "&flag&lang=en", "/send/x.html?token=[REDACTED]&flag&lang=[REDACTED]"},
		{"/info/health", "/info/health"},
		{"/api/transfers/info/0123456789ab", "/api/transfers/info/0123456789ab"},
	}
	var paths []string
	for _, c := range cases {
		paths = append(paths, c.path)
	}
	arg, _ := json.Marshal(paths)
	for _, broken := range []bool{false, true} {
		t.Run(fmt.Sprintf("redaction off=%t", broken), func(t *testing.T) {
			raw, err := runPyArgs(t, py, dir, fmt.Sprintf(emitAccess, broken), string(arg))
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
			require.Len(t, lines, len(cases), "%s", raw)
			leaked := 0
			for i, l := range lines {
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(l), &m), l)
				if strings.Contains(strings.ToLower(l), tok) {
					leaked++
					continue
				}
				assert.Equal(t, cases[i].want, m["path"])
				assert.Contains(t, m["message"], cases[i].want)
			}
			if broken {
				assert.Equal(t, 5, leaked, "without redaction every line with the token shows it: the test sees leaks")
			} else {
				assert.Zero(t, leaked, "access lines hold the upload token:\n%s", raw)
			}
		})
	}
}
