// Package smoketest holds test doubles for the smoke harness: a faithful
// fake of SGraph Send built from shared/app-contract.md, with switches that
// break one behaviour each, and a SigV4-verifying front that plays the
// Lambda Function URL's AWS_IAM layer. Use them on loopback only.
package smoketest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// App is SGraph Send v0.27.6 as shared/app-contract.md describes it,
// for one entry point (kind), with switches that break one behaviour each.
type App struct {
	kind        outputs.Kind
	version     string // as the app reports it, e.g. "v0.27.6"
	keyHeader   string
	key         string
	tokenHeader string
	token       string // empty: uploads open
	faults      Faults

	mu        sync.Mutex
	transfers map[string]*transfer
	hits      atomic.Int64 // requests seen
	mux       *http.ServeMux
}

// faults are the broken variants: each breaks what one check verifies.
type Faults struct {
	WrongVersion    bool          // OpenAPI reports another version
	WrongTitle      bool          // OpenAPI of another app
	NoAuth          bool          // admin key and upload token not enforced
	NoCORS          bool          // no CORS headers at all
	CorruptDownload bool          // download flips a byte
	All500          bool          // every route answers 500
	NoRequestID     bool          // no fast-api-request-id header
	UiNoRedirect    bool          // /admin answers 200 itself
	UiNotHTML       bool          // UI page served as JSON
	InfoCatchAll    bool          // info answers 200 for any id
	Latency         time.Duration // added to every request
	Transient       int64         // the first N requests answer 503
	Hang            chan struct{} // non-nil: every request blocks until closed or the client leaves
}

type transfer struct {
	size      int
	data      []byte
	uploaded  bool
	completed bool
	downloads int
}

const (
	Version     = "v0.27.6" // as the app reports it
	KeyHeader   = "x-admin-key"
	Key         = "admin-secret-0123456789"
	TokenHeader = "x-sgraph-access-token"
	Token       = "upload-secret-abcdef"
	UIPage      = "/admin/v0/v0.1/v0.1.7/index.html"
	// HangBound caps a hanging answer so a test server can always shut down.
	HangBound = 3 * time.Second
)

// NewApp serves one entry point of the app, broken as f says.
func NewApp(kind outputs.Kind, f Faults) *App {
	a := &App{
		kind: kind, version: Version,
		keyHeader: KeyHeader, key: Key,
		tokenHeader: TokenHeader,
		faults:      f,
		transfers:   map[string]*transfer{},
		mux:         http.NewServeMux(),
	}
	a.mux.HandleFunc("GET /info/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"status": "ok"})
	})
	a.mux.HandleFunc("HEAD /info/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 405, map[string]any{"detail": "Method Not Allowed"})
	})
	if kind == outputs.AdminAPI {
		a.mux.HandleFunc("GET /openapi.json", a.openAPI)
		a.mux.HandleFunc("GET /admin", func(w http.ResponseWriter, r *http.Request) {
			if a.faults.UiNoRedirect {
				writeHTML(w, "<html>not the UI</html>")
				return
			}
			http.Redirect(w, r, UIPage, http.StatusTemporaryRedirect)
		})
		a.mux.HandleFunc("GET "+UIPage, func(w http.ResponseWriter, r *http.Request) {
			if a.faults.UiNotHTML {
				writeJSON(w, 200, map[string]any{"ui": false})
				return
			}
			writeHTML(w, "<!doctype html><title>SGraph Send Admin</title>")
		})
	} else {
		a.mux.HandleFunc("GET /api/openapi.json", a.openAPI)
		a.mux.HandleFunc("POST /api/transfers/create", a.create)
		a.mux.HandleFunc("POST /api/transfers/upload/{id}", a.upload)
		a.mux.HandleFunc("POST /api/transfers/complete/{id}", a.complete)
		a.mux.HandleFunc("GET /api/transfers/download/{id}", a.download)
		a.mux.HandleFunc("GET /api/transfers/info/{id}", a.info)
		if kind == outputs.ContainerApp {
			a.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/send/", http.StatusTemporaryRedirect)
			})
			a.mux.HandleFunc("GET /send/", func(w http.ResponseWriter, r *http.Request) { writeHTML(w, "<html>send</html>") })
		}
	}
	return a
}

// WithToken turns on the static upload token (SGRAPH_SEND__ACCESS_TOKEN).
func (a *App) WithToken() *App { a.token = Token; return a }

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := a.hits.Add(1)
	if a.faults.Hang != nil {
		// Bounded, so a test server can always shut down.
		select {
		case <-a.faults.Hang:
		case <-r.Context().Done():
			return
		case <-time.After(HangBound):
		}
	}
	if d := a.faults.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if n <= a.faults.Transient {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	if !a.faults.NoRequestID {
		id := make([]byte, 8)
		_, _ = rand.Read(id)
		w.Header().Set("fast-api-request-id", hex.EncodeToString(id))
	}
	if a.faults.All500 {
		writeJSON(w, 500, map[string]any{"detail": "Internal Server Error"})
		return
	}
	if a.kind == outputs.AdminAPI {
		a.serveAdmin(w, r)
		return
	}
	a.serveUser(w, r)
}

// serveAdmin: CORS preflights answer 204 on any path before auth; every
// other route but the unprotected ones needs the key (header or cookie).
func (a *App) serveAdmin(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions && origin != "" {
		if !a.faults.NoCORS {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Methods", "*")
			w.Header().Set("Access-Control-Max-Age", "86400")
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !a.faults.NoAuth && !adminUnprotected(r.URL.Path) {
		got := r.Header.Get(a.keyHeader)
		if c, err := r.Cookie(a.keyHeader); got == "" && err == nil {
			got = c.Value
		}
		switch {
		case got == "":
			writeJSON(w, 401, map[string]any{"status": "error", "message": "Client API key is missing, you need to set it on a header or cookie"})
			return
		case got != a.key:
			writeJSON(w, 401, map[string]any{"status": "error", "message": "Invalid API key value"})
			return
		}
	}
	if origin != "" && !a.faults.NoCORS {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
	a.mux.ServeHTTP(w, r)
}

func adminUnprotected(path string) bool {
	switch path {
	case "/docs", "/openapi.json", "/auth/set-cookie-form", "/auth/set-auth-cookie", "/config/status":
		return true
	}
	return false
}

// serveUser: preflights echo the origin (200, max-age 600), plain requests
// get allow-origin *.
func (a *App) serveUser(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		if !a.faults.NoCORS {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Vary", "Origin")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.Header().Set("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
		}
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "OK")
		return
	}
	if !a.faults.NoCORS {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}
	a.mux.ServeHTTP(w, r)
}

func (a *App) openAPI(w http.ResponseWriter, r *http.Request) {
	title, version := "SGraph Send", a.version
	if a.kind == outputs.AdminAPI {
		title = "SGraph Send - Admin"
	}
	if a.faults.WrongTitle {
		title = "Some Other App"
	}
	if a.faults.WrongVersion {
		version = "v0.26.0"
	}
	writeJSON(w, 200, map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": title, "version": version},
		"paths":   map[string]any{},
	})
}

// tokenOK: create, upload and complete need the token (header or query).
func (a *App) tokenOK(w http.ResponseWriter, r *http.Request) bool {
	if a.token == "" || a.faults.NoAuth {
		return true
	}
	got := r.Header.Get(a.tokenHeader)
	if got == "" {
		got = r.URL.Query().Get("access_token")
	}
	if got != a.token {
		writeJSON(w, 401, map[string]any{"detail": "Missing or invalid access token"})
		return false
	}
	return true
}

func (a *App) create(w http.ResponseWriter, r *http.Request) {
	if !a.tokenOK(w, r) {
		return
	}
	var req struct {
		FileSizeBytes   *int   `json:"file_size_bytes"`
		ContentTypeHint string `json:"content_type_hint"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.FileSizeBytes == nil {
		writeJSON(w, 422, map[string]any{"detail": "invalid body"})
		return
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	a.mu.Lock()
	a.transfers[id] = &transfer{size: *req.FileSizeBytes}
	a.mu.Unlock()
	writeJSON(w, 200, map[string]any{"transfer_id": id, "upload_url": "/api/transfers/upload/" + id})
}

func (a *App) get(w http.ResponseWriter, r *http.Request) *transfer {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.transfers[r.PathValue("id")]
	if t == nil {
		writeJSON(w, 404, map[string]any{"detail": "Transfer not found"})
	}
	return t
}

func (a *App) upload(w http.ResponseWriter, r *http.Request) {
	if !a.tokenOK(w, r) {
		return
	}
	t := a.get(w, r)
	if t == nil {
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSON(w, 400, map[string]any{"detail": err.Error()})
		return
	}
	a.mu.Lock()
	t.data, t.uploaded = data, true
	a.mu.Unlock()
	writeJSON(w, 200, map[string]any{"status": "uploaded", "transfer_id": r.PathValue("id"), "size": len(data)})
}

func (a *App) complete(w http.ResponseWriter, r *http.Request) {
	if !a.tokenOK(w, r) {
		return
	}
	t := a.get(w, r)
	if t == nil {
		return
	}
	a.mu.Lock()
	t.completed = true
	a.mu.Unlock()
	id := r.PathValue("id")
	writeJSON(w, 200, map[string]any{"transfer_id": id, "download_url": "/d/" + id, "transit_url": "/api/transfers/download/" + id})
}

func (a *App) download(w http.ResponseWriter, r *http.Request) {
	t := a.get(w, r)
	if t == nil {
		return
	}
	a.mu.Lock()
	data := append([]byte(nil), t.data...)
	t.downloads++
	a.mu.Unlock()
	if a.faults.CorruptDownload && len(data) > 0 {
		data[len(data)/2] ^= 0xff
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

func (a *App) info(w http.ResponseWriter, r *http.Request) {
	if a.faults.InfoCatchAll {
		writeJSON(w, 200, map[string]any{"status": "completed", "download_count": 1})
		return
	}
	t := a.get(w, r)
	if t == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	status := "pending"
	if t.completed {
		status = "completed"
	}
	writeJSON(w, 200, map[string]any{"transfer_id": r.PathValue("id"), "status": status, "file_size_bytes": t.size, "download_count": t.downloads})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeHTML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(200)
	_, _ = io.WriteString(w, body)
}

// Hits counts the requests the app has seen.
func (a *App) Hits() int64 { return a.hits.Load() }
