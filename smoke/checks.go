package smoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// check is one named probe of a target. It returns a note on PASS, an error
// on FAIL, and a *skipError when it does not apply.
type check struct {
	name string
	run  func(ctx context.Context, t *targetRun) (note string, err error)
	// afterHealth: the check needs a healthy app, so a failed health check
	// skips it instead of letting it fail slowly for the same reason.
	afterHealth bool
}

// Check names, as they appear in reports.
const (
	CheckTLS        = "tls"
	CheckIAM        = "iam-unsigned"
	CheckHealth     = "health"
	CheckVersion    = "version"
	CheckAdminAuth  = "admin-auth"
	CheckAdminUI    = "admin-ui"
	CheckCORS       = "cors"
	CheckUploadAuth = "upload-auth"
	CheckRoundTrip  = "roundtrip"
	CheckGate       = "access-gate"
	CheckReady      = "ready"  // the target answers at all, within its readiness budget
	CheckTarget     = "target" // the row of a target skipped as a whole
)

// checksFor decides the checks from the target's kind. TLS goes first: if
// the chain is bad, its row says why every other row failed.
func checksFor(ep Endpoint) []check {
	switch ep.Kind {
	case outputs.AdminAPI:
		cs := []check{{CheckTLS, checkTLS, false}}
		if ep.IAMAuth {
			cs = append(cs, check{CheckIAM, checkIAMUnsigned, false})
		}
		return append(cs,
			check{CheckHealth, checkHealth, false},
			check{CheckVersion, checkVersion, true},
			check{CheckAdminAuth, checkAdminAuth, true},
			check{CheckAdminUI, checkAdminUI, true},
			check{CheckCORS, checkCORS, true},
		)
	case outputs.UserAPI, outputs.ContainerApp:
		cs := []check{
			{CheckTLS, checkTLS, false},
			{CheckHealth, checkHealth, false},
		}
		if ep.Kind == outputs.ContainerApp {
			cs = append(cs, check{CheckGate, checkGate, false})
		}
		return append(cs,
			check{CheckVersion, checkVersion, true},
			check{CheckCORS, checkCORS, true},
			check{CheckUploadAuth, checkUploadAuth, true},
			check{CheckRoundTrip, checkRoundTrip, true},
		)
	default:
		return []check{{CheckTarget, func(context.Context, *targetRun) (string, error) {
			return "", fmt.Errorf("unknown target kind %q", ep.Kind)
		}, false}}
	}
}

type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func skipf(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

// warnError: the check ran and the deployment works, but exposed.
type warnError struct{ reason string }

func (e *warnError) Error() string { return e.reason }

func warnf(format string, args ...any) error { return &warnError{fmt.Sprintf(format, args...)} }

func isWarn(err error) (string, bool) {
	var w *warnError
	if errors.As(err, &w) {
		return w.reason, true
	}
	return "", false
}

func isSkip(err error) (string, bool) {
	var s *skipError
	if errors.As(err, &s) {
		return s.reason, true
	}
	return "", false
}

// want checks the status code and names the route in the failure.
func (t *targetRun) want(rq request, res *response, code int) error {
	if res.status != code {
		return fmt.Errorf("%s %s: got %d, want %d%s", rq.method, rq.path, res.status, code, t.bodyHint(res.body))
	}
	return nil
}

// bodyHintMax is where a quoted body is cut.
const bodyHintMax = 120

// bodyHint quotes the start of a body to explain an unexpected status.
// Secrets are redacted first, on the raw text: quoting would escape a
// secret holding a quote or a backslash past the redactor, and the cut
// would leave the prefix of a long one.
func (t *targetRun) bodyHint(b []byte) string {
	s := strings.TrimSpace(t.red.String(string(b)))
	if s == "" {
		return ""
	}
	if len(s) > bodyHintMax {
		s = s[:bodyHintMax]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return fmt.Sprintf(" (body: %q)", s)
}

func (t *targetRun) decodeJSON(rq request, res *response, v any) error {
	if err := json.Unmarshal(res.body, v); err != nil {
		return fmt.Errorf("%s %s: body is not the expected JSON: %v%s", rq.method, rq.path, err, t.bodyHint(res.body))
	}
	return nil
}

// isAdmin says whether the target is the admin app, whose routes need the key.
func (t *targetRun) isAdmin() bool { return t.ep.Kind == outputs.AdminAPI }

// requestID verifies the app's per-response header: its absence means
// something other than the app (a default backend, a proxy page) answered.
func (t *targetRun) requestID(rq request, res *response) error {
	h := t.cfg.RequestIDHeader
	if h == "" || res.header.Get(h) != "" {
		return nil
	}
	return fmt.Errorf("%s %s: no %s header: the answer did not come from the app", rq.method, rq.path, h)
}
