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
	CheckTarget     = "target" // the row of a target skipped as a whole
)

// checksFor decides the checks from the target's kind. TLS goes first: if
// the chain is bad, its row says why every other row failed.
func checksFor(ep Endpoint) []check {
	switch ep.Kind {
	case outputs.AdminAPI:
		cs := []check{{CheckTLS, checkTLS}}
		if ep.IAMAuth {
			cs = append(cs, check{CheckIAM, checkIAMUnsigned})
		}
		return append(cs,
			check{CheckHealth, checkHealth},
			check{CheckVersion, checkVersion},
			check{CheckAdminAuth, checkAdminAuth},
			check{CheckAdminUI, checkAdminUI},
			check{CheckCORS, checkCORS},
		)
	case outputs.UserAPI, outputs.ContainerApp:
		return []check{
			{CheckTLS, checkTLS},
			{CheckHealth, checkHealth},
			{CheckVersion, checkVersion},
			{CheckCORS, checkCORS},
			{CheckUploadAuth, checkUploadAuth},
			{CheckRoundTrip, checkRoundTrip},
		}
	default:
		return []check{{CheckTarget, func(context.Context, *targetRun) (string, error) {
			return "", fmt.Errorf("unknown target kind %q", ep.Kind)
		}}}
	}
}

type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func skipf(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

func isSkip(err error) (string, bool) {
	var s *skipError
	if errors.As(err, &s) {
		return s.reason, true
	}
	return "", false
}

// want checks the status code and names the route in the failure.
func want(rq request, res *response, code int) error {
	if res.status != code {
		return fmt.Errorf("%s %s: got %d, want %d%s", rq.method, rq.path, res.status, code, bodyHint(res.body))
	}
	return nil
}

// bodyHint quotes the start of a body to explain an unexpected status. It
// goes through the redactor with the rest of the reason.
func bodyHint(b []byte) string {
	const max = 120
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return fmt.Sprintf(" (body: %q)", s)
}

func decodeJSON(rq request, res *response, v any) error {
	if err := json.Unmarshal(res.body, v); err != nil {
		return fmt.Errorf("%s %s: body is not the expected JSON: %v%s", rq.method, rq.path, err, bodyHint(res.body))
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
