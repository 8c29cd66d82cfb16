package smoketest

import (
	"os"
	"strings"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// TestReplayCatchesBrokenFakes: the replay is only worth something if a
// fake that differs from the recording fails it, naming the case.
func TestReplayCatchesBrokenFakes(t *testing.T) {
	path := recordingPath(t)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		t.Skipf("%s absent: nothing to replay", path)
	}
	rec, err := LoadRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	group := func(app string, token bool) []Case {
		var out []Case
		for _, c := range rec.Cases {
			if c.App == app && c.Config.UploadToken == token && c.Config.Storage == "memory" {
				out = append(out, c)
			}
		}
		return out
	}
	cases := []struct {
		name    string
		app     *App
		cases   []Case
		failing string // a case id the broken fake must fail
	}{
		{"gate off", NewApp(outputs.ContainerApp, Faults{GateOff: true}).WithTokenValue(replayToken), group("container", true), "cont-tok-missing--health"},
		{"no request id", NewApp(outputs.UserAPI, Faults{NoRequestID: true}), group("user", false), "user-open--health"},
		{"no CORS", NewApp(outputs.ContainerApp, Faults{NoCORS: true}), group("container", false), "cont-open--cors-preflight"},
		{"container without a token gate", NewApp(outputs.ContainerApp, Faults{}), group("container", true), "cont-tok-missing--root"},
		{"admin key off", NewApp(outputs.AdminAPI, Faults{NoAuth: true}).WithKey(KeyHeader, replayKey), group("admin", false), "admin-nokey--health"},
		{"stale version", NewApp(outputs.UserAPI, Faults{WrongVersion: true}), group("user", false), "user-open--api-openapi"},
		{"download corrupted", NewApp(outputs.UserAPI, Faults{CorruptDownload: true}), group("user", false), "user-open--rt-5-download"},
		{"info catch-all", NewApp(outputs.UserAPI, Faults{InfoCatchAll: true}), group("user", false), "user-open--err-info-unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fails := replayGroup(c.app, c.cases)
			found := false
			for _, f := range fails {
				found = found || strings.HasPrefix(f, "case "+c.failing+":")
			}
			if !found {
				t.Errorf("the broken fake did not fail case %s; failures: %q", c.failing, fails)
			}
		})
	}
}

// TestParseRecordingBadInput: a malformed file fails with the file and
// the case named, never a panic.
func TestParseRecordingBadInput(t *testing.T) {
	good := `{"id":"a","app":"user","config":{"uploadToken":false,"adminKey":false,"storage":"memory"},` +
		`"request":{"method":"GET","path":"/info/health","headers":{}},"response":{"status":200,"headers":{},"json":{"status":"ok"}}}`
	doc := func(cases ...string) string { return `{"cases":[` + strings.Join(cases, ",") + `]}` }
	swap := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	cases := []struct{ name, in, want string }{
		{"not JSON", `{"cases": [`, "not a recording"},
		{"cases not a list", `{"cases": {}}`, "not a recording"},
		{"no cases", `{"cases": []}`, "no cases"},
		{"status a string", doc(swap(`"status":200`, `"status":"200"`)), `case #0 "a"`},
		{"status out of range", doc(swap(`"status":200`, `"status":999`)), `case #0 "a": response.status 999`},
		{"no id", doc(swap(`"id":"a",`, ``)), "case #0 \"\": no id"},
		{"duplicate id", doc(good, good), `case #1 "a": duplicate id`},
		{"unknown app", doc(swap(`"app":"user"`, `"app":"other"`)), `app "other"`},
		{"relative path", doc(swap(`"/info/health"`, `"info/health"`)), `request.path "info/health"`},
		{"json and bodyKind", doc(swap(`"json":{"status":"ok"}`, `"json":{},"bodyKind":"html"`)), "exactly one of json and bodyKind"},
		{"neither", doc(swap(`,"json":{"status":"ok"}`, ``)), "exactly one of json and bodyKind"},
		{"bad bodyKind", doc(swap(`"json":{"status":"ok"}`, `"bodyKind":"pdf"`)), `bodyKind "pdf"`},
		{"unknown transferFrom", doc(swap(`"app":"user",`, `"app":"user","transferFrom":"zz",`)), `transferFrom "zz"`},
		{"header outside the set", doc(swap(`"headers":{},"json"`, `"headers":{"server":"x"},"json"`)), `"server" is outside`},
		{"storage", doc(swap(`"memory"`, `"disk"`)), `config.storage "disk"`},
		{"case not an object", doc(`[1]`), `case #0 (no id)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRecording("bad.json", strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("accepted %s", c.in)
			}
			if !strings.Contains(err.Error(), "bad.json") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q: want the file and %q", err, c.want)
			}
		})
	}
	if _, err := ParseRecording("good.json", strings.NewReader(doc(good))); err != nil {
		t.Errorf("good document refused: %v", err)
	}
}
