// Package browser drives SGraph Send's user UI in a real headless Chromium,
// the way a person uses it: set the token cookie, pass the access gate,
// upload a file, open the share link in a fresh browser, let the page
// decrypt and save the file, and compare bytes. It is separate from package
// smoke so the HTTP harness stays light; cmd/smoke -browser adds it.
package browser

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config holds the UI paths and bounds of the journey. Defaults are the
// container app v0.27.6's UI (v0.2.0) as ../shared/real-app/ui-journey.md
// records it.
type Config struct {
	Chromium string // executable; Debian's package installs /usr/bin/chromium

	CookieFormPath string // GET form that sets the token cookie
	UploadPage     string // the upload page that works (the root redirect ends on a 404)
	// DownloadPage is the versioned download page; the journey rewrites a
	// share link that does not work to DownloadPage#<fragment>.
	DownloadPage string

	// GateValue is typed at the access gate when no token is configured:
	// the gate then accepts any non-empty value.
	GateValue string
	FileName  string // the generated file's name
	FileBytes int    // and size

	StepTimeout time.Duration // each step: a navigation, a wait, a download
	Timeout     time.Duration // the whole journey of one target

	// ArtifactDir receives screenshots and the browser console of each
	// journey (failing or not); empty saves nothing.
	ArtifactDir string
}

// DefaultConfig returns today's values.
func DefaultConfig() Config {
	return Config{
		Chromium:       "/usr/bin/chromium",
		CookieFormPath: "/auth/set-cookie-form",
		UploadPage:     "/send/v0/v0.2/v0.2.0/en-gb/index.html",
		DownloadPage:   "/send/v0/v0.2/v0.2.0/en-gb/download/index.html",
		GateValue:      "anything",
		FileName:       "upload.bin",
		FileBytes:      150_000,
		StepTimeout:    30 * time.Second,
		Timeout:        3 * time.Minute,
	}
}

// Target is one deployment that serves the user UI.
type Target struct {
	Name   string
	Origin *url.URL // scheme and host; a path is ignored
	// Token is the static upload token (a secret), empty when the site is open.
	Token       string
	InsecureTLS bool // self-signed certificate (EC2 without a domain)
}

// Available says why the configured browser cannot run, or nil.
func (c Config) Available() error {
	st, err := os.Stat(c.Chromium)
	if err != nil {
		return fmt.Errorf("no browser at %s (install Debian's chromium: apt-get install -y chromium)", c.Chromium)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable", c.Chromium)
	}
	return nil
}

func (c Config) validate() error {
	for _, p := range []struct{ name, v string }{
		{"cookie form path", c.CookieFormPath}, {"upload page", c.UploadPage}, {"download page", c.DownloadPage},
	} {
		if !strings.HasPrefix(p.v, "/") {
			return fmt.Errorf("browser %s %q must be a path starting with /", p.name, p.v)
		}
	}
	switch {
	case c.StepTimeout <= 0 || c.Timeout <= 0:
		return errors.New("browser step timeout and journey timeout must be positive")
	case c.FileBytes < 1:
		return errors.New("browser file size must be at least 1 byte")
	case c.FileName == "" || strings.ContainsAny(c.FileName, `/\`):
		return fmt.Errorf("browser file name %q must be a plain file name", c.FileName)
	case c.GateValue == "":
		return errors.New("browser gate value must not be empty")
	}
	return nil
}
