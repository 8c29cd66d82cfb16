package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The selectors and texts below are the real UI's (ui-journey.md).

// open navigates and fails on an HTTP error status of the document.
func open(ctx context.Context, step, pageURL string) error {
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(pageURL))
	if err != nil {
		return fail(step, "opening %s: %v", maskKey(pageURL), err)
	}
	if resp != nil && resp.Status >= 400 {
		return fail(step, "%s answered %d %s", maskKey(pageURL), resp.Status, resp.StatusText)
	}
	return nil
}

// waitFor polls a page expression that returns "" while waiting, "ok" when
// done, or any other text as the page's own error message.
func waitFor(ctx context.Context, step, what, expr string, bound time.Duration) error {
	got, err := chromedp.Run(ctx, chromedp.Poll[string](expr,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(bound)))
	switch {
	case errors.Is(err, chromedp.ErrPollingTimeout) || errors.Is(err, context.DeadlineExceeded):
		return fail(step, "%s: not within %s", what, bound)
	case err != nil:
		return fail(step, "%s: %v", what, err)
	case got != "ok":
		return fail(step, "%s: the page says %q", what, got)
	}
	return nil
}

// visible is a JS helper shared by the poll expressions.
// It reads an input's value too: the real page may show the link in either.
const visible = `((sel) => { const e = document.querySelector(sel); const t = e ? String(e.value || e.textContent || '').trim() : ''; return e && e.offsetParent !== null ? t : ''; })`

// setCookie: GET the cookie form, type the token, submit, wait for "Cookie set".
func setCookie(tb *tab, formURL, token string) error {
	const step = "cookie"
	defer tb.timed(step)()
	ctx, cancel := tb.step()
	defer cancel()
	if err := open(ctx, step, formURL); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#cookie_value")),
		chromedp.SetValue(chromedp.CSS("#cookie_value"), token),
		chromedp.Click(chromedp.CSS("#submitBtn")),
	); err != nil {
		return fail(step, "filling #cookie_value and clicking #submitBtn: %v", err)
	}
	expr := `(() => { const m = ` + visible + `('#message'); return m.includes('Cookie set') ? 'ok' : (m.startsWith('✅') || m === '' ? '' : m); })()`
	return waitFor(ctx, step, "#message saying the cookie is set", expr, tb.s.cfg.StepTimeout)
}

// passGate: open the upload page, type the value at the gate, press Go,
// wait for the token status bar (or the gate's error).
func passGate(tb *tab, pageURL, value string) error {
	const step = "gate"
	defer tb.timed(step)()
	ctx, cancel := tb.step()
	defer cancel()
	if err := open(ctx, step, pageURL); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#access-token-input")),
		chromedp.SendKeys(chromedp.CSS("#access-token-input"), value),
		chromedp.Click(chromedp.CSS("#access-token-submit")),
	); err != nil {
		return fail(step, "typing at #access-token-input and clicking #access-token-submit: %v", err)
	}
	expr := `(() => { const v = ` + visible + `; if (v('#token-status-bar')) return 'ok'; return v('#access-token-error'); })()`
	return waitFor(ctx, step, "the gate opening (#token-status-bar)", expr, tb.s.cfg.StepTimeout)
}

// upload: set the file on the hidden #file-input, click #upload-btn, read
// #combined-link.
func upload(tb *tab, file string) (string, error) {
	const step = "upload"
	defer tb.timed(step)()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{file}, chromedp.NodeReady),
		chromedp.WaitVisible(chromedp.CSS("#upload-btn")),
		chromedp.Click(chromedp.CSS("#upload-btn")),
	); err != nil {
		return "", fail(step, "setting #file-input and clicking #upload-btn: %v", err)
	}
	// The real page drops back to the gate with its error when an API call fails.
	expr := `(() => { const v = ` + visible + `; if (v('#combined-link')) return 'ok'; return v('#access-token-error'); })()`
	if err := waitFor(ctx, step, "the share link (#combined-link)", expr, tb.s.cfg.StepTimeout); err != nil {
		return "", err
	}
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const e = document.querySelector('#combined-link'); return String(e.value || e.textContent).trim(); })()`))
	if err != nil {
		return "", fail(step, "reading #combined-link: %v", err)
	}
	return link, nil
}

// openAndSave opens a download page and waits for the browser to save the
// file the page decrypts; it returns the file's bytes. A key that does not
// decrypt (a changed byte, a wrong or missing key) makes the real page show
// its key form instead, with no error text: that fails at once.
func openAndSave(tb *tab, pageURL string) ([]byte, error) {
	const step = "download"
	defer tb.timed(step)()
	ctx, cancel := tb.step()
	defer cancel()
	// Subscribe before the page loads: it saves the file by itself.
	events, stopEvents := context.WithCancel(ctx)
	defer stopEvents()
	progress := chromedp.BrowserEvents(events, browser.DownloadProgress)
	if err := open(ctx, step, pageURL); err != nil {
		return nil, err
	}
	keyForm := make(chan struct{})
	go func() {
		_, err := chromedp.Run(events, chromedp.Poll[bool](keyFormShown, chromedp.WithPollingInterval(100*time.Millisecond)))
		if err == nil {
			close(keyForm)
			stopEvents()
		}
	}()
	for ev, err := range progress {
		if err != nil {
			select {
			case <-keyForm:
				return nil, fail(step, "the page shows its key form (#key-input) instead of saving the file: the key in the link does not decrypt what was downloaded (a changed byte or a wrong key)")
			default:
			}
			return nil, fail(step, "no file saved within %s%s", tb.s.cfg.StepTimeout, pageStatus(tb))
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(tb.dir, ev.GUID))
			if err != nil {
				return nil, fail(step, "reading the saved file: %v", err)
			}
			return data, nil
		case browser.DownloadProgressStateCanceled:
			return nil, fail(step, "the browser canceled the download%s", pageStatus(tb))
		}
	}
	return nil, fail(step, "no file saved%s", pageStatus(tb))
}

// keyFormShown: the download page's fallback form is visible (ui-journey.md).
const keyFormShown = `(() => { const e = document.querySelector('#key-input'); return !!(e && e.offsetParent !== null); })()`

// pageStatus quotes the download page's status line, which says why (e.g.
// "Transfer not found. The link may have expired.").
func pageStatus(tb *tab) string {
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const e = document.querySelector('.status'); return e ? e.textContent.trim() : ''; })()`))
	if err != nil || strings.TrimSpace(text) == "" {
		return ""
	}
	return fmt.Sprintf("; the page says %q", text)
}

// timed notes a step's duration in the console file.
func (tb *tab) timed(step string) func() {
	began := time.Now()
	return func() {
		tb.s.note(fmt.Sprintf("%s %s took %s", tb.label, step, time.Since(began).Round(time.Millisecond)))
	}
}
