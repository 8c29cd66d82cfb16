package smoketest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Our own secrets fill the recording's placeholders. The token has
// capitals so <upload-token-lowercased> differs from it, as recorded.
const (
	replayToken    = "Replay-Token-XYZ789"
	replayKey      = "replay-admin-key-0123"
	replayWrongKey = "not-the-configured-value"
)

// recordingPath finds ../shared/real-app/recordings.json beside the module root.
func recordingPath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "real-app", "recordings.json")
		}
		dir = filepath.Dir(dir)
	}
	t.Fatal("no go.mod above the test directory")
	return ""
}

// TestReplayRecording sends every recorded case to a fresh fake per
// (app, config), in file order, and requires the recorded status, headers
// and JSON shape. s3 cases need an S3 emulator the fake does not model:
// they are skipped by name; nothing else is.
func TestReplayRecording(t *testing.T) {
	path := recordingPath(t)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		t.Skipf("%s absent (a clone without shared/real-app): replay of the real app's recording skipped", path)
	}
	rec, err := LoadRecording(path)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	groups := map[string][]Case{}
	var s3 []string
	for _, c := range rec.Cases {
		if c.Config.Storage == "s3" {
			s3 = append(s3, c.ID)
			continue
		}
		if groups[c.Key()] == nil {
			order = append(order, c.Key())
		}
		groups[c.Key()] = append(groups[c.Key()], c)
	}
	ran := 0
	for _, key := range order {
		cases := groups[key]
		t.Run(key, func(t *testing.T) {
			app, err := fakeFor(cases[0])
			if err != nil {
				t.Fatalf("%s: %v", cases[0].ID, err)
			}
			for _, f := range replayGroup(app, cases) {
				t.Error(f)
			}
			ran += len(cases)
		})
	}
	if len(s3) > 0 {
		t.Logf("skipped %d case(s) with config.storage s3 (the fake has no S3 emulator): %s", len(s3), strings.Join(s3, ", "))
	}
	t.Logf("replayed %d of %d recorded cases", ran, len(rec.Cases))
	if ran+len(s3) != len(rec.Cases) {
		t.Errorf("replayed %d + skipped %d != %d cases", ran, len(s3), len(rec.Cases))
	}
}

// replayGroup sends one (app, config)'s cases in file order to a fresh
// server and returns one line per case that did not answer as recorded.
func replayGroup(app *App, cases []Case) []string {
	srv := httptest.NewServer(app)
	defer srv.Close()
	rp := &replayer{base: srv.URL, client: noRedirect(), ids: map[string]string{}, uploaded: map[string][]byte{}}
	var fails []string
	for _, c := range cases {
		if err := rp.run(c); err != nil {
			fails = append(fails, fmt.Sprintf("case %s: %v", c.ID, err))
		}
	}
	return fails
}

// fakeFor builds the fake for a case's (app, config).
func fakeFor(c Case) (*App, error) {
	var app *App
	switch c.App {
	case "user":
		app = NewApp(outputs.UserAPI, Faults{})
	case "container":
		app = NewApp(outputs.ContainerApp, Faults{})
	case "admin":
		if !c.Config.AdminKey {
			return nil, fmt.Errorf("no model of the admin app without a key")
		}
		app = NewApp(outputs.AdminAPI, Faults{}).WithKey(KeyHeader, replayKey)
	default:
		return nil, fmt.Errorf("unknown app %q", c.App)
	}
	if c.Config.UploadToken {
		app.WithTokenValue(replayToken)
	}
	return app, nil
}

func noRedirect() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type replayer struct {
	base     string
	client   *http.Client
	ids      map[string]string // create case id -> transfer id the fake issued
	uploaded map[string][]byte // transfer id -> bytes uploaded
}

var placeholderRE = regexp.MustCompile(`<[a-z_\-]+(\[\d+:\d+\])?>`)

// fill replaces the secret and id placeholders of a request string.
func (rp *replayer) fill(s, transferID string) (string, error) {
	var bad error
	out := placeholderRE.ReplaceAllStringFunc(s, func(p string) string {
		switch p {
		case "<upload-token>":
			return replayToken
		case "<upload-token-lowercased>":
			return strings.ToLower(replayToken)
		case "<admin-key>":
			return replayKey
		case "<wrong-key>":
			return replayWrongKey
		case "<transfer_id>":
			if transferID == "" {
				bad = fmt.Errorf("%s used without a transferFrom id", p)
			}
			return transferID
		}
		bad = fmt.Errorf("request placeholder %s has no value", p)
		return p
	})
	return out, bad
}

var randomBytesRE = regexp.MustCompile(`^<(\d+) random bytes>$`)

func (rp *replayer) body(raw json.RawMessage, transferID string) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if s, ok := v.(string); ok {
		m := randomBytesRE.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("request body %q is not a recorded body kind", s)
		}
		n, _ := strconv.Atoi(m[1])
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return b, nil
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if text, ok := m["<raw-text>"].(string); ok {
			return []byte(text), nil
		}
	}
	var err error
	filled := walk(v, func(s string) string {
		out, e := rp.fill(s, transferID)
		if e != nil {
			err = e
		}
		return out
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(filled)
}

func walk(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = walk(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = walk(e, f)
		}
		return out
	}
	return v
}

func (rp *replayer) run(c Case) error {
	id := ""
	if c.TransferFrom != "" {
		if id = rp.ids[c.TransferFrom]; id == "" {
			return fmt.Errorf("transferFrom %s issued no transfer id", c.TransferFrom)
		}
	}
	path, err := rp.fill(c.Request.Path, id)
	if err != nil {
		return err
	}
	body, err := rp.body(c.Request.Body, id)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(c.Request.Method, rp.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	for k, v := range c.Request.Headers {
		if v, err = rp.fill(v, id); err != nil {
			return err
		}
		req.Header.Set(k, v)
	}
	res, err := rp.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != c.Response.Status {
		return fmt.Errorf("status %d, recorded %d (body %.200q)", res.StatusCode, c.Response.Status, got)
	}
	if err := compareHeaders(c.Response.Headers, res.Header); err != nil {
		return err
	}
	if strings.Contains(c.Request.Path, "/upload/") && res.StatusCode == 200 && id != "" {
		rp.uploaded[id] = body
	}
	if c.Response.BodyKind != "" {
		return rp.compareKind(c, got, id)
	}
	var gotJSON any
	if err := json.Unmarshal(got, &gotJSON); err != nil {
		return fmt.Errorf("body is not JSON: %v (%.200q)", err, got)
	}
	var want any
	_ = json.Unmarshal(c.Response.JSON, &want)
	if c.Response.JSONPartial {
		return compareOpenAPI(want, gotJSON, c.Response.OpenAPIPaths)
	}
	m := &matcher{transferID: id}
	if err := m.match("$", want, gotJSON); err != nil {
		return err
	}
	if m.issued != "" && c.TransferFrom == "" {
		rp.ids[c.ID] = m.issued
	}
	return nil
}

func compareHeaders(want map[string]string, got http.Header) error {
	lower := map[string]string{}
	for k, v := range want {
		lower[strings.ToLower(k)] = v
	}
	for _, h := range RecordedHeaders {
		w, recorded := lower[h]
		g, present := got[http.CanonicalHeaderKey(h)]
		switch {
		case !recorded && present:
			return fmt.Errorf("header %s: %q, recorded absent", h, strings.Join(g, ", "))
		case recorded && !present:
			return fmt.Errorf("header %s absent, recorded %q", h, w)
		case recorded && w != "<present>" && strings.Join(g, ", ") != w:
			return fmt.Errorf("header %s: %q, recorded %q", h, strings.Join(g, ", "), w)
		}
	}
	return nil
}

func (rp *replayer) compareKind(c Case, got []byte, id string) error {
	r := c.Response
	switch r.BodyKind {
	case "empty":
		if len(got) != 0 {
			return fmt.Errorf("body of %d bytes, recorded empty", len(got))
		}
	case "html":
		if len(got) == 0 || !bytes.Contains(bytes.ToLower(got), []byte("<")) {
			return fmt.Errorf("body is not an HTML page (%.100q)", got)
		}
	case "bytes":
		if r.SameBytesAsUploaded {
			if !bytes.Equal(got, rp.uploaded[id]) {
				return fmt.Errorf("download of %d bytes is not the %d bytes uploaded", len(got), len(rp.uploaded[id]))
			}
		} else if len(got) != r.Bytes {
			return fmt.Errorf("body of %d bytes, recorded %d", len(got), r.Bytes)
		}
	}
	return nil
}

// compareOpenAPI: openapi and info whole, and every recorded operation present.
func compareOpenAPI(want, got any, ops []string) error {
	w, _ := want.(map[string]any)
	g, ok := got.(map[string]any)
	if !ok {
		return fmt.Errorf("OpenAPI document is not an object")
	}
	m := &matcher{}
	for _, k := range []string{"openapi", "info"} {
		if err := m.match("$."+k, w[k], g[k]); err != nil {
			return err
		}
	}
	paths, _ := g["paths"].(map[string]any)
	for _, op := range ops {
		method, p, _ := strings.Cut(op, " ")
		item, _ := paths[p].(map[string]any)
		if _, ok := item[strings.ToLower(method)]; !ok {
			return fmt.Errorf("OpenAPI document lacks the recorded operation %s", op)
		}
	}
	return nil
}

// matcher compares a recorded JSON value with an answer: same keys and
// types, same literal values, and placeholders matched by kind.
type matcher struct {
	transferID string // known id (transferFrom); empty: any id, remembered in issued
	issued     string
}

var placeholderPatterns = map[string]string{
	"<timestamp>": `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d`,
	"<cache_id>":  `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
	"<uuid>":      `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
	"<ip_hash>":   `[0-9a-f]{64}`,
}

func (m *matcher) pattern(recorded string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range placeholderRE.FindAllStringIndex(recorded, -1) {
		b.WriteString(regexp.QuoteMeta(recorded[last:loc[0]]))
		p := recorded[loc[0]:loc[1]]
		switch p {
		case "<transfer_id>":
			id := m.transferID
			if id == "" {
				id = m.issued
			}
			if id != "" {
				b.WriteString(regexp.QuoteMeta(id))
			} else {
				b.WriteString(`(?P<id>[0-9a-f]{12})`)
			}
		case "<upload-token>":
			b.WriteString(regexp.QuoteMeta(replayToken))
		case "<admin-key>":
			b.WriteString(regexp.QuoteMeta(replayKey))
		default:
			pat, ok := placeholderPatterns[p]
			if !ok {
				return nil, fmt.Errorf("unknown response placeholder %s", p)
			}
			b.WriteString(pat)
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(recorded[last:]))
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func (m *matcher) match(at string, want, got any) error {
	switch w := want.(type) {
	case nil:
		if got != nil {
			return fmt.Errorf("%s: %v, recorded null", at, got)
		}
	case bool:
		if g, ok := got.(bool); !ok || g != w {
			return fmt.Errorf("%s: %v, recorded %v", at, got, w)
		}
	case float64:
		if g, ok := got.(float64); !ok || g != w {
			return fmt.Errorf("%s: %v, recorded %v", at, got, w)
		}
	case string:
		g, ok := got.(string)
		if !ok {
			return fmt.Errorf("%s: %T, recorded a string", at, got)
		}
		if !placeholderRE.MatchString(w) {
			if g != w {
				return fmt.Errorf("%s: %q, recorded %q", at, g, w)
			}
			return nil
		}
		re, err := m.pattern(w)
		if err != nil {
			return fmt.Errorf("%s: %v", at, err)
		}
		sub := re.FindStringSubmatch(g)
		if sub == nil {
			return fmt.Errorf("%s: %q does not fit the recorded %q", at, g, w)
		}
		if i := re.SubexpIndex("id"); i > 0 && m.issued == "" {
			m.issued = sub[i]
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %T, recorded an object", at, got)
		}
		if err := sameKeys(at, w, g); err != nil {
			return err
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := m.match(at+"."+k, w[k], g[k]); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: %v, recorded %d items", at, got, len(w))
		}
		for i := range w {
			if err := m.match(fmt.Sprintf("%s[%d]", at, i), w[i], g[i]); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%s: recorded value of unknown type %T", at, want)
	}
	return nil
}

func sameKeys(at string, want, got map[string]any) error {
	var missing, extra []string
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra) > 0 {
		sort.Strings(missing)
		sort.Strings(extra)
		return fmt.Errorf("%s: keys missing %v, not recorded %v", at, missing, extra)
	}
	return nil
}
