package policy

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// secretish matches names that announce a secret (environment variables, keys).
var secretish = regexp.MustCompile(`(?i)(api_?key(__value)?|_value$|token|secret|password|passwd|private_?key)`)

// NoPlaintextSecrets: no secret config value appears anywhere in plaintext —
// not in a resource input, not in an export — and secret-named environment
// variables and outputs are secret.
var NoPlaintextSecrets = Rule{Name: "no-plaintext-secrets", Check: checkSecrets}

func checkSecrets(r *bench.Result) []Finding {
	var out []Finding
	for _, res := range r.Resources {
		var problems []string
		walkPlain(resource.NewObjectProperty(res.Inputs), "", func(path, s string) {
			for _, secret := range r.SecretValues {
				if s != "" && strings.Contains(s, secret) {
					problems = append(problems, fmt.Sprintf("input %s holds a secret value in plaintext", path))
				}
			}
			if isEnvValue(path) && secretish.MatchString(lastKey(path)) && !strings.HasSuffix(lastKey(path), "_NAME") {
				problems = append(problems, fmt.Sprintf("secret-named variable %s is not a secret", path))
			}
		})
		if len(problems) > 0 || len(res.SecretInputs()) > 0 {
			out = append(out, verdict(res, problems, "secret inputs stay secret: "+strings.Join(res.SecretInputs(), ", ")))
		}
	}
	for _, k := range r.OutputKeys() {
		v := r.Outputs[k]
		s := fmt.Sprint(v.Value)
		leaked := false
		for _, secret := range r.SecretValues {
			leaked = leaked || (secret != "" && strings.Contains(s, secret))
		}
		f := Finding{Resource: "output:" + k, Passed: true, Message: "secret output is a Pulumi secret"}
		switch {
		case (leaked || outputs.Secret(k)) && !v.Secret:
			f.Passed, f.Message = false, "output exposes a secret in plaintext; export it with pulumi.ToSecret"
		case !leaked && !outputs.Secret(k):
			continue
		}
		out = append(out, f)
	}
	return out
}

// walkPlain calls fn for every plaintext string in v; secret subtrees are skipped.
func walkPlain(v resource.PropertyValue, path string, fn func(path, s string)) {
	switch {
	case v.IsSecret():
		return
	case v.IsOutput():
		if o := v.OutputValue(); o.Known && !o.Secret {
			walkPlain(o.Element, path, fn)
		}
	case v.IsString():
		fn(path, v.StringValue())
	case v.IsArray():
		for i, e := range v.ArrayValue() {
			walkPlain(e, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	case v.IsObject():
		for k, e := range v.ObjectValue() {
			p := string(k)
			if path != "" {
				p = path + "." + p
			}
			walkPlain(e, p, fn)
		}
	}
}

// isEnvValue recognises environment blocks of Lambda, ECS-style and Cloud Run
// inputs: a string under a key path that contains "variables" or "environment".
func isEnvValue(path string) bool {
	p := strings.ToLower(path)
	return strings.Contains(p, "environment.variables.") || strings.Contains(p, "variables.")
}

func lastKey(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}
