package smoketest

import (
	"crypto/subtle"
	"io"
	"net/http"
)

// Messages of the app's key/token gate (the admin key middleware, reused by
// the container app for SGRAPH_SEND__ACCESS_TOKEN), as recorded.
const (
	MsgKeyMissing = "Client API key is missing, you need to set it on a header or cookie"
	MsgKeyInvalid = "Invalid API key value"
)

// GateCredential returns the credential a request carries for a gate named
// name: the header wins over the cookie (recorded: a right cookie with a
// wrong header is refused); the query string never counts.
func GateCredential(r *http.Request, name string) (value string, present bool) {
	if v := r.Header.Get(name); v != "" {
		return v, true
	}
	if c, err := r.Cookie(name); err == nil {
		return c.Value, true
	}
	return "", false
}

// GateAllows reports whether the gate named name with secret want lets r in:
// the exempt routes, CORS preflights and a request carrying the secret.
func GateAllows(r *http.Request, name, want string) bool {
	if gateExempt(r) || isPreflight(r) {
		return true
	}
	got, ok := GateCredential(r, name)
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// gateExempt lists the routes the gate lets through, as recorded for the
// admin app (docs, openapi, config status, the cookie form and its POST).
// For the container app only /openapi.json (404 behind), the form and the
// POST are recorded; /docs and /config/status are assumed the same.
func gateExempt(r *http.Request) bool {
	switch r.URL.Path {
	case "/docs", "/openapi.json", "/auth/set-cookie-form", "/auth/set-auth-cookie", "/config/status":
		return true
	}
	return false
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != ""
}

// keyGate is the app's global auth middleware: it answers CORS preflights
// itself (204, max-age 86400) before checking anything, then refuses a
// request without the right secret with 401 JSON. off is the broken variant
// that lets everything through. It reports whether the request goes on.
func (a *App) keyGate(w http.ResponseWriter, r *http.Request, name, want string, off bool) bool {
	if isPreflight(r) {
		if !a.faults.NoCORS {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "api-key__for__mgraph-ai__service, content-type")
			h.Set("Access-Control-Max-Age", "86400")
		}
		w.WriteHeader(http.StatusNoContent)
		return false
	}
	if off || GateAllows(r, name, want) {
		return true
	}
	msg := MsgKeyMissing
	if _, ok := GateCredential(r, name); ok {
		msg = MsgKeyInvalid
	}
	writeJSON(w, http.StatusUnauthorized, map[string]any{"data": nil, "error": nil, "message": msg, "status": "error"})
	return false
}

// cors is the FastAPI CORSMiddleware of the app: a preflight answers 200
// "OK" with the origin echoed (max-age 600); a simple request with an
// Origin gets "*", or the origin echoed plus Vary when it carries a cookie.
// It reports whether it answered the request.
func (a *App) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || a.faults.NoCORS {
		return false
	}
	h := w.Header()
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Accept, Accept-Language, Authorization, Content-Language, Content-Type, Origin, X-Requested-With, x-sgraph-access-token, x-sgraph-vault-write-key")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "OK")
		return true
	}
	if r.Header.Get("Cookie") != "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	return false
}

// setAuthCookie is POST /auth/set-auth-cookie: it echoes the value and sets
// the gate's cookie (session, HttpOnly, SameSite strict, not Secure).
func setAuthCookie(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			CookieValue string `json:"cookie_value"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		http.SetCookie(w, &http.Cookie{Name: name, Value: body.CookieValue, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		writeJSON(w, 200, map[string]any{"message": "Cookie set successfully", "cookie_name": name, "cookie_value": body.CookieValue})
	}
}

// cookieForm is GET /auth/set-cookie-form: a minimal page with the recorded
// selectors (#cookie_value, #submitBtn, #message, #currentValue).
func cookieForm(w http.ResponseWriter, r *http.Request) {
	WriteHTML(w, `<!doctype html><html><head><meta charset="utf-8"><title>Auth Cookie Editor</title></head><body>
<h1>Auth Cookie Editor</h1>
<input id="cookie_value" name="cookie_value" type="text">
<button id="submitBtn" type="button">&#x2705; Set Cookie</button>
<div id="message"></div><div id="currentValue"></div>
<script>
document.getElementById('submitBtn').addEventListener('click', async () => {
  const v = document.getElementById('cookie_value').value;
  const r = await fetch('/auth/set-auth-cookie', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({cookie_value: v})});
  const j = await r.json();
  document.getElementById('message').textContent = r.ok ? '\u2705 Cookie set successfully' : 'Error';
  if (r.ok) document.getElementById('currentValue').textContent = j.cookie_value;
});
</script></body></html>`)
}
