package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/smoke/browser"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// A page on another 127.0.0.1 port is same-site with the console (cookies
// ignore ports), so a browser that logged in attaches the SameSite=Strict
// session to that page's no-cors POST. The console must refuse it before
// anything goes upstream. The unguarded variant strips the headers the
// guard reads, and shows the test reproduces the attack: the POST is signed
// and reaches the app.
func TestConsoleRefusesAnotherLoopbackPortInChromium(t *testing.T) {
	cfg := browser.DefaultConfig()
	if p := os.Getenv("SMOKE_CHROMIUM"); p != "" {
		cfg.Chromium = p
	}
	if err := cfg.Available(); err != nil {
		if os.Getenv("SMOKE_BROWSER_REQUIRED") != "" {
			t.Fatalf("SMOKE_BROWSER_REQUIRED is set but %v", err)
		}
		t.Skipf("browser test skipped: %v", err)
	}
	for _, tc := range []struct {
		name        string
		guarded     bool
		wantReached bool
	}{
		{name: "console", guarded: true, wantReached: false},
		{name: "console without the origin guard (broken variant)", guarded: false, wantReached: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var up upstream
			srv := up.start(t)
			var logs syncBuf
			c := startConsoleWith(t, srv, &logs, tc.guarded)

			attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprintf(w, `<!doctype html><title>waiting</title><script>
fetch('http://%s/tokens/revoke/tok-1', {method: 'POST', mode: 'no-cors', credentials: 'include', body: 'x'})
  .then(() => { document.title = 'sent'; }, (e) => { document.title = 'error ' + e; });
</script>`, c.addr)
			}))
			defer attacker.Close()
			require.NotEqual(t, strings.Split(c.addr, ":")[1], strings.Split(strings.TrimPrefix(attacker.URL, "http://"), ":")[1])

			ctx, cancel := chromium(t, cfg.Chromium)
			defer cancel()
			// The operator's profile: the one-time URL sets the session.
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(c.LoginURL())))
			href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.location.href`))
			require.NoError(t, err)
			require.Contains(t, href, "http://"+c.addr+"/", "logged in and landed on the console")
			require.True(t, up.reached("GET /admin"), "the login redirect went through the console")
			// The console's own page keeps working: its POST carries our Origin.
			status, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`fetch('/tokens/list-details', {method: 'POST', body: '{}'}).then((r) => r.status)`, chromedp.EvalAwaitPromise))
			require.NoError(t, err)
			assert.NotEqual(t, float64(http.StatusForbidden), status, "a same-origin POST is refused")
			assert.True(t, up.reached("POST /tokens/list-details"), "the same-origin POST reached the app")

			// The same profile, later, on a page of another port.
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(attacker.URL)))
			title, err := chromedp.Run(ctx, chromedp.Poll[string](`document.title === 'waiting' ? '' : document.title`,
				chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
			require.NoError(t, err)
			// A no-cors fetch resolves with an opaque answer whatever the status.
			require.Equal(t, "sent", title)

			assert.Equal(t, tc.wantReached, up.reached("POST /tokens/revoke/"),
				"the cross-origin POST reached the admin app: %v; console log:\n%s", up.paths, logs.String())
			if tc.guarded {
				assert.Contains(t, logs.String(), "POST /tokens/revoke/tok-1 -> 403 refused: the request comes from another origin")
			}
		})
	}
}

// startConsoleWith is startConsole, optionally without the origin guard:
// the request loses the headers the guard reads (a console that ignored
// them would see the same).
func startConsoleWith(t *testing.T, up *httptest.Server, logs *syncBuf, guarded bool) *console {
	ln, err := listenLoopback(0)
	require.NoError(t, err)
	u, _ := url.Parse(up.URL)
	c := newConsole(u, smoketest.Region, smoketest.StaticCreds(smoketest.Creds), smoketest.KeyHeader, smoketest.Key, ln.Addr().String(), logs.Printf)
	var h http.Handler = c
	if !guarded {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Origin")
			r.Header.Del("Sec-Fetch-Site")
			c.ServeHTTP(w, r)
		})
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return c
}

// chromium starts a headless browser with one fresh profile for the test.
func chromium(t *testing.T, path string) (context.Context, context.CancelFunc) {
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	return ctx, func() { cancelTimeout(); cancelCtx(); cancelAlloc() }
}
