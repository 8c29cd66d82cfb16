package smoke

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// checkHealth: GET health → 200 {"status":"ok"} from the app itself.
func checkHealth(ctx context.Context, t *targetRun) (string, error) {
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, adminKey: t.isAdmin()}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if err := t.want(rq, res, http.StatusOK); err != nil {
		return "", err
	}
	var body struct {
		Status string `json:"status"`
	}
	if err := t.decodeJSON(rq, res, &body); err != nil {
		return "", err
	}
	if body.Status != "ok" {
		return "", fmt.Errorf("GET %s: status is %q, want \"ok\"", rq.path, body.Status)
	}
	return "", t.requestID(rq, res)
}

// checkVersion catches a stale image: the OpenAPI info.version must equal the
// version the stack deployed. The app says "v0.27.6", the stack "0.27.6".
func checkVersion(ctx context.Context, t *targetRun) (string, error) {
	path, title := t.cfg.UserOpenAPIPath, t.cfg.UserTitle
	if t.isAdmin() {
		path, title = t.cfg.AdminOpenAPIPath, t.cfg.AdminTitle
	}
	rq := request{method: http.MethodGet, path: path}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if err := t.want(rq, res, http.StatusOK); err != nil {
		return "", err
	}
	var doc struct {
		Info struct {
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := t.decodeJSON(rq, res, &doc); err != nil {
		return "", err
	}
	if title != "" && doc.Info.Title != title {
		return "", fmt.Errorf("GET %s: info.title is %q, want %q: wrong app behind this URL?", path, doc.Info.Title, title)
	}
	if doc.Info.Version == "" {
		return "", fmt.Errorf("GET %s: no info.version", path)
	}
	if normVersion(doc.Info.Version) != normVersion(t.version) {
		return "", fmt.Errorf("app runs %s, stack deployed %s: stale image or wrong pin?", doc.Info.Version, t.version)
	}
	return doc.Info.Version, nil
}

func normVersion(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && (v[0] == 'v' || v[0] == 'V') && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	return v
}

// checkCORS sends the preflight a browser sends (no credentials, as
// browsers send none on a preflight) and wants what the recording shows:
// the app's key/token gate answers it itself (admin app, container app with
// a token: 204, max-age 86400); otherwise the app's CORS layer does (200,
// max-age 600). Both echo the origin.
func checkCORS(ctx context.Context, t *targetRun) (string, error) {
	path, exp := t.cfg.UserCORSPath, t.cfg.AppPreflight
	if t.isAdmin() {
		path = t.cfg.AdminCORSPath
	}
	if t.isAdmin() || t.gated() {
		exp = t.cfg.GatePreflight
	}
	rq := request{method: http.MethodOptions, path: path, noToken: true, header: http.Header{
		"Origin":                         {t.cfg.Origin},
		"Access-Control-Request-Method":  {http.MethodPost},
		"Access-Control-Request-Headers": {"content-type"},
	}}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if wrong := res.status < 200 || res.status > 299 || exp.Status != 0 && res.status != exp.Status; wrong {
		wantStatus := "2xx"
		if exp.Status != 0 {
			wantStatus = fmt.Sprint(exp.Status)
		}
		return "", fmt.Errorf("OPTIONS %s: preflight got %d, want %s%s", path, res.status, wantStatus, t.bodyHint(res.body))
	}
	got := res.header.Get("Access-Control-Allow-Origin")
	if got != t.cfg.Origin {
		if got == "" {
			return "", fmt.Errorf("OPTIONS %s: no access-control-allow-origin in the preflight answer", path)
		}
		return "", fmt.Errorf("OPTIONS %s: access-control-allow-origin is %q, want the origin %q echoed", path, got, t.cfg.Origin)
	}
	if ma := res.header.Get("Access-Control-Max-Age"); exp.MaxAge != "" && ma != exp.MaxAge {
		return "", fmt.Errorf("OPTIONS %s: access-control-max-age is %q, want %q", path, ma, exp.MaxAge)
	}
	return "", nil
}

// gated says whether the container app's global token gate is on: every
// request then carries the token, and the gate answers preflights.
func (t *targetRun) gated() bool {
	return t.ep.Kind == outputs.ContainerApp && t.uploadToken != ""
}

// checkGate proves the container app's global token gate: without the
// token even health answers 401 with the app's JSON error. Without a token
// configured, anyone can use the site: that is a warning, not a pass.
func checkGate(ctx context.Context, t *targetRun) (string, error) {
	if t.uploadToken == "" {
		return "", warnf("no uploadToken output: the site is open to anyone (UI, uploads and downloads need no token)")
	}
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, noToken: true}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if res.status != http.StatusUnauthorized {
		return "", fmt.Errorf("GET %s without %s: got %d, want 401: the access gate is off, the site is open to anyone%s", rq.path, t.cfg.UploadTokenHeader, res.status, t.bodyHint(res.body))
	}
	var body struct {
		Status string `json:"status"`
	}
	if err := t.decodeJSON(rq, res, &body); err != nil {
		return "", err
	}
	if body.Status != "error" {
		return "", fmt.Errorf("GET %s without %s: 401 body status is %q, want \"error\"", rq.path, t.cfg.UploadTokenHeader, body.Status)
	}
	return "refused without the token", nil
}
