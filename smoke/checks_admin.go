package smoke

import (
	"context"
	"fmt"
	"mime"
	"net/http"
)

// checkIAMUnsigned proves the Function URL's AWS_IAM auth is on: an unsigned
// request must be refused by AWS with 403 before the app runs. The app's own
// 401 here would mean anyone on the internet reaches the admin app.
func checkIAMUnsigned(ctx context.Context, t *targetRun) (string, error) {
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, unsigned: true}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if res.status != http.StatusForbidden {
		return "", fmt.Errorf("unsigned GET %s: got %d, want 403 from the IAM layer: the admin app is reachable without AWS credentials%s", rq.path, res.status, t.bodyHint(res.body))
	}
	return "", nil
}

// checkAdminAuth: past the IAM layer, the app itself must refuse a missing
// or wrong key with 401 and its JSON error.
func checkAdminAuth(ctx context.Context, t *targetRun) (string, error) {
	const wrongKey = "smoke-wrong-key"
	for _, c := range []struct {
		what   string
		header http.Header
	}{
		{"without the key", nil},
		{"with a wrong key", http.Header{t.cfg.AdminKeyHeader: {wrongKey}}},
	} {
		rq := request{method: http.MethodGet, path: t.cfg.HealthPath, header: c.header}
		res, err := t.do(ctx, rq)
		if err != nil {
			return "", err
		}
		if res.status != http.StatusUnauthorized {
			return "", fmt.Errorf("GET %s %s: got %d, want 401: admin key not enforced%s", rq.path, c.what, res.status, t.bodyHint(res.body))
		}
		var body struct {
			Status string `json:"status"`
		}
		if err := t.decodeJSON(rq, res, &body); err != nil {
			return "", err
		}
		if body.Status != "error" {
			return "", fmt.Errorf("GET %s %s: 401 body status is %q, want \"error\"", rq.path, c.what, body.Status)
		}
	}
	return "", nil
}

// checkAdminUI: GET /admin with the key → 307 to the UI page (not followed
// automatically, so the redirect itself is asserted) → 200 text/html.
func checkAdminUI(ctx context.Context, t *targetRun) (string, error) {
	rq := request{method: http.MethodGet, path: t.cfg.AdminUIPath, adminKey: true}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if err := t.want(rq, res, http.StatusTemporaryRedirect); err != nil {
		return "", err
	}
	loc := res.header.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("GET %s: 307 without a Location", rq.path)
	}
	// The key and the signature belong to this origin: a Location anywhere
	// else fails here and is never requested.
	u, err := t.resolve(loc)
	if err != nil {
		return "", err
	}
	if err := t.sameOrigin(u); err != nil {
		return "", fmt.Errorf("GET %s: redirects off the target to %q: %v", rq.path, loc, err)
	}
	if page := t.cfg.AdminUIPage; page != "" && u.Path != page && loc != page {
		return "", fmt.Errorf("GET %s: redirects to %q, want %q", rq.path, loc, page)
	}
	page := request{method: http.MethodGet, path: loc, adminKey: true}
	res, err = t.do(ctx, page)
	if err != nil {
		return "", err
	}
	if err := t.want(page, res, http.StatusOK); err != nil {
		return "", err
	}
	mt, _, _ := mime.ParseMediaType(res.header.Get("Content-Type"))
	if mt != "text/html" {
		return "", fmt.Errorf("GET %s: content type %q, want text/html", loc, res.header.Get("Content-Type"))
	}
	return loc, nil
}
