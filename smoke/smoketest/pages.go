package smoketest

import (
	"embed"
	"encoding/json"
	"net/http"
	"strings"
)

// The user UI as ui-journey.md records it on the container app, as small
// fixture pages with the same selectors and the same API requests, so the
// browser journey can be proven offline. The "encryption" is the fixture's
// own (fixture-crypto.js), not the app's AES-GCM.
//
//go:embed pages
var pageFiles embed.FS

// Today's UI paths (v0.2.0); the journey's defaults match them.
const (
	PageCookieForm    = "/auth/set-cookie-form"
	PageSetAuthCookie = "/auth/set-auth-cookie"
	PageUpload        = "/send/v0/v0.2/v0.2.0/en-gb/index.html"
	PageDownload      = "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"
	// PageShareLink is where the page's share link points: <origin>/en-gb/download/#<id>/<key>.
	PageShareLink = "/en-gb/download/"
)

// PageFaults break one step of the browser journey each. A download that
// returns other bytes is the App's own Faults.CorruptDownload.
type PageFaults struct {
	LinkNotFound   bool // the share link's path answers 404, as on the real container app
	GateNeverOpens bool // check-token says valid:false for any value
}

// Pages serves the fixture UI in front of app; everything else goes to app.
type Pages struct {
	app    *App
	faults PageFaults
	mux    *http.ServeMux
}

// NewPages serves the user UI pages of a container app, broken as f says.
// With app.WithToken(), every route needs the token as header or cookie
// except the cookie form, its POST and preflights, as the container app's
// global auth does.
func NewPages(app *App, f PageFaults) *Pages {
	p := &Pages{app: app, faults: f, mux: http.NewServeMux()}
	p.mux.HandleFunc("GET "+PageCookieForm, p.file("pages/cookie-form.html", "text/html; charset=utf-8"))
	p.mux.HandleFunc("POST "+PageSetAuthCookie, p.setCookie)
	p.mux.HandleFunc("GET "+PageUpload, p.file("pages/upload.html", "text/html; charset=utf-8"))
	p.mux.HandleFunc("GET "+PageDownload, p.file("pages/download.html", "text/html; charset=utf-8"))
	p.mux.HandleFunc("GET /fixture/upload.js", p.file("pages/upload.js", "text/javascript"))
	p.mux.HandleFunc("GET /fixture/fixture-crypto.js", p.file("pages/fixture-crypto.js", "text/javascript"))
	p.mux.HandleFunc("GET /api/transfers/check-token/{value}", p.checkToken)
	p.mux.HandleFunc("GET "+PageShareLink+"{$}", func(w http.ResponseWriter, r *http.Request) {
		if p.faults.LinkNotFound {
			writeJSON(w, 404, map[string]any{"detail": "Not Found"})
			return
		}
		// As a proxy in front of the app would: the browser keeps the fragment.
		http.Redirect(w, r, PageDownload, http.StatusFound)
	})
	p.mux.Handle("/", app)
	return p
}

func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.authorised(r) {
		writeJSON(w, 401, map[string]any{"detail": "Missing or invalid access token"})
		return
	}
	p.mux.ServeHTTP(w, r)
}

// authorised models the container app's global token check.
func (p *Pages) authorised(r *http.Request) bool {
	tok := p.app.token
	if tok == "" || p.app.faults.NoAuth || r.Method == http.MethodOptions {
		return true
	}
	if (r.Method == http.MethodGet && r.URL.Path == PageCookieForm) || (r.Method == http.MethodPost && r.URL.Path == PageSetAuthCookie) {
		return true
	}
	// The header wins over the cookie, as on the real app.
	if h := r.Header.Get(p.app.tokenHeader); h != "" {
		return h == tok
	}
	c, err := r.Cookie(p.app.tokenHeader)
	return err == nil && c.Value == tok
}

func (p *Pages) file(name, contentType string) http.HandlerFunc {
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

// setCookie answers like POST /auth/set-auth-cookie: it needs no token and
// sets whatever value it is given as an HttpOnly session cookie.
func (p *Pages) setCookie(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CookieValue string `json:"cookie_value"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || strings.TrimSpace(req.CookieValue) == "" {
		writeJSON(w, 422, map[string]any{"detail": "cookie_value required"})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: p.app.tokenHeader, Value: req.CookieValue, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	writeJSON(w, 200, map[string]any{"message": "Cookie set", "cookie_name": p.app.tokenHeader, "cookie_value": req.CookieValue})
}

// checkToken answers valid for any value, as the container app does
// without an admin URL; GateNeverOpens refuses every value.
func (p *Pages) checkToken(w http.ResponseWriter, r *http.Request) {
	if p.faults.GateNeverOpens {
		writeJSON(w, 200, map[string]any{"valid": false, "status": "invalid"})
		return
	}
	writeJSON(w, 200, map[string]any{"valid": true, "status": "active"})
}
