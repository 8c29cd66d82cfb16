package smoketest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// TestHandleSitsBehindTheGate: a route a wrapper adds (the browser
// journey's pages) is gated like the built-in ones, and the cookie flow
// the UI uses (form, POST, cookie) opens it.
func TestHandleSitsBehindTheGate(t *testing.T) {
	app := NewApp(outputs.ContainerApp, Faults{}).WithToken()
	app.Handle("GET /send/extra.html", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { WriteHTML(w, "<p>extra</p>") }))
	srv := httptest.NewServer(app)
	defer srv.Close()
	get := func(path string, h http.Header) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for k, v := range h {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, _ := get("/send/extra.html", nil); res.StatusCode != 401 {
		t.Errorf("added route without the token: %d, want 401", res.StatusCode)
	}
	res, body := get("/auth/set-cookie-form", nil)
	for _, sel := range []string{`id="cookie_value"`, `id="submitBtn"`, `id="message"`} {
		if res.StatusCode != 200 || !strings.Contains(body, sel) {
			t.Errorf("cookie form: %d, missing %s", res.StatusCode, sel)
		}
	}
	post, err := http.Post(srv.URL+"/auth/set-auth-cookie", "application/json", strings.NewReader(`{"cookie_value":"`+Token+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	var cookie *http.Cookie
	for _, c := range post.Cookies() {
		if c.Name == TokenHeader {
			cookie = c
		}
	}
	if post.StatusCode != 200 || cookie == nil || cookie.Value != Token || !cookie.HttpOnly || cookie.Path != "/" {
		t.Fatalf("set-auth-cookie: %d, cookie %+v", post.StatusCode, cookie)
	}
	if res, body := get("/send/extra.html", http.Header{"Cookie": {cookie.String()}}); res.StatusCode != 200 || body != "<p>extra</p>" {
		t.Errorf("added route with the cookie: %d %q", res.StatusCode, body)
	}
	if res, _ := get("/send/extra.html?access_token="+Token, nil); res.StatusCode != 401 {
		t.Errorf("token as query: %d, want 401 (the gate ignores the query)", res.StatusCode)
	}
}
