package smoketest

import (
	"embed"
	"net/http"
)

// The user UI as ui-journey.md records it on the container app, as small
// fixture pages with the same selectors and the same API requests, so the
// browser journey can be proven offline. The "encryption" is the fixture's
// own (fixture-crypto.js), not the app's AES-GCM. The cookie form, its POST,
// check-token and the token gate are the App's own.
//
//go:embed pages
var pageFiles embed.FS

// Today's UI paths (v0.2.0); the journey's defaults match them.
const (
	PageCookieForm = "/auth/set-cookie-form"
	PageUpload     = "/send/v0/v0.2/v0.2.0/en-gb/index.html"
	PageDownload   = "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"
	// PageShareLink is where the page's share link points: <origin>/en-gb/download/#<id>/<key>.
	PageShareLink = "/en-gb/download/"
)

// PageFaults break one step of the browser journey each. A download that
// returns other bytes is the App's own Faults.CorruptDownload.
type PageFaults struct {
	LinkNotFound   bool // the share link's path answers 404, as on the real container app
	GateNeverOpens bool // check-token says valid:false for any value
}

// NewPages adds the user UI pages to a container app, broken as f says, and
// returns it. They sit behind the app's layers: with app.WithToken() every
// page needs the token as header or cookie, as on the real app.
func NewPages(app *App, f PageFaults) *App {
	app.Handle("GET "+PageUpload, pageFile("pages/upload.html", "text/html; charset=utf-8"))
	app.Handle("GET "+PageDownload, pageFile("pages/download.html", "text/html; charset=utf-8"))
	app.Handle("GET /fixture/upload.js", pageFile("pages/upload.js", "text/javascript"))
	app.Handle("GET /fixture/fixture-crypto.js", pageFile("pages/fixture-crypto.js", "text/javascript"))
	if f.GateNeverOpens {
		app.Handle("GET /api/transfers/check-token/{value}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"valid": false, "status": "invalid"})
		}))
	}
	if !f.LinkNotFound {
		// As a proxy in front of the app would: the browser keeps the fragment.
		app.Handle("GET "+PageShareLink+"{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, PageDownload, http.StatusFound)
		}))
	}
	return app
}

func pageFile(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := pageFiles.ReadFile(name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(b)
	}
}
