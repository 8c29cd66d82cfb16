package smoke

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// checkHealth: GET health → 200 {"status":"ok"} from the app itself.
func checkHealth(ctx context.Context, t *targetRun) (string, error) {
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, adminKey: t.isAdmin()}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if err := want(rq, res, http.StatusOK); err != nil {
		return "", err
	}
	var body struct {
		Status string `json:"status"`
	}
	if err := decodeJSON(rq, res, &body); err != nil {
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
	if err := want(rq, res, http.StatusOK); err != nil {
		return "", err
	}
	var doc struct {
		Info struct {
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := decodeJSON(rq, res, &doc); err != nil {
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

// checkCORS sends the preflight a browser sends and wants the origin echoed.
// The admin app answers preflights on any path without the key (204); the
// user API answers on the create route (200): any 2xx passes.
func checkCORS(ctx context.Context, t *targetRun) (string, error) {
	path := t.cfg.UserCORSPath
	if t.isAdmin() {
		path = t.cfg.AdminCORSPath
	}
	rq := request{method: http.MethodOptions, path: path, header: http.Header{
		"Origin":                         {t.cfg.Origin},
		"Access-Control-Request-Method":  {http.MethodPost},
		"Access-Control-Request-Headers": {"content-type"},
	}}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if res.status < 200 || res.status > 299 {
		return "", fmt.Errorf("OPTIONS %s: preflight got %d, want 2xx%s", path, res.status, bodyHint(res.body))
	}
	got := res.header.Get("Access-Control-Allow-Origin")
	if got != t.cfg.Origin {
		if got == "" {
			return "", fmt.Errorf("OPTIONS %s: no access-control-allow-origin in the preflight answer", path)
		}
		return "", fmt.Errorf("OPTIONS %s: access-control-allow-origin is %q, want the origin %q echoed", path, got, t.cfg.Origin)
	}
	return "", nil
}
