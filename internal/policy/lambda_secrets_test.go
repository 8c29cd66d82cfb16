package policy_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

// TestLambdaNoSecretEnvCatches: the real stacks pass; each way of putting a
// secret (back) into a function's environment, or of widening the role's
// parameter grant, fails naming the cause.
func TestLambdaNoSecretEnvCatches(t *testing.T) {
	const admin, public = "sgraph-send-dev-admin", "sgraph-send-dev-public"
	envOf := func(t *testing.T, r *bench.Result, fn string) resource.PropertyMap {
		env := r.MustFind(t, lambdaFn, fn).Inputs["environment"].ObjectValue()
		return env["variables"].ObjectValue()
	}
	cases := []struct {
		name   string
		rule   policy.Rule
		want   string
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"admin key as a secret variable (the old delivery)", policy.LambdaNoSecretEnv, "FAST_API__AUTH__API_KEY__VALUE is a secret", func(t *testing.T, r *bench.Result) {
			envOf(t, r, admin)["FAST_API__AUTH__API_KEY__VALUE"] = resource.MakeSecret(resource.NewProperty(bench.TestSecrets["adminApiKey"]))
		}},
		{"upload token in clear under an innocent name", policy.LambdaNoSecretEnv, "EXTRA holds a configured secret", func(t *testing.T, r *bench.Result) {
			envOf(t, r, public)["EXTRA"] = resource.NewProperty("x" + bench.TestSecrets["uploadToken"])
		}},
		{"environment pointing at another function's parameter", policy.LambdaNoSecretEnv, "not the function's own parameter", func(t *testing.T, r *bench.Result) {
			envOf(t, r, public)["SGRAPH_SEND_SSM_PARAMETERS"] = resource.NewProperty(`{"SGRAPH_SEND__ACCESS_TOKEN":"/` + admin + `/FAST_API__AUTH__API_KEY__VALUE"}`)
		}},
		{"role reading every parameter", policy.LambdaLeastPrivilege, "parameter/*", func(t *testing.T, r *bench.Result) {
			p := r.MustFind(t, "aws:iam/rolePolicy:RolePolicy", public)
			doc := p.Str("policy")
			i := strings.Index(doc, `:parameter/`)
			require.Positive(t, i)
			j := strings.Index(doc[i:], `"`)
			p.Inputs["policy"] = resource.NewProperty(doc[:i] + `:parameter/*` + doc[i+j:])
		}},
		{"role reading the other function's parameter", policy.LambdaLeastPrivilege, "not one of function " + public, func(t *testing.T, r *bench.Result) {
			p := r.MustFind(t, "aws:iam/rolePolicy:RolePolicy", public)
			p.Inputs["policy"] = resource.NewProperty(strings.Replace(p.Str("policy"), ":parameter/"+public+"/", ":parameter/"+admin+"/", 1))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := lambdaRun(t, "dev")
			require.Empty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "the real stack passes before the change")
			tc.break_(t, r)
			failed := policy.Failed(policy.Evaluate(r, tc.rule))
			require.NotEmpty(t, failed, "%s must fail", tc.rule.Name)
			msgs := ""
			for _, f := range failed {
				msgs += f.Message + "\n"
			}
			assert.Contains(t, msgs, tc.want)
			for _, s := range bench.TestSecrets {
				assert.NotContains(t, msgs, s, "a finding never echoes a secret")
			}
		})
	}
}
