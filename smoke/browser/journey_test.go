package browser

import (
	"context"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// testConfig skips when no browser is installed (CI installs Debian's).
func testConfig(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig()
	if p := os.Getenv("SMOKE_CHROMIUM"); p != "" {
		cfg.Chromium = p
	}
	requireBrowser(t, cfg)
	// Generous: a shared 2-core machine starts a browser in 5-20 s.
	cfg.StepTimeout = 45 * time.Second
	cfg.Timeout = 3 * time.Minute
	cfg.FileBytes = 150_000
	// SMOKE_BROWSER_ARTIFACTS keeps the screenshots to look at.
	cfg.ArtifactDir = os.Getenv("SMOKE_BROWSER_ARTIFACTS")
	if cfg.ArtifactDir == "" {
		cfg.ArtifactDir = t.TempDir()
	}
	return cfg
}

// lowerToken is a static token the real UI can use (all lower case).
const lowerToken = "upload-secret-lower-0123"

func TestJourneyOnFixturePages(t *testing.T) {
	cfg := testConfig(t)
	cases := []struct {
		name      string
		token     string // the site's static token; empty: open
		faults    smoketest.Faults
		pages     smoketest.PageFaults
		journey   smoke.Verdict
		link      smoke.Verdict
		wantInErr string // in the failing result's reason
		fast      bool   // fails well within one step timeout
	}{
		{name: "open site", journey: smoke.Pass, link: smoke.Pass},
		// The app without the image's redirect layer: the link 404s (a FAIL on every
		// target now that one layer in the image fixes it everywhere).
		{name: "token site, link 404", token: lowerToken, pages: smoketest.PageFaults{LinkNotFound: true}, journey: smoke.Pass, link: smoke.Fail,
			wantInErr: "/<key> answered 404 Not Found: the image's UI redirect layer"},
		// Recorded: the real gate lower-cases what was typed, so a token with
		// capitals makes every UI upload fail; the fixture gate does the same.
		{name: "token with capitals", token: smoketest.Token, journey: smoke.Fail, link: smoke.Skip,
			wantInErr: `upload: the share link (#combined-link): the page says "Invalid or missing token.`},
		// As on the real page (AES-GCM), a changed byte does not decrypt: the
		// page shows its key form, and the journey fails at once on it.
		{name: "download returns other bytes", faults: smoketest.Faults{CorruptDownload: true}, journey: smoke.Fail, link: smoke.Fail,
			wantInErr: "download: the page shows its key form (#key-input) instead of saving the file", fast: true},
		{name: "gate never opens", pages: smoketest.PageFaults{GateNeverOpens: true}, journey: smoke.Fail, link: smoke.Skip,
			wantInErr: `gate: the gate opening (#token-status-bar): the page says "Invalid or missing token.`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := smoketest.NewApp(outputs.ContainerApp, tc.faults)
			if tc.token != "" {
				app.WithTokenValue(tc.token)
			}
			srv := httptest.NewServer(smoketest.NewPages(app, tc.pages))
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			c := cfg
			c.ArtifactDir = filepath.Join(cfg.ArtifactDir, strings.NewReplacer(" ", "-", ",", "").Replace(tc.name))
			target := Target{Name: "fake", Origin: u}
			target.Token = tc.token
			var keys []string
			keySeen = func(k string) { keys = append(keys, k) }
			defer func() { keySeen = func(string) {} }()
			res := Run(context.Background(), c, target)
			if len(res) != 2 {
				t.Fatalf("want 2 results, got %d", len(res))
			}
			j, l := res[0], res[1]
			t.Logf("%s %s: %s", j.Check, j.Verdict, j.Reason)
			t.Logf("%s %s: %s", l.Check, l.Verdict, l.Reason)
			if j.Check != CheckJourney || l.Check != CheckShareLink {
				t.Fatalf("checks %q, %q", j.Check, l.Check)
			}
			if j.Verdict != tc.journey || l.Verdict != tc.link {
				t.Fatalf("verdicts journey=%s link=%s, want %s %s", j.Verdict, l.Verdict, tc.journey, tc.link)
			}
			if tc.wantInErr != "" && !strings.Contains(j.Reason+" | "+l.Reason, tc.wantInErr) {
				t.Errorf("reasons do not name the failing step %q", tc.wantInErr)
			}
			if tc.pages.LinkNotFound && !strings.Contains(j.Reason, "/send/v0/v0.2/v0.2.0/en-gb/download/index.html#") {
				t.Errorf("journey should name the versioned page that worked: %s", j.Reason)
			}
			if hint := "the image's UI redirect layer"; tc.link == smoke.Fail && strings.Contains(l.Reason, hint) != (tc.journey == smoke.Pass) {
				t.Errorf("the redirect hint belongs to a link that failed where the versioned page worked, only: %s", l.Reason)
			}
			if tc.fast && j.Duration >= c.StepTimeout {
				t.Errorf("the journey took %s, more than one step timeout (%s): it waited instead of failing on the key form", j.Duration, c.StepTimeout)
			}
			if tc.link != smoke.Skip && len(keys) == 0 {
				t.Errorf("the journey got a link but reported no key: the artifact scan below would prove nothing")
			}
			assertNoSecret(t, c.ArtifactDir, append(keys, tc.token, smoketest.Token, smoketest.Key), j.Reason, l.Reason)
			if tc.journey == smoke.Pass || tc.link != smoke.Skip {
				// The pages that show the key were photographed, redacted.
				for _, shot := range []string{"browser-fake-sender-upload.png", "browser-fake-recipient-*-download.png"} {
					if got, _ := filepath.Glob(filepath.Join(c.ArtifactDir, shot)); len(got) == 0 {
						t.Errorf("no screenshot %s (the page was not redactable?)", shot)
					}
				}
			}
			if j.Verdict == smoke.Fail {
				if _, err := os.Stat(filepath.Join(c.ArtifactDir, "browser-fake-console.txt")); err != nil {
					t.Errorf("failing journey saved no console: %v", err)
				}
				shots, _ := filepath.Glob(filepath.Join(c.ArtifactDir, "*.png"))
				if len(shots) == 0 {
					t.Errorf("failing journey saved no screenshot")
				}
			}
		})
	}
}

// assertNoSecret: no reason, no artifact file's name and no artifact's
// content holds any form of a secret (the token, the admin key, the share
// link's key: raw, encoded, case-changed).
func assertNoSecret(t *testing.T, dir string, secrets []string, reasons ...string) {
	t.Helper()
	for _, leak := range findSecrets(dir, secrets, reasons...) {
		t.Error(leak)
	}
}

func findSecrets(dir string, secrets []string, reasons ...string) []string {
	var forms []string
	for _, s := range secrets {
		for _, f := range smoke.SecretForms(s) {
			forms = append(forms, strings.ToLower(f))
		}
	}
	var leaks []string
	check := func(where, text string) {
		text = strings.ToLower(text)
		for _, f := range forms {
			if strings.Contains(text, f) {
				leaks = append(leaks, fmt.Sprintf("%s holds a secret (as %q)", where, f[:min(4, len(f))]+"…"))
				return
			}
		}
	}
	for _, r := range reasons {
		check("a reason", r)
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		check("the artifact name "+d.Name(), d.Name())
		b, _ := os.ReadFile(path)
		check("the artifact "+d.Name(), string(b))
		return nil
	})
	return leaks
}

// The scan is able to fail: it finds a key echoed in any form.
func TestFindSecretsSeesEveryForm(t *testing.T) {
	const key = "Zm9vYmFyLWtleS1vZi1mb3J0eS10aHJlZS1jaGFycy0"
	for _, tc := range []struct{ name, file, text string }{
		{"console line", "browser-x-console.txt", "GET http://h/en-gb/download/#abc/" + key + " 404"},
		{"URL-encoded", "browser-x-console.txt", "next=%2Fd%23abc%2F" + url.QueryEscape(key)},
		{"upper-cased", "browser-x-console.txt", strings.ToUpper(key)},
		{"in a file name", "browser-" + key + ".png", "png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if leaks := findSecrets(dir, []string{key}); len(leaks) == 0 {
				t.Fatalf("the scan missed %s", tc.name)
			}
		})
	}
	if leaks := findSecrets(t.TempDir(), []string{key}, "clean reason"); len(leaks) != 0 {
		t.Fatalf("false alarm: %v", leaks)
	}
}

func TestConfigRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"relative upload page", func(c *Config) { c.UploadPage = "send/x" }, "upload page"},
		{"zero step timeout", func(c *Config) { c.StepTimeout = 0 }, "timeout"},
		{"empty file", func(c *Config) { c.FileBytes = 0 }, "file size"},
		{"path in file name", func(c *Config) { c.FileName = "../x" }, "file name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
	if err := DefaultConfig().validate(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
}

func TestMaskKey(t *testing.T) {
	for in, want := range map[string]string{
		"http://h/en-gb/download/#abc123/KEYKEY": "http://h/en-gb/download/#abc123/<key>",
		"http://h/en-gb/download/#abc123":        "http://h/en-gb/download/#abc123",
		"http://h/page":                          "http://h/page",
	} {
		if got := maskKey(in); got != want {
			t.Errorf("maskKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// requireBrowser skips without a browser, or fails when SMOKE_BROWSER_REQUIRED
// is set (.ci/run sets it: CI must run the journey).
func requireBrowser(t *testing.T, cfg Config) {
	t.Helper()
	if err := cfg.Available(); err != nil {
		if os.Getenv("SMOKE_BROWSER_REQUIRED") != "" {
			t.Fatalf("SMOKE_BROWSER_REQUIRED is set but %v", err)
		}
		t.Skipf("browser journey skipped: %v", err)
	}
}

// The cookie form echoes the token (#currentValue, as the real one does):
// a screenshot must not show it.
func TestSnapshotRedactsTheTokenFromThePage(t *testing.T) {
	cfg := testConfig(t)
	srv := httptest.NewServer(smoketest.NewPages(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithToken(), smoketest.PageFaults{}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
	defer cancel()
	red := newRedactor(smoketest.Token)
	s, err := startSession(ctx, cfg, Target{Name: "fake"}, red)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	tb, err := s.newTab("sender")
	if err != nil {
		t.Fatal(err)
	}
	if err := setCookie(tb, srv.URL+smoketest.PageCookieForm, smoketest.Token); err != nil {
		t.Fatal(err)
	}
	pageText := func() string {
		got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.body.innerText + '|' + document.querySelector('#cookie_value').value`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if !strings.Contains(pageText(), smoketest.Token) {
		t.Fatal("the fixture form should echo the token, as the real one does; the test proves nothing otherwise")
	}
	tb.snapshot("cookie")
	if got := pageText(); strings.Contains(got, smoketest.Token) || !strings.Contains(got, "[REDACTED]") {
		t.Fatalf("page after snapshot still shows the token or no redaction mark: %q", red.String(got))
	}
	if shots, _ := filepath.Glob(filepath.Join(cfg.ArtifactDir, "browser-fake-sender-cookie.png")); len(shots) != 1 {
		t.Fatalf("no screenshot saved in %s", cfg.ArtifactDir)
	}
}
