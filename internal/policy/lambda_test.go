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

const (
	lambdaFn   = "aws:lambda/function:Function"
	lambdaURL  = "aws:lambda/functionUrl:FunctionUrl"
	lambdaPerm = "aws:lambda/permission:Permission"
)

// lambdaRun runs a real stack with the lambda target on.
func lambdaRun(t *testing.T, stack string) *bench.Result {
	return bench.MustRun(t, bench.Options{Stack: stack, Set: map[string]string{"targets": `["lambda"]`}})
}

func lambdaPerms(r *bench.Result, fn string) []*bench.Resource {
	var out []*bench.Resource
	for _, p := range r.OfType(lambdaPerm) {
		if p.Str("function") == fn {
			out = append(out, p)
		}
	}
	return out
}

func TestLambdaRulesCatchViolations(t *testing.T) {
	const admin, public = "sgraph-send-dev-admin", "sgraph-send-dev-public"
	str := resource.NewProperty[string]
	cases := []struct {
		name   string
		rule   policy.Rule
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"admin URL made public", policy.LambdaAdminURLIAM, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, lambdaURL, admin).Inputs["authorizationType"] = str("NONE")
		}},
		{"admin found by its component when renamed", policy.LambdaAdminURLIAM, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, lambdaFn, admin).Inputs["name"] = str("sgraph-send-dev-backoffice")
			u := r.MustFind(t, lambdaURL, admin)
			u.Inputs["functionName"] = str("sgraph-send-dev-backoffice")
			u.Inputs["authorizationType"] = str("NONE")
		}},
		{"public grant on admin", policy.LambdaAdminURLIAM, func(t *testing.T, r *bench.Result) {
			r.Resources = append(r.Resources, &bench.Resource{Type: lambdaPerm, Name: "oops", Custom: true,
				Inputs: resource.NewPropertyMapFromMap(map[string]any{"function": admin, "action": "lambda:InvokeFunction", "principal": "*"})})
		}},
		{"public URL without InvokeFunction", policy.LambdaPublicURLPermissions, func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool {
				return res.Type == lambdaPerm && res.Str("action") == "lambda:InvokeFunction"
			})
		}},
		{"public URL without InvokeFunctionUrl", policy.LambdaPublicURLPermissions, func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool {
				return res.Type == lambdaPerm && res.Str("action") == "lambda:InvokeFunctionUrl"
			})
		}},
		{"public URL grant for the wrong auth type", policy.LambdaPublicURLPermissions, func(t *testing.T, r *bench.Result) {
			for _, p := range lambdaPerms(r, public) {
				if p.Str("action") == "lambda:InvokeFunctionUrl" {
					p.Inputs["functionUrlAuthType"] = str("AWS_IAM")
				}
			}
		}},
		{"no log group", policy.LambdaLogRetention, func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool { return res.Type == "aws:cloudwatch/logGroup:LogGroup" })
		}},
		{"log group without retention", policy.LambdaLogRetention, func(t *testing.T, r *bench.Result) {
			delete(r.MustFind(t, "aws:cloudwatch/logGroup:LogGroup", public).Inputs, "retentionInDays")
		}},
		{"function created before its log group", policy.LambdaLogRetention, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, lambdaFn, public).Dependencies = nil
		}},
		{"log group under another name", policy.LambdaLogRetention, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, "aws:cloudwatch/logGroup:LogGroup", admin).Inputs["name"] = str("/app/admin")
		}},
		{"wildcard action", policy.LambdaLeastPrivilege, func(t *testing.T, r *bench.Result) {
			p := r.MustFind(t, "aws:iam/rolePolicy:RolePolicy", public)
			p.Inputs["policy"] = str(strings.Replace(p.Str("policy"), `"s3:GetObject"`, `"s3:*"`, 1))
		}},
		{"wildcard resource", policy.LambdaLeastPrivilege, func(t *testing.T, r *bench.Result) {
			p := r.MustFind(t, "aws:iam/rolePolicy:RolePolicy", admin)
			p.Inputs["policy"] = str(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`)
		}},
		{"action beyond logs and objects", policy.LambdaLeastPrivilege, func(t *testing.T, r *bench.Result) {
			p := r.MustFind(t, "aws:iam/rolePolicy:RolePolicy", admin)
			p.Inputs["policy"] = str(strings.Replace(p.Str("policy"), `"s3:ListBucket"`, `"s3:CreateBucket"`, 1))
		}},
		{"managed policy attached", policy.LambdaLeastPrivilege, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, "aws:iam/role:Role", admin).Inputs["managedPolicyArns"] =
				resource.NewProperty([]resource.PropertyValue{str("arn:aws:iam::aws:policy/AdministratorAccess")})
		}},
		{"untagged function", policy.Tagging, func(t *testing.T, r *bench.Result) {
			delete(r.MustFind(t, lambdaFn, admin).Inputs, "tags")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := lambdaRun(t, "dev")
			require.Empty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "the real stack passes before the change")
			tc.break_(t, r)
			assert.NotEmpty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "%s must fail", tc.rule.Name)
		})
	}
}

// With the lambda target on, both real stacks pass every rule, and the Lambda
// rules actually looked at both functions.
func TestLambdaStacksPassEveryPolicy(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := lambdaRun(t, stack)
			fs := policy.Evaluate(r)
			for _, f := range policy.Failed(fs) {
				t.Errorf("%s on %s: %s", f.Rule, f.Resource, f.Message)
			}
			seen := map[string]int{}
			for _, f := range fs {
				if strings.HasPrefix(f.Rule, "lambda-") && f.Resource != "" {
					seen[f.Rule]++
				}
			}
			assert.Equal(t, map[string]int{
				"lambda-admin-url-iam":          1,
				"lambda-public-url-permissions": 1,
				"lambda-log-retention":          2,
				"lambda-json-logs":              2,
				"lambda-role-least-privilege":   2,
				"lambda-public-capped":          1,
				"lambda-no-secret-env":          2,
			}, seen)
		})
	}
}
