package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// upstream: the admin app behind the SigV4-checking front, plus a route that
// redirects off the admin URL; it records what arrived after the front.
type upstream struct {
	mu    sync.Mutex
	last  *http.Request
	hits  int
	paths []string
}

func (u *upstream) reached(prefix string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.paths {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

func (u *upstream) start(t *testing.T) *httptest.Server {
	app := smoketest.NewApp(outputs.AdminAPI, smoketest.Faults{})
	mux := http.NewServeMux()
	mux.HandleFunc("/off", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.invalid/steal?x=1", http.StatusFound)
	})
	mux.Handle("/", app)
	rec := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.last, u.hits = r.Clone(context.Background()), u.hits+1
		u.paths = append(u.paths, r.Method+" "+r.URL.Path)
		u.mu.Unlock()
		mux.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(smoketest.IAMFront(rec, smoketest.Creds, smoketest.Region))
	t.Cleanup(srv.Close)
	return srv
}

// startConsole runs the console on 127.0.0.1 in front of up, logging to logs.
func startConsole(t *testing.T, up *httptest.Server, creds aws.Credentials, logs *syncBuf) *console {
	ln, err := listenLoopback(0)
	require.NoError(t, err)
	u, _ := url.Parse(up.URL)
	c := newConsole(u, smoketest.Region, smoketest.StaticCreds(creds), smoketest.KeyHeader, smoketest.Key, ln.Addr().String(), logs.Printf)
	srv := &http.Server{Handler: c}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return c
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Printf(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(&s.b, format+"\n", a...)
}

func (s *syncBuf) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var noFollow = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, c *console, path, host, cookie string) *http.Response {
	t.Helper()
	return send(t, c, http.MethodGet, path, host, cookie, nil)
}

func send(t *testing.T, c *console, method, path, host, cookie string, headers map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+c.addr+path, nil)
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// login redeems the one-time URL and returns the session cookie line.
func login(t *testing.T, c *console) string {
	t.Helper()
	u, err := url.Parse(c.LoginURL())
	require.NoError(t, err)
	resp := get(t, c, u.RequestURI(), "", "")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/admin", resp.Header.Get("Location"))
	sc := resp.Header.Get("Set-Cookie")
	assert.Contains(t, sc, "HttpOnly")
	assert.Contains(t, sc, "SameSite=Strict")
	ck := resp.Cookies()
	require.Len(t, ck, 1)
	return ck[0].Name + "=" + ck[0].Value
}

func TestConsoleForwardsSignedWithTheKey(t *testing.T) {
	var up upstream
	srv := up.start(t)
	var logs syncBuf
	c := startConsole(t, srv, smoketest.Creds, &logs)
	session := login(t, c)

	// /admin redirects on the admin URL: rewritten to the console's path.
	resp := get(t, c, "/admin", "", session+"; x-other=kept")
	require.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
	assert.Equal(t, smoketest.UIPage, resp.Header.Get("Location"))

	up.mu.Lock()
	last := up.last
	up.mu.Unlock()
	assert.True(t, strings.HasPrefix(last.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "), "signed")
	assert.Equal(t, smoketest.Key, last.Header.Get(smoketest.KeyHeader), "admin key added")
	assert.Equal(t, "x-other=kept", last.Header.Get("Cookie"), "session cookie stripped, app cookies kept")

	resp = get(t, c, smoketest.UIPage, "", session)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	assert.Contains(t, string(body), "Admin Console")

	// A body is signed too (the front re-hashes it).
	req, _ := http.NewRequest(http.MethodPost, "http://"+c.addr+"/info/health", strings.NewReader(`{"a":1}`))
	req.Header.Set("Cookie", session)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotEqual(t, http.StatusForbidden, resp.StatusCode, "the front accepted the signature over the body")

	assertNoSecretLogged(t, &logs, c)
}

func TestConsoleRefuses(t *testing.T) {
	var up upstream
	srv := up.start(t)
	var logs syncBuf
	c := startConsole(t, srv, smoketest.Creds, &logs)
	session := login(t, c)
	before := up.hits

	cases := []struct {
		name, method, path, host, cookie string
		headers                          map[string]string
		want                             int
		forwarded                        bool
	}{
		// Cross-site request forgery, with the session cookie a browser attaches.
		{name: "Origin of another site", method: http.MethodPost, path: "/tokens/revoke/t1", cookie: session, headers: map[string]string{"Origin": "http://evil.example"}, want: http.StatusForbidden},
		{name: "Origin of another loopback port", method: http.MethodPost, path: "/tokens/revoke/t1", cookie: session, headers: map[string]string{"Origin": "http://127.0.0.1:1"}, want: http.StatusForbidden},
		{name: "Origin null (sandboxed page)", method: http.MethodPost, path: "/tokens/revoke/t1", cookie: session, headers: map[string]string{"Origin": "null"}, want: http.StatusForbidden},
		{name: "Origin https on our host:port", method: http.MethodPost, path: "/tokens/revoke/t1", cookie: session, headers: map[string]string{"Origin": "https://" + c.addr}, want: http.StatusForbidden},
		{name: "no Origin, Sec-Fetch-Site same-site", path: "/tokens/list", cookie: session, headers: map[string]string{"Sec-Fetch-Site": "same-site"}, want: http.StatusForbidden},
		{name: "no Origin, Sec-Fetch-Site cross-site", path: "/tokens/list", cookie: session, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: http.StatusForbidden},
		{name: "no session", path: "/admin", want: http.StatusUnauthorized},
		{name: "wrong session", path: "/admin", cookie: sessionCookie + "=guess", want: http.StatusUnauthorized},
		{name: "foreign Host (DNS rebinding)", path: "/admin", host: "rebind.example:" + strings.Split(c.addr, ":")[1], cookie: session, want: http.StatusMisdirectedRequest},
		{name: "localhost is not our address", path: "/admin", host: "localhost:" + strings.Split(c.addr, ":")[1], cookie: session, want: http.StatusMisdirectedRequest},
		{name: "login URL used twice", path: strings.TrimPrefix(c.LoginURL(), "http://"+c.addr), want: http.StatusForbidden},
		{name: "redirect off the admin URL", path: "/off", cookie: session, want: http.StatusBadGateway, forwarded: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hits := up.hits
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			resp := send(t, c, method, tc.path, tc.host, tc.cookie, tc.headers)
			assert.Equal(t, tc.want, resp.StatusCode)
			assert.Empty(t, resp.Header.Get("Location"), "never sends the browser elsewhere")
			if !tc.forwarded {
				assert.Equal(t, hits, up.hits, "refused before anything went upstream")
			}
		})
	}
	assert.Equal(t, before+1, up.hits, "only the off-site redirect reached the admin URL")
	assertNoSecretLogged(t, &logs, c)
}

// What the console's own pages, the address bar and non-browser clients send
// is forwarded.
func TestConsoleForwardsItsOwnOrigin(t *testing.T) {
	var up upstream
	srv := up.start(t)
	var logs syncBuf
	c := startConsole(t, srv, smoketest.Creds, &logs)
	session := login(t, c)
	for _, tc := range []struct {
		name, method string
		headers      map[string]string
	}{
		{"POST from our page", http.MethodPost, map[string]string{"Origin": "http://" + c.addr, "Sec-Fetch-Site": "same-origin"}},
		{"GET from our page", http.MethodGet, map[string]string{"Sec-Fetch-Site": "same-origin"}},
		{"typed in the address bar", http.MethodGet, map[string]string{"Sec-Fetch-Site": "none"}},
		{"no browser headers (curl)", http.MethodGet, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := up.hits
			resp := send(t, c, tc.method, "/tokens/list", "", session, tc.headers)
			assert.NotEqual(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, hits+1, up.hits, "forwarded")
		})
	}
}

func TestConsoleWithWrongCredentialsGetsTheFrontsRefusal(t *testing.T) {
	var up upstream
	srv := up.start(t)
	var logs syncBuf
	bad := smoketest.Creds
	bad.SecretAccessKey = "not/the/right/secret/key/000000000000000"
	c := startConsole(t, srv, bad, &logs)
	resp := get(t, c, "/admin", "", login(t, c))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "the SigV4 front refuses a bad signature")
}

func assertNoSecretLogged(t *testing.T, logs *syncBuf, c *console) {
	t.Helper()
	out := logs.String()
	assert.NotEmpty(t, out)
	for _, s := range []string{smoketest.Key, c.session, strings.Split(c.LoginURL(), "secret=")[1]} {
		assert.NotContains(t, out, s)
	}
}

func TestRunPrintsTheLoginURLAndNoKey(t *testing.T) {
	var up upstream
	srv := up.start(t)
	raw, _ := json.Marshal(map[string]any{
		outputs.Stack: "dev", outputs.AppVersion: "0.27.6", outputs.AwsRegion: smoketest.Region,
		outputs.AdminKeyHeader: smoketest.KeyHeader, outputs.AdminKey: smoketest.Key,
		outputs.LambdaAdminURL: srv.URL + "/",
	})
	loadCreds = func(context.Context, string) (aws.CredentialsProvider, error) {
		return smoketest.StaticCreds(smoketest.Creds), nil
	}
	got := make(chan *console, 1)
	started = func(c *console) { got <- c }
	t.Cleanup(func() { started = func(*console) {} })
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncWriter
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"-outputs", "-"}, bytes.NewReader(raw), &out, &errb) }()
	var c *console
	select {
	case c = <-got:
	case code := <-done:
		t.Fatalf("exited %d: %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("console did not start")
	}
	session := login(t, c)
	assert.Equal(t, http.StatusTemporaryRedirect, get(t, c, "/admin", "", session).StatusCode)
	cancel()
	assert.Equal(t, 0, <-done)
	assert.Contains(t, out.String(), "Open once, in your browser: http://127.0.0.1:")
	assert.NotContains(t, out.String()+errb.String(), smoketest.Key)
}

func TestRunRefusesOutputsWithoutAnAdminApp(t *testing.T) {
	raw := `{"stack":"dev","appVersion":"0.27.6","lambdaPublicUrl":"https://x.lambda-url.eu-west-2.on.aws/"}`
	var out, errb syncWriter
	code := run(context.Background(), []string{"-outputs", "-"}, strings.NewReader(raw), &out, &errb)
	assert.Equal(t, 2, code)
	assert.Contains(t, errb.String(), outputs.LambdaAdminURL)
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncWriter) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
