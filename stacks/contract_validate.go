package stacks

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// paths lists every URL path of the contract by its appContract field name.
// A path field added to AppContract must be listed here to be validated.
func (c AppContract) paths() map[string]string {
	return map[string]string{
		"healthPath": c.HealthPath,
		"probePath":  c.ProbePath, // ui* paths may be "" (redirects off): contract_proxy.go checks them
	}
}

// headers lists every HTTP header name of the contract by field name.
func (c AppContract) headers() map[string]string {
	return map[string]string{
		"adminKeyHeader":    c.AdminKeyHeader,
		"uploadTokenHeader": c.UploadTokenHeader,
	}
}

// envNames lists every environment variable name by its field, read from the
// struct's json tags so a field added to EnvNames is validated without more code.
func (e EnvNames) envNames() map[string]string {
	out := map[string]string{}
	v, t := reflect.ValueOf(e), reflect.TypeOf(e)
	for i := 0; i < t.NumField(); i++ {
		if s, ok := v.Field(i).Interface().(string); ok {
			out["env."+strings.Split(t.Field(i).Tag.Get("json"), ",")[0]] = s
		}
	}
	return out
}

// MaxPathLength bounds every contract path: health checks, redirects and the
// harness all put it in a URL.
const MaxPathLength = 1024

var (
	// httpToken is RFC 9110's token: the characters allowed in a header name.
	httpToken = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")
	shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// reservedEnv are names the runtimes set themselves: Lambda's reserved
// variables (docs: "Defined runtime environment variables") and those it sets
// that the app must not lose (TZ, PATH, LANG, ...), Cloud Run's (PORT, K_*),
// and those our own entry points set (PORT, the Lambda Web Adapter's AWS_LWA_*).
var (
	reservedEnv       = []string{"_HANDLER", "_X_AMZN_TRACE_ID", "TZ", "PATH", "LANG", "LD_LIBRARY_PATH", "PYTHONPATH", "HOME", "PORT"}
	reservedEnvPrefix = []string{"AWS_", "LAMBDA_", "K_", "X_GOOGLE_", "CLOUD_RUN_", "ECS_"}
)

// PathProblem says what is wrong with a contract path, or "": one leading /,
// no //, no scheme, no .. segment, no whitespace or control characters.
func PathProblem(p string) string {
	switch {
	case p == "" || p[0] != '/':
		return "must be an absolute path starting with one /"
	case strings.HasPrefix(p, "//"):
		return "starts with //, which a client reads as another host"
	case strings.Contains(p, "//"):
		return "holds //"
	case len(p) > MaxPathLength:
		return fmt.Sprintf("is %d characters; at most %d", len(p), MaxPathLength)
	case strings.Contains(p, "://") || strings.Contains(p, "\\"):
		return "holds a scheme or a backslash"
	}
	for _, seg := range strings.Split(strings.SplitN(p, "?", 2)[0], "/") {
		if seg == ".." || seg == "." {
			return "holds a . or .. segment"
		}
	}
	for _, r := range p {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r > unicode.MaxASCII || r == '#' {
			return "holds whitespace, a control, non-ASCII or # character"
		}
	}
	return ""
}

func envNameProblem(name string) string {
	if !shellName.MatchString(name) {
		return "is not a shell variable name (letters, digits and _, not starting with a digit)"
	}
	upper := strings.ToUpper(name)
	for _, r := range reservedEnv {
		if upper == r {
			return "is reserved or set by the runtimes (Lambda, Cloud Run, our entry points)"
		}
	}
	for _, p := range reservedEnvPrefix {
		if strings.HasPrefix(upper, p) {
			return fmt.Sprintf("starts with %s, which the runtimes reserve (Lambda reserves AWS_* and LAMBDA_*)", p)
		}
	}
	return ""
}

// validateContract checks the whole contract at load, so a bad value is
// refused naming appContract before anything is registered.
func validateContract(r *reader, c AppContract) {
	const key = "appContract"
	for _, field := range keysOf(c.paths()) {
		if p := PathProblem(c.paths()[field]); p != "" {
			r.fail(key, c.paths()[field], "%s %s; e.g. /info/health: `pulumi config set --path 'appContract.%s' /info/health`", field, p, field)
		}
	}
	for _, field := range keysOf(c.headers()) {
		if h := c.headers()[field]; !httpToken.MatchString(h) {
			r.fail(key, h, "%s is not an HTTP header name (letters, digits and !#$%%&'*+-.^_`|~), e.g. x-api-key", field)
		}
	}
	env := c.Env.envNames()
	byName := map[string][]string{}
	for _, field := range keysOf(env) {
		name := env[field]
		if p := envNameProblem(name); p != "" {
			r.fail(key, name, "%s %s", field, p)
		}
		byName[name] = append(byName[name], field)
	}
	for _, name := range keysOf(byName) {
		if fields := byName[name]; len(fields) > 1 {
			sort.Strings(fields)
			r.fail(key, name, "%s name one variable, so one value would overwrite the other; give each its own name", strings.Join(fields, " and "))
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
