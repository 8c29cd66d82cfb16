package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/components/lambdapair"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// LambdaNoSecretEnv: no Lambda function's environment carries a secret.
// lambda:GetFunctionConfiguration returns the environment in clear to anyone
// allowed to call it, and Pulumi's secret marking only protects the state, so
// a variable is a finding when its value is a Pulumi secret (marked secret in
// the inputs) or holds any configured secret value. The secrets go in SSM
// (components/lambdapair/secrets.go) and the environment names them only.
var LambdaNoSecretEnv = Rule{Name: "lambda-no-secret-env", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, fn := range r.OfType(lambdaFunctionType) {
		var problems []string
		vars, _ := fn.Get("environment.variables")
		lambdaEnvWalk(vars, func(name string, v resource.PropertyValue, secret bool) {
			switch {
			case secret:
				problems = append(problems, fmt.Sprintf("environment variable %s is a secret; readable with lambda:GetFunctionConfiguration: keep it in SSM", name))
			case v.IsString():
				for _, s := range r.SecretValues {
					if s != "" && strings.Contains(v.StringValue(), s) {
						problems = append(problems, fmt.Sprintf("environment variable %s holds a configured secret value", name))
					}
				}
			}
		})
		if p, ok := fn.Get("environment.variables." + lambdapair.SSMParametersEnv); ok && p.IsString() {
			problems = append(problems, lambdaParameterNames(lambdaName(fn), p.StringValue())...)
		}
		out = append(out, verdict(fn, problems, "environment holds no secret (secrets in SSM: "+lambdapair.SSMParametersEnv+")"))
	}
	return out
}}

// lambdaEnvWalk calls fn for each variable of an environment map, unwrapping
// secret and output wrappers and saying whether any was secret.
func lambdaEnvWalk(vars resource.PropertyValue, fn func(name string, v resource.PropertyValue, secret bool)) {
	secret := false
	for {
		switch {
		case vars.IsSecret():
			secret, vars = true, vars.SecretValue().Element
			continue
		case vars.IsOutput():
			o := vars.OutputValue()
			secret = secret || o.Secret
			vars = o.Element
			continue
		}
		break
	}
	if !vars.IsObject() {
		return
	}
	for k, v := range vars.ObjectValue() {
		s := secret
		for {
			if v.IsSecret() {
				s, v = true, v.SecretValue().Element
				continue
			}
			if v.IsOutput() {
				o := v.OutputValue()
				s, v = s || o.Secret, o.Element
				continue
			}
			break
		}
		fn(string(k), v, s)
	}
}

// lambdaParameterNames: every parameter the environment points at is the
// function's own (lambdapair.ParameterName), so its role's grant covers it.
func lambdaParameterNames(function, value string) []string {
	var m map[string]string
	if err := json.Unmarshal([]byte(value), &m); err != nil {
		return []string{fmt.Sprintf("%s is not a JSON object of names: %v", lambdapair.SSMParametersEnv, err)}
	}
	var ps []string
	for env, param := range m {
		if param != lambdapair.ParameterName(function, env) {
			ps = append(ps, fmt.Sprintf("%s points %s at %q, not the function's own parameter %q", lambdapair.SSMParametersEnv, env, param, lambdapair.ParameterName(function, env)))
		}
	}
	return ps
}

// lambdaParameterScope: an execution role reads SSM parameters only under its
// own function's name, never a wildcard and never another function's.
func lambdaParameterScope(name, doc, function string) []string {
	var parsed lambdaPolicyDoc
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
		return nil // reported by lambdaPolicyProblems
	}
	var ps []string
	for i, st := range parsed.Statement {
		if st.Effect != "Allow" || !lambdaOnly(st.Action, "ssm:") {
			continue
		}
		for _, res := range st.Resource {
			if !strings.Contains(res, ":parameter/"+function+"/") || strings.Contains(res, "*") {
				ps = append(ps, fmt.Sprintf("policy %s statement %d reads parameter %q, not one of function %s's own", name, i, res, function))
			}
		}
	}
	return ps
}
