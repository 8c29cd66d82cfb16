package stacks

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Namespace is the project's config namespace (the project name in Pulumi.yaml).
const Namespace = "sgraph-send"

// reader reads typed config keys and collects every problem instead of stopping
// at the first, so one run reports them all. Pulumi.yaml declares a default for
// every non-secret key and the CLI applies it, so a missing key means Pulumi.yaml
// and the program disagree, which is reported like any other problem.
type reader struct {
	ctx  *pulumi.Context
	cfg  *config.Config
	errs ConfigErrors
	read map[string]string // qualified key -> kind read as, so tests can check Pulumi.yaml declares it
}

func newReader(ctx *pulumi.Context) *reader {
	return &reader{ctx: ctx, cfg: config.New(ctx, Namespace), read: map[string]string{}}
}

func (r *reader) note(key, kind string) { r.read[qualify(key)] = kind }

func qualify(key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return Namespace + ":" + key
}

// fail records a problem with key; value is echoed, so never pass a secret.
// Every problem names its fix: one that names no command (none in backticks)
// gets the generic `pulumi config set` for its key.
func (r *reader) fail(key, value, format string, args ...any) {
	problem := fmt.Sprintf(format, args...)
	if !strings.Contains(problem, "`") {
		problem += fmt.Sprintf("; fix: `%s`", setCommand(key, "<value>"))
	}
	r.errs = append(r.errs, ConfigError{Key: qualify(key), Value: value, Problem: problem})
}

// setCommand is the command that sets key (project keys without their
// namespace, as the CLI accepts them) to value.
func setCommand(key, value string) string {
	return fmt.Sprintf("pulumi config set %s %s", strings.TrimPrefix(qualify(key), Namespace+":"), value)
}

// raw looks a key up without the SDK's secret warnings; secret values read
// through it are only measured, never returned to callers.
func (r *reader) raw(key string) (string, bool) {
	return r.ctx.GetConfig(qualify(key))
}

func (r *reader) missing(key, kind string) {
	r.fail(key, "", "missing %s; Pulumi.yaml declares its default, so restore the key's block there or run `pulumi config set %s <value>`", kind, key)
}

// str reads a declared string key.
func (r *reader) str(key string) string {
	r.note(key, "string")
	v, ok := r.raw(key)
	if !ok {
		r.missing(key, "string")
	}
	return v
}

// optional reads a key that may be unset (provider keys such as aws:region).
func (r *reader) optional(key string) string {
	r.note(key, "string")
	v, _ := r.raw(key)
	return v
}

// integer reads a declared integer key within [lo, hi].
func (r *reader) integer(key string, lo, hi int) int {
	r.note(key, "integer")
	v, ok := r.raw(key)
	if !ok {
		r.missing(key, "integer")
		return lo
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		r.fail(key, v, "not an integer; allowed %d..%d; fix: `%s`", lo, hi, setCommand(key, strconv.Itoa(lo)))
		return lo
	}
	if n < lo || n > hi {
		// The nearest allowed value is the likeliest intent.
		nearest := min(max(n, lo), hi)
		r.fail(key, v, "out of range; allowed %d..%d; fix: `%s`", lo, hi, setCommand(key, strconv.Itoa(nearest)))
	}
	return n
}

// boolean reads a declared boolean key.
func (r *reader) boolean(key string) bool {
	r.note(key, "boolean")
	v, ok := r.raw(key)
	if !ok {
		r.missing(key, "boolean")
		return false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		r.fail(key, v, "not a boolean; allowed true or false; fix: `%s`", setCommand(key, "false"))
	}
	return b
}

// list reads a declared array-of-strings key (the CLI passes arrays as JSON).
func (r *reader) list(key string) []string {
	r.note(key, "array")
	v, ok := r.raw(key)
	if !ok {
		r.missing(key, "array of strings")
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.fail(key, v, "not an array of strings, e.g. `pulumi config set --path '%s[0]' value`", key)
		return nil
	}
	return out
}

// object decodes an object key into out (which holds the defaults); absent is fine.
func (r *reader) object(key string, out any) {
	r.note(key, "object")
	v, ok := r.raw(key)
	if !ok || strings.TrimSpace(v) == "" {
		return
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		r.fail(key, v, "not a valid object: %v", err)
	}
}

// oneOf reads a string key that must be one of allowed.
func (r *reader) oneOf(key string, allowed ...string) string {
	v := r.str(key)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	if _, ok := r.raw(key); ok {
		r.fail(key, v, "allowed: %s; fix: `%s`", strings.Join(allowed, ", "), setCommand(key, allowed[0]))
	}
	return v
}

// secret reads a secret key with config.TrySecret so the value stays a Pulumi
// secret end to end. A missing secret is reported with the exact command that
// sets it; the value itself is never echoed.
func (r *reader) secret(key, purpose string, minLen int) pulumi.StringOutput {
	r.note(key, "secret")
	out, err := r.cfg.TrySecret(key)
	if err != nil {
		if !errors.Is(err, config.ErrMissingVar) {
			r.fail(key, "", "unreadable secret: %v", err)
			return out
		}
		r.fail(key, "", "missing secret (%s); set it with `pulumi config set --secret %s <value>`", purpose, key)
		return out
	}
	// A value in plaintext in the stack file is in git: refuse it, never echo it.
	if !r.ctx.IsConfigSecret(qualify(key)) {
		r.fail(key, "", "is stored in plaintext in the stack file (and so in git); remove it there and store it encrypted: `pulumi config rm %s` then %s, and rotate the value", key, newSecretHint(key))
	}
	// The value is checked on the raw config string; only its length or the
	// position of a bad character is reported.
	if v, _ := r.raw(key); secretProblem(key, v, minLen) != "" {
		r.fail(key, "", "%s", secretProblem(key, v, minLen))
	}
	return out
}

func (r *reader) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	return r.errs
}
