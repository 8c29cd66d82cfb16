package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	sessionCookie = "sgsend-admin-console"
	loginPath     = "/__console/login"
	// maxBody bounds what one request may carry: the body is read whole to
	// hash it for SigV4.
	maxBody = 32 << 20
)

// console is a local reverse proxy to one admin Function URL: it lets an
// operator's browser use the admin UI behind AWS_IAM. Only the browser that
// redeemed the one-time secret gets a session; every forwarded request is
// signed with the operator's credentials and carries the admin key.
type console struct {
	upstream  *url.URL // scheme and host of the admin URL
	region    string
	creds     aws.CredentialsProvider
	keyHeader string
	key       string
	addr      string // host:port the console listens on; the only Host accepted
	client    *http.Client
	logf      func(format string, a ...any)

	loginURL string

	mu      sync.Mutex
	oneTime string // empty once redeemed
	session string
	secrets *strings.Replacer
}

func newConsole(upstream *url.URL, region string, creds aws.CredentialsProvider, keyHeader, key, addr string, logf func(string, ...any)) *console {
	c := &console{
		upstream: &url.URL{Scheme: upstream.Scheme, Host: upstream.Host},
		region:   region, creds: creds, keyHeader: keyHeader, key: key, addr: addr,
		oneTime: randomHex(), session: randomHex(), logf: logf,
		client: &http.Client{
			Timeout: 2 * time.Minute,
			// A redirect is the browser's to follow, after the checks in forward.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.loginURL = "http://" + c.addr + loginPath + "?secret=" + c.oneTime
	c.secrets = strings.NewReplacer(key, "[REDACTED]", c.oneTime, "[REDACTED]", c.session, "[REDACTED]")
	return c
}

func randomHex() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// LoginURL is the URL to open once; it sets the session and goes to /admin.
func (c *console) LoginURL() string { return c.loginURL }

func (c *console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// DNS rebinding: a page on another name that resolves to 127.0.0.1 sends
	// its own Host; only our exact address is ours.
	if r.Host != c.addr {
		c.refuse(w, r, http.StatusMisdirectedRequest, "refused: Host is not this console's address")
		return
	}
	// Cross-site request forgery: cookies are not port-scoped, so a page on
	// any other 127.0.0.1 port is same-site and its no-cors POST carries our
	// SameSite=Strict session. Only our own origin (or a request the user
	// typed, or a non-browser client) is ours.
	if msg := c.foreignOrigin(r); msg != "" {
		c.refuse(w, r, http.StatusForbidden, msg)
		return
	}
	if r.URL.Path == loginPath {
		c.login(w, r)
		return
	}
	if !c.hasSession(r) {
		c.refuse(w, r, http.StatusUnauthorized, "no console session: open the URL the console printed")
		return
	}
	c.forward(w, r)
}

// foreignOrigin says why a request comes from a page not served by this
// console, or "". Browsers send Origin on every POST and on CORS requests;
// where they omit it (a GET, a navigation) they send Sec-Fetch-Site, which
// is "same-origin" for our own pages and "none" for what the user typed.
// A client that sends neither is no browser, and holds no cookie of ours
// unless given one. (Fetch Metadata: https://w3c.github.io/webappsec-fetch-metadata/)
func (c *console) foreignOrigin(r *http.Request) string {
	if origin, ok := r.Header["Origin"]; ok {
		if len(origin) != 1 || origin[0] != "http://"+c.addr {
			return fmt.Sprintf("refused: the request comes from another origin (Origin %q), not from this console's pages", strings.Join(origin, ","))
		}
		return ""
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
		return ""
	default:
		return fmt.Sprintf("refused: the request comes from another site (Sec-Fetch-Site %q), not from this console's pages", site)
	}
}

func (c *console) login(w http.ResponseWriter, r *http.Request) {
	got := r.URL.Query().Get("secret")
	c.mu.Lock()
	ok := c.oneTime != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.oneTime)) == 1
	if ok {
		c.oneTime = "" // one time only
	}
	c.mu.Unlock()
	if !ok {
		c.refuse(w, r, http.StatusForbidden, "login URL unknown or already used: restart the console for a new one")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: c.session, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
	c.logf("session opened")
}

func (c *console) hasSession(r *http.Request) bool {
	ck, err := r.Cookie(sessionCookie)
	return err == nil && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.session)) == 1
}

func (c *console) refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	c.logf("%s %s -> %d %s", r.Method, c.secrets.Replace(r.URL.Path), code, msg)
	http.Error(w, msg, code)
}

// hop-by-hop and local-only headers that never go upstream; the signature,
// the key and the Host are set here.
var dropHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer",
	"Transfer-Encoding", "Upgrade", "Authorization", "X-Amz-Date", "X-Amz-Security-Token",
	"X-Amz-Content-Sha256", "Host",
}

func (c *console) forward(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		c.refuse(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body unreadable or over %d bytes", maxBody))
		return
	}
	target := *c.upstream
	target.Path, target.RawPath, target.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target.String(), bytes.NewReader(body))
	if err != nil {
		c.refuse(w, r, http.StatusBadRequest, "bad request")
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range dropHeaders {
		out.Header.Del(h)
	}
	if h := r.Header.Get("Connection"); h != "" {
		for _, name := range strings.Split(h, ",") {
			out.Header.Del(strings.TrimSpace(name))
		}
	}
	stripSessionCookie(out.Header)
	out.Header.Set(c.keyHeader, c.key)
	if err := c.sign(r.Context(), out, body); err != nil {
		c.refuse(w, r, http.StatusBadGateway, c.secrets.Replace(err.Error()))
		return
	}
	resp, err := c.client.Do(out)
	if err != nil {
		c.refuse(w, r, http.StatusBadGateway, "admin URL unreachable: "+c.secrets.Replace(err.Error()))
		return
	}
	defer resp.Body.Close()

	if loc := resp.Header.Get("Location"); loc != "" {
		local, ok := c.localLocation(&target, loc)
		if !ok {
			c.refuse(w, r, http.StatusBadGateway, "refused: the admin app redirected off the admin URL")
			return
		}
		resp.Header.Set("Location", local)
	}
	for k, vs := range resp.Header {
		if k == "Connection" || k == "Transfer-Encoding" || k == "Keep-Alive" {
			continue
		}
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
	c.logf("%s %s -> %d", r.Method, c.secrets.Replace(r.URL.Path), resp.StatusCode)
}

// localLocation rewrites a same-origin redirect to a local path; any other
// origin is refused, so the browser never leaves with our session.
func (c *console) localLocation(req *url.URL, loc string) (string, bool) {
	u, err := req.Parse(loc)
	if err != nil || !strings.EqualFold(u.Scheme, c.upstream.Scheme) || !strings.EqualFold(u.Host, c.upstream.Host) {
		return "", false
	}
	rel := url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}
	if rel.Path == "" {
		rel.Path = "/"
	}
	return rel.String(), true
}

// stripSessionCookie removes the console's own cookie; the app's cookies
// (e.g. one set through its cookie form) pass.
func stripSessionCookie(h http.Header) {
	var keep []string
	for _, line := range h.Values("Cookie") {
		for _, part := range strings.Split(line, ";") {
			part = strings.TrimSpace(part)
			if name, _, _ := strings.Cut(part, "="); part != "" && name != sessionCookie {
				keep = append(keep, part)
			}
		}
	}
	h.Del("Cookie")
	if len(keep) > 0 {
		h.Set("Cookie", strings.Join(keep, "; "))
	}
}

// sign adds SigV4 for service lambda over the exact body, as smoke/sigv4.go does.
func (c *console) sign(ctx context.Context, req *http.Request, body []byte) error {
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("retrieving AWS credentials to sign the request: %w", err)
	}
	sum := sha256.Sum256(body)
	return v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", c.region, time.Now().UTC())
}

// listenLoopback listens on 127.0.0.1 only, whatever port was asked.
func listenLoopback(port int) (net.Listener, error) {
	if port < 0 || port > 65535 {
		return nil, errors.New("-port must be 0..65535")
	}
	return net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
}
