package smoke

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody caps what we read of any response: enough for the OpenAPI
// document and the round-trip payload, bounded against a runaway server.
const maxBody = 32 << 20

// request describes one HTTP exchange of a check.
type request struct {
	method string
	path   string // joined to the target's base URL; may be absolute (a redirect Location)
	body   []byte
	header http.Header
	// unsigned sends the request without SigV4 even to an IAM target: the
	// check that the IAM layer refuses anonymous callers needs it.
	unsigned bool
	// adminKey adds the admin API key header.
	adminKey bool
	// noToken leaves out the upload token the container app otherwise gets
	// on every request: the checks that prove the gate need it.
	noToken bool
	// maxBody, when set, reads at most this much of the answer (a check
	// that only needs the status must not pull a gigabyte).
	maxBody int64
}

// response is a fully read answer.
type response struct {
	status int
	header http.Header
	body   []byte
	tls    *tls.ConnectionState
	// more: the body went on past what was read.
	more bool
}

// newHTTPClient builds one client per target so each has its own TLS rule
// and connection pool: a dead target's dials never queue behind another's.
func newHTTPClient(ep Endpoint, cfg *Config) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 0, // the check's context bounds the wait
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			RootCAs:    cfg.RootCAs,
			// Only when the outputs declare the certificate self-signed.
			InsecureSkipVerify: ep.InsecureTLS, //nolint:gosec // decided per target by the outputs contract
		},
	}
	return &http.Client{
		Transport: tr,
		// Never follow redirects: the admin UI check asserts the 307 itself,
		// and a redirect anywhere else is a wrong answer, not a detour.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// resolve joins a route to the target's base URL, keeping any base path
// prefix; absolute references (redirect Locations) resolve against the base.
func (t *targetRun) resolve(path string) (*url.URL, error) {
	ref, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("bad path %q: %v", path, err)
	}
	if ref.IsAbs() || ref.Host != "" {
		return t.ep.URL.ResolveReference(ref), nil
	}
	u := *t.ep.URL
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.TrimPrefix(ref.Path, "/")
	u.RawPath = ""
	u.RawQuery = ref.RawQuery
	return &u, nil
}

// sameOrigin refuses any URL but the target's own scheme, host and port:
// every request may carry a credential (admin key, upload token, SigV4
// signature) that belongs to that origin only.
func (t *targetRun) sameOrigin(u *url.URL) error {
	if !strings.EqualFold(u.Scheme, t.ep.URL.Scheme) || !strings.EqualFold(u.Host, t.ep.URL.Host) {
		return fmt.Errorf("refusing to send credentials to %s://%s, not the target's origin %s://%s", u.Scheme, u.Host, t.ep.URL.Scheme, t.ep.URL.Host)
	}
	return nil
}

// do sends one request, retrying transient answers with bounded backoff
// until the policy or the check's context runs out. Each try rebuilds the
// request so bodies replay and signatures carry a fresh date.
func (t *targetRun) do(ctx context.Context, rq request) (*response, error) {
	u, err := t.resolve(rq.path)
	if err != nil {
		return nil, err
	}
	if err := t.sameOrigin(u); err != nil {
		return nil, fmt.Errorf("%s %s: %w", rq.method, rq.path, err)
	}
	n := t.cfg.Retry.attempts()
	var lastErr error
	for try := 1; ; try++ {
		resp, err := t.once(ctx, rq, u)
		transient := false
		switch {
		case err != nil:
			lastErr = err
			transient = transientErr(err)
		case transientStatus(resp.status):
			lastErr = fmt.Errorf("%s %s: %d %s", rq.method, u.Path, resp.status, http.StatusText(resp.status))
			transient = true
		default:
			return resp, nil
		}
		if !transient || try >= n {
			if transient {
				return resp, fmt.Errorf("%w (after %d attempts)", lastErr, try)
			}
			return resp, lastErr
		}
		t.retries.Add(1)
		if !sleep(ctx, t.cfg.Retry.backoff(try)) {
			return resp, fmt.Errorf("%w (gave up retrying: %v)", lastErr, ctxReason(ctx))
		}
	}
}

func (t *targetRun) once(ctx context.Context, rq request, u *url.URL) (*response, error) {
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, vs := range rq.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if rq.adminKey {
		req.Header.Set(t.cfg.AdminKeyHeader, t.adminKey)
	}
	if t.gated() && !rq.noToken {
		req.Header.Set(t.cfg.UploadTokenHeader, t.uploadToken)
	}
	if t.ep.IAMAuth && !rq.unsigned {
		if err := t.sign(ctx, req, rq.body); err != nil {
			return nil, err
		}
	}
	res, err := t.client.Do(req)
	if err != nil {
		return nil, describeErr(ctx, rq.method, u.Path, err)
	}
	defer res.Body.Close()
	limit := int64(maxBody)
	if rq.maxBody > 0 {
		limit = rq.maxBody
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, describeErr(ctx, rq.method, u.Path, fmt.Errorf("reading body: %w", err))
	}
	more := int64(len(b)) > limit
	if more {
		b = b[:limit]
	}
	return &response{status: res.StatusCode, header: res.Header, body: b, tls: res.TLS, more: more}, nil
}

// describeErr turns transport errors into a reason a human can act on,
// keeping the underlying error wrapped for transientErr.
func describeErr(ctx context.Context, method, path string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s %s: %s", method, path, ctxReason(ctx))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is known; drop the repetition
	}
	return fmt.Errorf("%s %s: %w", method, path, err)
}

func ctxReason(ctx context.Context) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "timed out"
	}
	return "canceled"
}
