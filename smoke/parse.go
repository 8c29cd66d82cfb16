package smoke

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// OutputError says the outputs are malformed. Key names the offending output
// so an operator knows what to look at; it is empty for document-level errors.
// The command maps it to exit code 2, distinct from "a check failed".
type OutputError struct {
	Key string
	Msg string
}

func (e *OutputError) Error() string {
	if e.Key == "" {
		return "malformed outputs: " + e.Msg
	}
	return fmt.Sprintf("malformed outputs: output %q: %s", e.Key, e.Msg)
}

// Outputs is the validated, typed view of a stack's outputs that the checks need.
type Outputs struct {
	Stack       string
	Environment string
	AppVersion  string // as exported, e.g. "0.27.6"
	AwsRegion   string

	// Overrides of the Config defaults; empty when the stack does not export them.
	HealthPath        string
	AdminKeyHeader    string
	UploadTokenHeader string

	// Secrets. Never print these; Report reasons are redacted against them.
	AdminKey    string
	UploadToken string

	// Endpoints are the deployed targets, in outputs.Targets order.
	Endpoints []Endpoint

	secrets []string
}

// Secrets returns every secret value the outputs carry, for redaction.
func (o *Outputs) Secrets() []string { return append([]string(nil), o.secrets...) }

// Endpoint is one deployed target the harness will check.
type Endpoint struct {
	Name    string
	Kind    outputs.Kind
	URL     *url.URL
	IAMAuth bool // sign every request with SigV4 for service "lambda"
	// InsecureTLS is true when the outputs say the certificate is self-signed:
	// the chain is then not verified for this endpoint only.
	InsecureTLS bool
	// SkipReason, when set, reports the whole target as skipped (scaled to
	// zero, or not invocable anonymously) instead of running its checks.
	SkipReason string
}

// maskedSecret is what `pulumi stack output --json` prints for a secret
// without --show-secrets.
const maskedSecret = "[secret]"

// Parse validates raw outputs. It never panics on bad input; every problem
// comes back as an *OutputError naming the key.
func Parse(raw RawOutputs) (*Outputs, error) {
	p := parser{raw: raw}
	o := &Outputs{}
	var err error
	if o.Stack, err = p.optString(outputs.Stack); err != nil {
		return nil, err
	}
	if o.Environment, err = p.optString(outputs.Environment); err != nil {
		return nil, err
	}
	if o.AppVersion, err = p.optString(outputs.AppVersion); err != nil {
		return nil, err
	}
	if o.AwsRegion, err = p.optString(outputs.AwsRegion); err != nil {
		return nil, err
	}
	if o.HealthPath, err = p.optString(outputs.HealthPath); err != nil {
		return nil, err
	}
	// Every path output (healthPath and any other key ending in "Path") is
	// joined to a target URL that requests carry credentials to: it must
	// not be able to name another host.
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !strings.HasSuffix(k, "Path") || raw[k].Value == nil {
			continue
		}
		s, err := p.optString(k)
		if err != nil {
			return nil, err
		}
		if msg := checkPath(s); msg != "" {
			return nil, &OutputError{Key: k, Msg: fmt.Sprintf("%s; want an absolute path like /info/health", msg)}
		}
	}
	for _, k := range []string{outputs.AdminKeyHeader, outputs.UploadTokenHeader} {
		v, err := p.optString(k)
		if err != nil {
			return nil, err
		}
		if v != "" && !validHeaderName(v) {
			return nil, &OutputError{Key: k, Msg: "is not a valid HTTP header name"}
		}
		if k == outputs.AdminKeyHeader {
			o.AdminKeyHeader = v
		} else {
			o.UploadTokenHeader = v
		}
	}
	if o.AdminKey, err = p.secret(outputs.AdminKey); err != nil {
		return nil, err
	}
	if o.UploadToken, err = p.secret(outputs.UploadToken); err != nil {
		return nil, err
	}
	// Any output the stack marks secret is redacted, not just the two we know.
	for k, v := range raw {
		if s, ok := v.Value.(string); ok && s != "" && (v.Secret || outputs.Secret(k)) {
			o.secrets = append(o.secrets, s)
		}
	}

	for _, t := range outputs.Targets {
		ep, present, err := p.endpoint(t)
		if err != nil {
			return nil, err
		}
		if !present {
			continue
		}
		if ep.SkipReason == "" {
			if err := requireFor(o, t); err != nil {
				return nil, err
			}
		}
		o.Endpoints = append(o.Endpoints, ep)
	}
	if len(o.Endpoints) == 0 {
		keys := make([]string, 0, len(outputs.Targets))
		for _, t := range outputs.Targets {
			keys = append(keys, t.URLKey)
		}
		return nil, &OutputError{Msg: "no target URL found; looked for " + strings.Join(keys, ", ")}
	}
	return o, nil
}

// requireFor checks the stack-wide outputs a live target cannot be checked without.
func requireFor(o *Outputs, t outputs.Target) error {
	if o.AppVersion == "" {
		return &OutputError{Key: outputs.AppVersion, Msg: fmt.Sprintf("missing; the version check of target %s compares against it", t.Name)}
	}
	if t.IAMAuth && o.AwsRegion == "" {
		return &OutputError{Key: outputs.AwsRegion, Msg: fmt.Sprintf("missing; target %s is IAM-protected and requests are signed for that region", t.Name)}
	}
	if t.Kind == outputs.AdminAPI && o.AdminKey == "" {
		return &OutputError{Key: outputs.AdminKey, Msg: fmt.Sprintf("missing; target %s needs the admin API key", t.Name)}
	}
	return nil
}

type parser struct{ raw RawOutputs }

// has reports a key as present unless it is absent or JSON null: Pulumi
// exports null for an optional value that was never set.
func (p parser) has(key string) bool {
	v, ok := p.raw[key]
	return ok && v.Value != nil
}

func (p parser) optString(key string) (string, error) {
	if !p.has(key) {
		return "", nil
	}
	switch v := p.raw[key].Value.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	default:
		return "", &OutputError{Key: key, Msg: fmt.Sprintf("want a string, got %s", typeName(v))}
	}
}

func (p parser) secret(key string) (string, error) {
	v, err := p.optString(key)
	if err != nil {
		return "", err
	}
	if v == maskedSecret {
		return "", &OutputError{Key: key, Msg: "is masked as [secret]; read the outputs with --show-secrets"}
	}
	return v, nil
}

func (p parser) optBool(key string) (val, present bool, err error) {
	if key == "" || !p.has(key) {
		return false, false, nil
	}
	switch v := p.raw[key].Value.(type) {
	case bool:
		return v, true, nil
	case string:
		b, perr := strconv.ParseBool(v)
		if perr != nil {
			return false, true, &OutputError{Key: key, Msg: fmt.Sprintf("want true or false, got %q", v)}
		}
		return b, true, nil
	default:
		return false, true, &OutputError{Key: key, Msg: fmt.Sprintf("want a bool, got %s", typeName(v))}
	}
}

func (p parser) optCount(key string) (n int64, present bool, err error) {
	if key == "" || !p.has(key) {
		return 0, false, nil
	}
	bad := func(what string) error {
		return &OutputError{Key: key, Msg: "want a non-negative whole number, got " + what}
	}
	var f float64
	switch v := p.raw[key].Value.(type) {
	case json.Number:
		if f, err = v.Float64(); err != nil {
			return 0, true, bad(strconv.Quote(v.String()))
		}
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case string:
		if f, err = strconv.ParseFloat(v, 64); err != nil {
			return 0, true, bad(strconv.Quote(v))
		}
	default:
		return 0, true, bad(typeName(v))
	}
	if f < 0 || f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) || f > math.MaxInt32 {
		return 0, true, bad(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return int64(f), true, nil
}

// endpoint builds one target's Endpoint; present is false when the stack
// did not deploy it.
func (p parser) endpoint(t outputs.Target) (ep Endpoint, present bool, err error) {
	if !p.has(t.URLKey) {
		for _, k := range append([]string{t.DesiredCountKey, t.SelfSignedKey, t.PublicKey}, t.DeployedKeys...) {
			if k != "" && p.has(k) {
				return ep, false, &OutputError{Key: t.URLKey, Msg: fmt.Sprintf("missing, but %q is present: target %s looks deployed without a URL", k, t.Name)}
			}
		}
		return ep, false, nil
	}
	s, ok := p.raw[t.URLKey].Value.(string)
	if !ok {
		return ep, true, &OutputError{Key: t.URLKey, Msg: fmt.Sprintf("want a URL string, got %s", typeName(p.raw[t.URLKey].Value))}
	}
	u, err := parseTargetURL(s)
	if err != nil {
		return ep, true, &OutputError{Key: t.URLKey, Msg: err.Error()}
	}
	ep = Endpoint{Name: t.Name, Kind: t.Kind, URL: u, IAMAuth: t.IAMAuth}

	selfSigned, _, err := p.optBool(t.SelfSignedKey)
	if err != nil {
		return ep, true, err
	}
	ep.InsecureTLS = selfSigned && u.Scheme == "https"

	if n, ok, err := p.optCount(t.DesiredCountKey); err != nil {
		return ep, true, err
	} else if ok && n == 0 {
		ep.SkipReason = fmt.Sprintf("%s is 0: scaled to zero", t.DesiredCountKey)
	}
	if public, ok, err := p.optBool(t.PublicKey); err != nil {
		return ep, true, err
	} else if ok && !public && ep.SkipReason == "" {
		ep.SkipReason = fmt.Sprintf("%s is false: invoking it needs a Google identity token, which this harness does not fetch", t.PublicKey)
	}
	return ep, true, nil
}

// parseTargetURL accepts absolute http(s) URLs with a host and nothing the
// checks would silently drop (query, fragment, credentials).
func parseTargetURL(s string) (*url.URL, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("is not a URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return nil, fmt.Errorf("has no scheme; want http:// or https://")
		}
		return nil, fmt.Errorf("has scheme %q; want http or https", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("has no host")
	}
	if u.User != nil {
		return nil, fmt.Errorf("must not carry credentials")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("must not have a query or fragment")
	}
	return u, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a bool"
	case json.Number, float64, int, int64:
		return "a number"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// maxPathLen bounds a path output.
const maxPathLen = 1024

// checkPath says what is wrong with a path output, or "": exactly one
// leading /, no // (a scheme-relative URL names another host), no scheme,
// no .. segment, no whitespace or control characters, at most 1024 bytes.
func checkPath(p string) string {
	switch {
	case p == "":
		return "is empty"
	case len(p) > maxPathLen:
		return fmt.Sprintf("is %d characters, more than %d", len(p), maxPathLen)
	case !strings.HasPrefix(p, "/"):
		return fmt.Sprintf("%q does not start with /", p)
	case strings.Contains(p, "//"):
		return fmt.Sprintf("%q contains //, which can name another host", p)
	case strings.Contains(p, "://"):
		return fmt.Sprintf("%q carries a scheme", p)
	}
	for _, r := range p {
		if r <= 0x20 || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Sprintf("%q contains whitespace or a control character", p)
		}
	}
	for _, seg := range strings.Split(strings.SplitN(strings.SplitN(p, "?", 2)[0], "#", 2)[0], "/") {
		if seg == ".." || strings.EqualFold(seg, "%2e%2e") {
			return fmt.Sprintf("%q contains a .. segment", p)
		}
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" {
		return fmt.Sprintf("%q is not a plain path", p)
	}
	return ""
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > 0x7e || r <= 0x20 || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) {
			return false
		}
	}
	return true
}
