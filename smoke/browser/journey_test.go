package browser

import (
	"context"
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
	}{
		{name: "open site", journey: smoke.Pass, link: smoke.Pass},
		// The app without the image's redirect layer: the link 404s (a FAIL on every
		// target now that one layer in the image fixes it everywhere).
		{name: "token site, link 404", token: lowerToken, pages: smoketest.PageFaults{LinkNotFound: true}, journey: smoke.Pass, link: smoke.Fail,
			wantInErr: "/<key> answered 404 Not Found"},
		// Recorded: the real gate lower-cases what was typed, so a token with
		// capitals makes every UI upload fail; the fixture gate does the same.
		{name: "token with capitals", token: smoketest.Token, journey: smoke.Fail, link: smoke.Skip,
			wantInErr: `upload: the share link (#combined-link): the page says "Invalid or missing token.`},
		{name: "download returns other bytes", faults: smoketest.Faults{CorruptDownload: true}, journey: smoke.Fail, link: smoke.Fail,
			wantInErr: "compare: the saved file (150000 bytes) differs from the uploaded one (150000 bytes), first at byte 75000"},
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
			assertNoSecret(t, c.ArtifactDir, j.Reason, l.Reason)
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

// assertNoSecret: no reason and no saved text holds the token or the admin key.
func assertNoSecret(t *testing.T, dir string, reasons ...string) {
	t.Helper()
	for _, tok := range []string{smoketest.Token, lowerToken, strings.ToLower(smoketest.Token)} {
		for _, r := range reasons {
			if strings.Contains(r, tok) {
				t.Errorf("a reason leaks the token: %s", r)
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), tok) {
				t.Errorf("%s leaks the token", f)
			}
		}
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
