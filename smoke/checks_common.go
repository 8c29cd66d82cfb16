package smoke

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
	if t.ep.IAMAuth {
		return checkIAMPreflight(ctx, t, rq)
	}
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

// checkIAMPreflight sends the preflight as a browser would: without
// credentials. An AWS_IAM Function URL must be signed with SigV4 on every
// request, and "Lambda processes the request only if the signatures match"
// (AWS Lambda Developer Guide, "Invoking Lambda function URLs", Function URL
// invocation basics: docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html).
// Lambda answers preflights itself only when the URL has a Cors
// configuration (same guide, "Creating and managing Lambda function URLs",
// CORS), and ours has none (components/lambdapair/access.go). So an unsigned
// preflight is refused with 403 before the app: no browser can call the
// admin URL directly, only through cmd/admin. An answer from the app would
// mean unsigned requests get through.
func checkIAMPreflight(ctx context.Context, t *targetRun, rq request) (string, error) {
	rq.unsigned = true
	rq.maxBody = gateMaxBody
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	switch {
	case res.status == http.StatusForbidden && res.header.Get(t.cfg.RequestIDHeader) == "":
		return "a browser's unsigned preflight is refused by AWS_IAM (403): browsers use the admin app through cmd/admin", nil
	case res.header.Get(t.cfg.RequestIDHeader) != "":
		return "", fmt.Errorf("OPTIONS %s without a signature: the app answered (%s): the AWS_IAM layer let an unsigned request through", rq.path, answerSummary(res))
	default:
		return "", fmt.Errorf("OPTIONS %s without a signature: got %s, want AWS_IAM's 403 (AWS docs: every request to an AWS_IAM function URL must be signed)", rq.path, answerSummary(res))
	}
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
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, noToken: true, maxBody: gateMaxBody}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if res.status != http.StatusUnauthorized {
		return "", fmt.Errorf("GET %s without %s: got %s, want the gate's 401: %s", rq.path, t.cfg.UploadTokenHeader, answerSummary(res), gateVerdict(res))
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

// gateMaxBody is what the gate check reads of an answer: the app's 401 is a
// short JSON object; anything longer is described, not read.
const gateMaxBody = 4 << 10

// answerSummary says what came back: the status, where a redirect points
// (its host only: a Location can carry a query that is someone's secret),
// and the size.
func answerSummary(res *response) string {
	s := fmt.Sprintf("%d %s", res.status, http.StatusText(res.status))
	if loc := res.header.Get("Location"); loc != "" {
		host := "an unparsable Location"
		if u, err := url.Parse(loc); err == nil {
			host = "a relative Location (this host)"
			if u.Host != "" {
				host = u.Host
			}
		}
		s += " to " + host
	}
	switch {
	case res.more && res.header.Get("Content-Length") != "":
		s += fmt.Sprintf(", %s bytes (read %d)", res.header.Get("Content-Length"), len(res.body))
	case res.more:
		s += fmt.Sprintf(", more than %d bytes (not read further)", len(res.body))
	default:
		s += fmt.Sprintf(", %d bytes", len(res.body))
	}
	return s
}

// gateVerdict explains a non-401 answer without claiming more than it shows.
func gateVerdict(res *response) string {
	switch {
	case res.status >= 200 && res.status < 300:
		return "the access gate is off, the site is open to anyone"
	case res.status >= 300 && res.status < 400:
		return "something in front of the app redirects callers without the token (the app's gate answers 401 itself)"
	case res.status == http.StatusForbidden:
		return "refused, but not by the app's gate (a WAF, a proxy or an IAM layer in front?)"
	default:
		return "not the gate's answer"
	}
}
