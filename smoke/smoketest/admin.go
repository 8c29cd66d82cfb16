package smoketest

import (
	"net/http"
	"sort"
)

type adminToken struct {
	name  string
	limit int
}

func (t *adminToken) json() map[string]any {
	return map[string]any{"token_name": t.name, "usage_limit": t.limit, "usage_count": 0, "status": "active", "created_by": "admin", "metadata": map[string]any{}}
}

// adminRoutes are the admin app's, as far as the recording goes.
func (a *App) adminRoutes() {
	a.mux.HandleFunc("GET /openapi.json", a.openAPI)
	a.mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		WriteHTML(w, "<!doctype html><title>SGraph Send - Admin - Swagger UI</title>")
	})
	a.mux.HandleFunc("GET /auth/set-cookie-form", cookieForm)
	a.mux.HandleFunc("POST /auth/set-auth-cookie", setAuthCookie(a.keyHeader))
	a.mux.HandleFunc("GET /admin", func(w http.ResponseWriter, r *http.Request) {
		if a.faults.UiNoRedirect {
			WriteHTML(w, "<html>not the UI</html>")
			return
		}
		redirect(w, UIPage)
	})
	a.mux.HandleFunc("GET "+UIPage, func(w http.ResponseWriter, r *http.Request) {
		if a.faults.UiNotHTML {
			writeJSON(w, 200, map[string]any{"ui": false})
			return
		}
		WriteHTML(w, "<!doctype html><title>SGraph Send \u2014 Admin Console</title>")
	})
	a.mux.HandleFunc("GET /health/pulse", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"window_minutes": 5, "active_requests": 0, "active_visitors": 0, "active_transfers": 0})
	})
	a.mux.HandleFunc("GET /info/version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"version": "v1.34.0"}) // the framework's, not the app's
	})
	a.mux.HandleFunc("POST /tokens/create", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Name  string `json:"token_name"`
			Limit int    `json:"usage_limit"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		if body.Name == "" {
			writeJSON(w, 400, map[string]any{"detail": "token_name is required"})
			return
		}
		a.mu.Lock()
		a.tokens[body.Name] = &adminToken{name: body.Name, limit: body.Limit}
		a.mu.Unlock()
		writeJSON(w, 200, map[string]any{"cache_id": newUUID(), "token_name": body.Name})
	})
	a.mux.HandleFunc("GET /tokens/list", func(w http.ResponseWriter, r *http.Request) {
		names := []string{}
		for _, t := range a.sortedTokens() {
			names = append(names, t.name)
		}
		writeJSON(w, 200, map[string]any{"token_names": names})
	})
	a.mux.HandleFunc("GET /tokens/list-details", func(w http.ResponseWriter, r *http.Request) {
		list := []any{}
		for _, t := range a.sortedTokens() {
			list = append(list, t.json())
		}
		writeJSON(w, 200, map[string]any{"tokens": list})
	})
	a.mux.HandleFunc("GET /tokens/lookup/{name}", func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		t := a.tokens[r.PathValue("name")]
		a.mu.Unlock()
		if t == nil {
			writeJSON(w, 404, map[string]any{"detail": "Token not found"})
			return
		}
		writeJSON(w, 200, t.json())
	})
}

// sortedTokens: the recorded list is in name order, not creation order.
func (a *App) sortedTokens() []*adminToken {
	a.mu.Lock()
	defer a.mu.Unlock()
	list := make([]*adminToken, 0, len(a.tokens))
	for _, t := range a.tokens {
		list = append(list, t)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}
