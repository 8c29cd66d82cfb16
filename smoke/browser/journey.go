package browser

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Check names in the report.
const (
	// CheckJourney: cookie, gate, upload, share link, and a page that
	// decrypts and saves the same bytes (the link as given, or the
	// versioned download page when the link is broken).
	CheckJourney = "ui-journey"
	// CheckShareLink: the share link exactly as the page hands it out.
	CheckShareLink = "ui-share-link"
)

// stepError names the journey step that failed.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func fail(step string, format string, a ...any) error {
	return &stepError{step: step, err: fmt.Errorf(format, a...)}
}

// Run drives one target's journey and returns its two results; reasons are
// redacted against secrets (the token is always among them). Screenshots
// and the console go to cfg.ArtifactDir.
func Run(ctx context.Context, cfg Config, t Target, secrets ...string) []smoke.Result {
	red := newRedactor(append(secrets, t.Token)...)
	base := smoke.Result{Target: t.Name, Kind: string(outputs.ContainerApp)}
	if t.Origin != nil {
		base.URL = t.Origin.String()
	}
	journey, link := base, base
	journey.Check, link.Check = CheckJourney, CheckShareLink

	start := time.Now()
	out, err := run(ctx, cfg, t, red)
	journey.Duration = time.Since(start)
	link.Duration = out.linkTime
	if err != nil {
		journey.Verdict, journey.Reason = smoke.Fail, err.Error()
	} else {
		journey.Verdict, journey.Reason = smoke.Pass, fmt.Sprintf("%d bytes uploaded and saved identical through %s", cfg.FileBytes, out.worked)
	}
	switch {
	case out.link == "":
		link.Verdict, link.Reason = smoke.Skip, "no share link: the journey stopped before the page gave one"
	case out.linkErr != nil && err == nil:
		// The same fragment worked on the versioned page: the path is at fault.
		link.Verdict, link.Reason = smoke.Fail, fmt.Sprintf("share link as given %s: %v: the image's UI redirect layer (docker/sgraph_entry.py, SGRAPH_SEND_UI_REDIRECTS) should have sent the app's broken share path to the download page; check that layer", out.link, out.linkErr)
	case out.linkErr != nil:
		link.Verdict, link.Reason = smoke.Fail, fmt.Sprintf("share link as given %s: %v", out.link, out.linkErr)
	default:
		link.Verdict, link.Reason = smoke.Pass, fmt.Sprintf("share link as given %s decrypted and saved identical bytes", out.link)
	}
	if len(out.artifacts) > 0 && (journey.Verdict == smoke.Fail || link.Verdict == smoke.Fail) {
		journey.Reason += fmt.Sprintf(" [screenshots and console: %s]", filepath.Dir(out.artifacts[0]))
	}
	if out.key != "" {
		red = newRedactor(append(red.secrets, out.key)...)
	}
	journey.Reason, link.Reason = red.String(journey.Reason), red.String(link.Reason)
	return []smoke.Result{journey, link}
}

type outcome struct {
	link      string // as shown, key part of the fragment masked
	linkErr   error
	linkTime  time.Duration
	worked    string // the page that saved the file, key masked
	key       string // the share link's decryption key, redacted everywhere
	artifacts []string
}

func run(ctx context.Context, cfg Config, t Target, red redactor) (out outcome, err error) {
	if err := cfg.validate(); err != nil {
		return out, fail("config", "%v", err)
	}
	if err := cfg.Available(); err != nil {
		return out, fail("browser", "%v", err)
	}
	if t.Origin == nil || t.Origin.Host == "" {
		return out, fail("config", "target %s has no origin URL", t.Name)
	}
	origin := (&url.URL{Scheme: t.Origin.Scheme, Host: t.Origin.Host}).String()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	began := time.Now()
	s, err := startSession(ctx, cfg, t, red)
	if err != nil {
		return out, fail("browser", "%v", err)
	}
	defer s.close()
	s.note(fmt.Sprintf("browser started in %s", time.Since(began).Round(time.Millisecond)))
	defer func() {
		s.saveConsole()
		out.artifacts = s.artifacts()
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("%w (journey timeout %s)", err, cfg.Timeout)
		}
	}()

	original := make([]byte, cfg.FileBytes)
	_, _ = rand.Read(original)
	file := filepath.Join(s.tmp, cfg.FileName)
	if err := os.WriteFile(file, original, 0o600); err != nil {
		return out, fail("file", "%v", err)
	}

	// The sender: cookie (gated sites), gate, upload, link.
	sender, err := s.newTab("sender")
	if err != nil {
		return out, fail("browser", "%v", err)
	}
	defer sender.close()
	if t.Token != "" {
		if err := setCookie(sender, origin+cfg.CookieFormPath, t.Token); err != nil {
			sender.snapshot("cookie")
			return out, err
		}
	}
	gate := t.Token
	if gate == "" {
		gate = cfg.GateValue
	}
	if err := passGate(sender, origin+cfg.UploadPage, gate); err != nil {
		sender.snapshot("gate")
		return out, err
	}
	raw, err := upload(sender, file)
	// From now on the key is a secret like the token: the console, the
	// screenshots and the reasons never show it.
	if _, frag, ok := strings.Cut(raw, "#"); ok {
		if _, key, _ := strings.Cut(strings.TrimSpace(frag), "/"); key != "" {
			out.key = key
			s.addSecret(key)
			keySeen(key)
		}
	}
	sender.snapshot("upload")
	if err != nil {
		return out, err
	}
	link, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || link.Host == "" || !strings.Contains(link.Fragment, "/") {
		return out, fail("share link", "the page's link %q is not <origin>/...#<id>/<key>", maskKey(raw))
	}
	out.link = maskKey(link.String())

	// The recipient, as given: a fresh browser, the cookie when gated.
	linkStart := time.Now()
	out.linkErr = receive(s, "recipient-link", t.Token, origin+cfg.CookieFormPath, link.String(), original)
	out.linkTime = time.Since(linkStart)
	if out.linkErr == nil {
		out.worked = "the share link as given"
		return out, nil
	}
	// The versioned download page, where the app's UI actually lives.
	page := origin + cfg.DownloadPage + "#" + link.Fragment
	if err := receive(s, "recipient-page", t.Token, origin+cfg.CookieFormPath, page, original); err != nil {
		return out, &stepError{step: "download via " + maskKey(page), err: err}
	}
	out.worked = maskKey(page) + " (the share link as given failed)"
	return out, nil
}

// receive opens pageURL in a fresh browser context and waits for the page to
// save a file, then compares it with want.
func receive(s *session, label, token, cookieForm, pageURL string, want []byte) error {
	tb, err := s.newTab(label)
	if err != nil {
		return err
	}
	defer tb.close()
	if token != "" {
		if err := setCookie(tb, cookieForm, token); err != nil {
			tb.snapshot("cookie")
			return err
		}
	}
	got, err := openAndSave(tb, pageURL)
	tb.snapshot("download")
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fail("compare", "the saved file (%d bytes) differs from the uploaded one (%d bytes)%s", len(got), len(want), firstDiff(got, want))
	}
	return nil
}

func firstDiff(a, b []byte) string {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf(", first at byte %d", i)
		}
	}
	return ""
}

// maskKey hides the decryption key in a share link's fragment: it is not a
// stack secret, but a link with its key is a working download for anyone.
func maskKey(link string) string {
	head, frag, ok := strings.Cut(link, "#")
	if !ok {
		return link
	}
	id, key, ok := strings.Cut(frag, "/")
	if !ok || key == "" {
		return link
	}
	return head + "#" + id + "/<key>"
}

var errTimeout = errors.New("timed out")

// keySeen is told the share link's key (tests scan the artifacts for it).
var keySeen = func(string) {}
