package smoketest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

type transfer struct {
	size        int
	contentType string
	created     string
	data        []byte
	uploaded    bool
	completed   bool
	downloads   int
}

// userRoutes are the user API's (Lambda public function, container app).
func (a *App) userRoutes() {
	a.mux.HandleFunc("GET /api/openapi.json", a.openAPI)
	a.mux.HandleFunc("POST /api/transfers/create", a.create)
	a.mux.HandleFunc("POST /api/transfers/upload/{id}", a.upload)
	a.mux.HandleFunc("POST /api/transfers/complete/{id}", a.complete)
	a.mux.HandleFunc("GET /api/transfers/download/{id}", a.download)
	a.mux.HandleFunc("GET /api/transfers/info/{id}", a.info)
	// Any value is valid when no admin URL is configured (recorded open and
	// with a token; other setups are not recorded).
	a.mux.HandleFunc("GET /api/transfers/check-token/{name}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"valid": true, "status": "active"})
	})
	a.mux.HandleFunc("GET /api/presigned/capabilities", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"presigned_upload": false, "multipart_upload": false, "presigned_download": false,
			"direct_upload": true, "max_part_size": 10485760, "min_part_size": 5242880, "max_parts": 10000})
	})
	a.mux.HandleFunc("GET /api/presigned/download-url/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"detail": "S3 storage mode required"})
	})
}

// containerRoutes add the UI entry, its pages and the cookie form.
func (a *App) containerRoutes() {
	a.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { redirect(w, SendPage) })
	for _, p := range []string{SendPage, "/send/v0/v0.2/v0.2.0/en-gb/index.html", "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"} {
		a.mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
			WriteHTML(w, "<!doctype html><title>SGraph Send</title><p>fake page "+p+"</p>")
		})
	}
	a.mux.HandleFunc("GET /auth/set-cookie-form", cookieForm)
	a.mux.HandleFunc("POST /auth/set-auth-cookie", setAuthCookie(a.tokenHeader))
}

// TokenOK is the user API's own upload-token check on create, upload and
// complete: header or query access_token, never the cookie (recorded).
func (a *App) TokenOK(r *http.Request) bool {
	if a.token == "" || a.faults.NoAuth {
		return true
	}
	got := r.Header.Get(a.tokenHeader)
	if got == "" {
		got = r.URL.Query().Get("access_token")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(a.token)) == 1
}

func (a *App) tokenOK(w http.ResponseWriter, r *http.Request) bool {
	if a.TokenOK(r) {
		return true
	}
	writeJSON(w, 401, map[string]any{"detail": "Access token required"})
	return false
}

// decodeBody parses a JSON body into v and answers the app's 400 when it
// can't: no body, invalid JSON or a field of the wrong type.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if len(bytes.TrimSpace(raw)) == 0 {
		writeJSON(w, 400, map[string]any{"detail": []any{map[string]any{"type": "missing", "loc": []any{"body"}, "msg": "Field required", "input": nil}}})
		return false
	}
	err := json.Unmarshal(raw, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &syn):
		pos := max(int(syn.Offset)-1, 0)
		msg := "Expecting value"
		if t := bytes.TrimSpace(raw); len(t) > 1 && t[0] == '{' && t[1] != '"' && t[1] != '}' {
			msg = "Expecting property name enclosed in double quotes"
		}
		writeJSON(w, 400, map[string]any{"detail": []any{map[string]any{"type": "json_invalid", "loc": []any{"body", pos}, "msg": "JSON decode error", "input": map[string]any{}, "ctx": map[string]any{"error": msg}}}})
	case errors.As(err, &typ):
		// Only integer fields are typed in the bodies the fake decodes.
		var obj map[string]any
		_ = json.Unmarshal(raw, &obj)
		writeJSON(w, 400, map[string]any{"detail": []any{map[string]any{"type": "int_parsing", "loc": []any{"body", typ.Field},
			"msg": "Input should be a valid integer, unable to parse string as an integer", "input": obj[typ.Field]}}})
	default:
		writeJSON(w, 400, map[string]any{"detail": err.Error()})
	}
	return false
}

// laxInt reads a JSON integer or a string holding one, as pydantic's lax
// mode does.
func laxInt(raw json.RawMessage) (int, bool) {
	n, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	return n, err == nil
}

func (a *App) create(w http.ResponseWriter, r *http.Request) {
	if !a.tokenOK(w, r) {
		return
	}
	var req struct {
		FileSizeBytes   json.RawMessage `json:"file_size_bytes"`
		ContentTypeHint string          `json:"content_type_hint"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	size := 0
	if len(req.FileSizeBytes) > 0 && string(req.FileSizeBytes) != "null" {
		n, ok := laxInt(req.FileSizeBytes)
		if !ok {
			var input any
			_ = json.Unmarshal(req.FileSizeBytes, &input)
			writeJSON(w, 400, map[string]any{"detail": []any{map[string]any{"type": "int_parsing", "loc": []any{"body", "file_size_bytes"},
				"msg": "Input should be a valid integer, unable to parse string as an integer", "input": input}}})
			return
		}
		size = n
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	a.mu.Lock()
	a.transfers[id] = &transfer{size: size, contentType: req.ContentTypeHint, created: isoNow()}
	a.mu.Unlock()
	writeJSON(w, 200, map[string]any{"transfer_id": id, "upload_url": "/api/transfers/upload/" + id})
}

func (a *App) lookup(id string) *transfer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.transfers[id]
}

func (a *App) upload(w http.ResponseWriter, r *http.Request) {
	if !a.tokenOK(w, r) {
		return
	}
	t := a.lookup(r.PathValue("id"))
	a.mu.Lock()
	pending := t != nil && !t.completed
	a.mu.Unlock()
	if !pending {
		writeJSON(w, 404, map[string]any{"detail": "Transfer not found or not in pending state"})
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
	id := r.PathValue("id")
	t := a.lookup(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	if t == nil || !t.uploaded {
		writeJSON(w, 404, map[string]any{"detail": "Transfer not found or payload not uploaded"})
		return
	}
	t.completed = true
	ip := sha256.Sum256(nil) // the app hashes the client IP; on loopback it hashed ""
	writeJSON(w, 200, map[string]any{"transfer_id": id, "download_url": "/d/" + id, "transparency": map[string]any{
		"ip": hex.EncodeToString(ip[:]), "timestamp": isoNow(), "file_size_bytes": t.size,
		"stored_fields": []string{"ip_hash", "file_size_bytes", "created_at", "content_type_hint"},
		"encrypted":     []string{"file_name", "file_content"},
		"not_stored":    []string{"decryption_key", "raw_ip"},
	}})
}

func (a *App) download(w http.ResponseWriter, r *http.Request) {
	t := a.lookup(r.PathValue("id"))
	if t == nil {
		writeJSON(w, 404, map[string]any{"detail": "Transfer not found"})
		return
	}
	a.mu.Lock()
	if !t.completed {
		a.mu.Unlock()
		writeJSON(w, 404, map[string]any{"detail": "Transfer not found or not available for download"})
		return
	}
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
	id := r.PathValue("id")
	t := a.lookup(id)
	if t == nil {
		writeJSON(w, 404, map[string]any{"detail": "Transfer not found"})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	status := "pending"
	if t.completed {
		status = "completed"
	}
	writeJSON(w, 200, map[string]any{
		"transfer_id": id, "status": status, "file_size_bytes": t.size, "content_type_hint": t.contentType,
		"created_at": t.created, "download_count": t.downloads, "max_downloads": 0, "expires_at": "",
		"downloads_remaining": 0, "is_expired": false,
	})
}
