// Package smoketest holds test doubles for the smoke harness: a fake of
// SGraph Send v0.27.6 modelled on the recording of the real app
// (shared/real-app/recordings.json, replayed against it by a test), with
// switches that break one behaviour each, and a SigV4-verifying front that
// plays the Lambda Function URL's AWS_IAM layer. Use them on loopback only.
package smoketest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// App is one entry point (kind) of SGraph Send v0.27.6 as recorded, with
// switches that break one behaviour each. Its layers, outermost first, are
// the ones the recording shows:
//
//	admin:              request id, key gate (answers preflights), CORS, routes
//	container + token:  token gate (answers preflights), request id, CORS, routes
//	user, open container: request id, CORS, routes
//
// A wrapper (the browser journey's UI pages) adds routes with Handle; they
// sit behind the same layers.
type App struct {
	kind        outputs.Kind
	version     string // as the app reports it, e.g. "v0.27.6"
	keyHeader   string
	key         string
	tokenHeader string
	token       string // empty: no SGRAPH_SEND__ACCESS_TOKEN
	faults      Faults

	mu        sync.Mutex
	transfers map[string]*transfer
	tokens    map[string]*adminToken
	hits      atomic.Int64 // requests seen
	mux       *http.ServeMux
	extra     *http.ServeMux // routes added by Handle, tried first
}

// Faults are the broken variants: each breaks what one check verifies.
type Faults struct {
	WrongVersion    bool          // OpenAPI reports another version
	WrongTitle      bool          // OpenAPI of another app
	NoAuth          bool          // admin key and upload token not enforced by the routes
	GateOff         bool          // container app answers every route without the token
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

const (
	Version     = "v0.27.6"   // as the app reports it
	KeyHeader   = "x-api-key" // FAST_API__AUTH__API_KEY__NAME as recorded
	Key         = "admin-secret-0123456789"
	TokenHeader = "x-sgraph-access-token"
	// Token has capitals on purpose: the real UI lower-cases what it is
	// given, and the recording has a case that depends on the difference.
	Token  = "Upload-Secret-ABCdef"
	UIPage = "/admin/v0/v0.1/v0.1.7/index.html"
	// SendPage is where the container app's / redirects.
	SendPage = "/send/v0/v0.2/v0.2.0/index.html"
	// HangBound caps a hanging answer so a test server can always shut down.
	HangBound = 3 * time.Second
	// RequestIDHeader is the app's per-response header.
	RequestIDHeader = "fast-api-request-id"
)

// NewApp serves one entry point of the app, broken as f says.
func NewApp(kind outputs.Kind, f Faults) *App {
	a := &App{
		kind: kind, version: Version,
		keyHeader: KeyHeader, key: Key,
		tokenHeader: TokenHeader,
		faults:      f,
		transfers:   map[string]*transfer{},
		tokens:      map[string]*adminToken{},
		mux:         http.NewServeMux(),
		extra:       http.NewServeMux(),
	}
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w) })
	a.mux.HandleFunc("GET /info/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"status": "ok"})
	})
	a.mux.HandleFunc("HEAD /info/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 405, map[string]any{"detail": "Method Not Allowed"})
	})
	if kind == outputs.AdminAPI {
		a.adminRoutes()
	} else {
		a.userRoutes()
		if kind == outputs.ContainerApp {
			a.containerRoutes()
		}
	}
	return a
}

// WithToken turns on the static upload token (SGRAPH_SEND__ACCESS_TOKEN).
func (a *App) WithToken() *App { return a.WithTokenValue(Token) }

// WithTokenValue turns on the static upload token with a value of the caller's.
func (a *App) WithTokenValue(tok string) *App { a.token = tok; return a }

// WithKey sets the admin key header name and value (FAST_API__AUTH__API_KEY__*).
func (a *App) WithKey(header, key string) *App { a.keyHeader, a.key = header, key; return a }

// Handle adds a route (a ServeMux pattern) behind the app's gate, request id
// and CORS layers; it wins over a built-in route of the same path.
func (a *App) Handle(pattern string, h http.Handler) {
	a.extra.Handle(pattern, h)
}

// Hits counts the requests the app has seen.
func (a *App) Hits() int64 { return a.hits.Load() }

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
	switch {
	case a.kind == outputs.AdminAPI:
		a.requestID(w)
		if a.keyGate(w, r, a.keyHeader, a.key, a.faults.NoAuth) {
			a.inner(w, r)
		}
	case a.kind == outputs.ContainerApp && a.token != "":
		// The token gate is outside everything: its 401 and its preflight
		// answers carry no request id (recorded).
		if a.keyGate(w, r, a.tokenHeader, a.token, a.faults.GateOff) {
			a.requestID(w)
			a.inner(w, r)
		}
	default:
		a.requestID(w)
		a.inner(w, r)
	}
}

func (a *App) requestID(w http.ResponseWriter) {
	if !a.faults.NoRequestID {
		w.Header().Set(RequestIDHeader, newUUID())
	}
}

// inner is CORS then routing, the FastAPI app behind the gate.
func (a *App) inner(w http.ResponseWriter, r *http.Request) {
	if a.faults.All500 {
		writeJSON(w, 500, map[string]any{"detail": "Internal Server Error"})
		return
	}
	if a.cors(w, r) {
		return
	}
	if h, pattern := a.extra.Handler(r); pattern != "" {
		h.ServeHTTP(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteHTML answers 200 with an HTML page, as the app's static pages do.
func WriteHTML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(200)
	_, _ = io.WriteString(w, body)
}

func notFound(w http.ResponseWriter) { writeJSON(w, 404, map[string]any{"detail": "Not Found"}) }

// redirect answers 307 with only a Location, no body and no content type (recorded).
func redirect(w http.ResponseWriter, to string) {
	w.Header().Set("Location", to)
	w.WriteHeader(http.StatusTemporaryRedirect)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func isoNow() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000-07:00") }
