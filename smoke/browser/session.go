package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// session is one headless Chromium for one target's journey, with a fresh
// user-data dir. Every tab gets its own browser context (no shared cookies,
// storage or cache), as a recipient on another machine would have.
type session struct {
	cfg    Config
	target string
	red    redactor
	tmp    string
	root   context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	console []string
	saved   []string // artifact files written
}

func startSession(ctx context.Context, cfg Config, t Target, red redactor) (*session, error) {
	tmp, err := os.MkdirTemp("", "smoke-browser-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(cfg.Chromium),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	}
	if t.InsecureTLS {
		opts = append(opts, chromedp.IgnoreCertErrors)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	s := &session{cfg: cfg, target: t.Name, red: red, tmp: tmp, root: root}
	s.cancel = func() { cancelRoot(); cancelAlloc(); _ = os.RemoveAll(tmp) }
	if err := chromedp.Do(root); err != nil {
		s.cancel()
		return nil, fmt.Errorf("starting %s: %w", cfg.Chromium, err)
	}
	return s, nil
}

func (s *session) close() { s.cancel() }

// tab is one page in its own browser context, saving downloads to dir.
type tab struct {
	s      *session
	label  string
	ctx    context.Context
	cancel context.CancelFunc
	dir    string
}

func (s *session) newTab(label string) (*tab, error) {
	began := time.Now()
	defer func() { s.note(fmt.Sprintf("tab %s ready in %s", label, time.Since(began).Round(time.Millisecond))) }()
	ctx, cancel := chromedp.NewContext(s.root, chromedp.WithNewBrowserContext())
	t := &tab{s: s, label: label, ctx: ctx, cancel: cancel, dir: filepath.Join(s.tmp, "downloads-"+label)}
	if err := os.MkdirAll(t.dir, 0o700); err != nil {
		cancel()
		return nil, err
	}
	// Subscribing opens the tab, so no console line of its pages is lost.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			line := fmt.Sprintf("%s [%s] %s: %s", m.Time.UTC().Format(time.TimeOnly), label, m.Type, m.Text)
			if m.URL != "" {
				line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line)
			}
			s.mu.Lock()
			s.console = append(s.console, s.red.String(line))
			s.mu.Unlock()
		}
	}()
	enabled := true
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		DownloadPath:     t.dir,
		EventsEnabled:    &enabled,
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("setting the download folder: %w", err)
	}
	return t, nil
}

func (t *tab) close() { t.cancel() }

// step bounds one action of the journey.
func (t *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.ctx, t.s.cfg.StepTimeout)
}

// snapshot saves a screenshot of the tab as it is now. The page may show the
// token (the cookie form echoes it), so every text node and input value
// holding a secret is replaced first.
func (t *tab) snapshot(name string) {
	if t.s.cfg.ArtifactDir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	t.s.mu.Lock()
	forms, _ := json.Marshal(t.s.red.forms)
	t.s.mu.Unlock()
	// A page we cannot clean is not photographed.
	left, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(redactDOM, forms)))
	if err != nil || left {
		t.s.note(fmt.Sprintf("screenshot %s skipped: the page could not be redacted (%v)", name, err))
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.s.note(fmt.Sprintf("screenshot %s: %v", name, err))
		return
	}
	t.s.write(fmt.Sprintf("%s-%s.png", t.label, name), png)
}

// redactDOM replaces every form of every secret (case-insensitive) in the
// page's text, input values and the title, and says whether any is still
// visible.
const redactDOM = `(() => {
  const forms = %s, r = '[REDACTED]';
  if (!forms || !forms.length) return false;
  const esc = (f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(forms.slice().sort((a, b) => b.length - a.length).map(esc).join('|'), 'gi');
  const clean = (v) => v.replace(re, r);
  const w = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) n.nodeValue = clean(n.nodeValue);
  document.querySelectorAll('input:not([type=file]), textarea').forEach((e) => { e.value = clean(e.value); });
  document.title = clean(document.title);
  const seen = (document.body ? document.body.innerText : '') + '|' + Array.from(document.querySelectorAll('input:not([type=file]), textarea'), (e) => e.value).join('|');
  re.lastIndex = 0;
  return re.test(seen);
})()`

// addSecret redacts v from now on, and from what was already collected
// (the share link's key is known only once the page gives the link).
func (s *session) addSecret(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.red = newRedactor(append(append([]string(nil), s.red.secrets...), v)...)
	for i, line := range s.console {
		s.console[i] = s.red.String(line)
	}
}

func (s *session) note(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.console = append(s.console, s.red.String("journey: "+line))
}

func (s *session) write(name string, data []byte) {
	if err := os.MkdirAll(s.cfg.ArtifactDir, 0o755); err != nil {
		return
	}
	path := filepath.Join(s.cfg.ArtifactDir, fmt.Sprintf("browser-%s-%s", s.target, name))
	if os.WriteFile(path, data, 0o644) == nil {
		s.mu.Lock()
		s.saved = append(s.saved, path)
		s.mu.Unlock()
	}
}

// saveConsole writes what the pages logged (redacted) next to the screenshots.
func (s *session) saveConsole() {
	if s.cfg.ArtifactDir == "" {
		return
	}
	s.mu.Lock()
	text := s.red.String(strings.Join(s.console, "\n") + "\n")
	s.mu.Unlock()
	s.write("console.txt", []byte(text))
}

func (s *session) artifacts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.saved...)
}
