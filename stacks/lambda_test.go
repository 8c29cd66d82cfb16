package stacks_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/lambdapair"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const (
	lambdaFnType     = "aws:lambda/function:Function"
	lambdaURLType    = "aws:lambda/functionUrl:FunctionUrl"
	lambdaPermType   = "aws:lambda/permission:Permission"
	lambdaLogType    = "aws:cloudwatch/logGroup:LogGroup"
	lambdaRoleType   = "aws:iam/role:Role"
	lambdaPolicyType = "aws:iam/rolePolicy:RolePolicy"
	lambdaPairComp   = "sgraph-send:lambdapair:Pair"
	lambdaFnComp     = "sgraph-send:lambdapair:Function"
)

var (
	lambdaURLPattern = regexp.MustCompile(`^https://[a-z0-9]{32}\.lambda-url\.eu-west-2\.on\.aws/$`)
	digestPattern    = regexp.MustCompile(`@sha256:[a-f0-9]{64}$`)
)

// lambdaOn switches the lambda target on for a run (alone, so the test sees
// only its resources), with the image built as the stack file says, plus extra settings.
func lambdaOn(stack string, set map[string]string) bench.Options {
	s := map[string]string{"targets": `["lambda"]`}
	for k, v := range set {
		s[k] = v
	}
	return bench.Options{Stack: stack, Set: s}
}

type iamDoc struct {
	Statement []struct {
		Effect    string
		Principal map[string]string
		Action    []string
		Resource  []string
	}
}

func TestLambdaPair(t *testing.T) {
	cases := []struct {
		stack            string
		memory, timeout  float64
		adminReserved    float64
		publicReserved   float64
		logRetentionDays float64
	}{
		{stack: "dev", memory: 1024, timeout: 30, adminReserved: -1, publicReserved: 10, logRetentionDays: 7},
		{stack: "prod", memory: 2048, timeout: 60, adminReserved: 10, publicReserved: 100, logRetentionDays: 90},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, lambdaOn(tc.stack, nil))
			pair := r.Find(lambdaPairComp, "sgraph-send-"+tc.stack+"-lambda")
			require.NotNil(t, pair, "the pair component")
			imageRef, ok := r.Output(outputs.ImageRef)
			require.True(t, ok)
			bucketName, _ := r.Output(outputs.BucketName)
			bucketArn, _ := r.Output(outputs.BucketArn)

			fns := r.OfType(lambdaFnType)
			require.Len(t, fns, 2, "admin and public")
			for _, role := range []struct {
				suffix, mode, auth, outURL, outName string
				reserved                            float64
			}{
				{"admin", "admin", "AWS_IAM", outputs.LambdaAdminURL, outputs.LambdaAdminFunctionName, tc.adminReserved},
				{"public", "user", "NONE", outputs.LambdaPublicURL, outputs.LambdaPublicFunctionName, tc.publicReserved},
			} {
				t.Run(role.suffix, func(t *testing.T) {
					name := "sgraph-send-" + tc.stack + "-" + role.suffix
					fn := r.Find(lambdaFnType, name)
					require.NotNil(t, fn)
					assert.Equal(t, lambdaFnComp, fn.ParentType())
					assert.NotNil(t, r.Ancestor(fn, lambdaPairComp), "inside the pair")
					assert.Equal(t, name, fn.Str("name"))

					// Image: the shared image, by digest.
					assert.Equal(t, "Image", fn.Str("packageType"))
					assert.Equal(t, imageRef.Value, fn.Str("imageUri"))
					assert.Regexp(t, digestPattern, fn.Str("imageUri"), "never a mutable tag")
					assert.Equal(t, []any{"x86_64"}, fn.Plain("architectures"))
					assert.Equal(t, tc.memory, fn.Plain("memorySize"))
					assert.Equal(t, tc.timeout, fn.Plain("timeout"))
					assert.Equal(t, role.reserved, fn.Plain("reservedConcurrentExecutions"))

					// Environment: the right entry point, s3 storage, adapter settings.
					env := func(k string) string { return fn.Str("environment.variables." + k) }
					assert.Equal(t, role.mode, env("SGRAPH_SEND_APP"))
					assert.Equal(t, "s3", env("SEND__STORAGE_MODE"))
					assert.Equal(t, bucketName.Value, env("SEND__S3_BUCKET"))
					assert.Equal(t, "8080", env("AWS_LWA_PORT"))
					assert.Equal(t, "8080", env("PORT"), "uvicorn and the adapter agree")
					assert.Equal(t, "/info/health", env("AWS_LWA_READINESS_CHECK_PATH"))
					assert.False(t, fn.IsSecret("environment.variables.SEND__S3_BUCKET"), "plain values stay readable")
					secretVar, otherVar, secret := "SGRAPH_SEND__ACCESS_TOKEN", "FAST_API__AUTH__API_KEY__VALUE", bench.TestSecrets["uploadToken"]
					if role.suffix == "admin" {
						secretVar, otherVar, secret = otherVar, secretVar, bench.TestSecrets["adminApiKey"]
						assert.Equal(t, "x-api-key", env("FAST_API__AUTH__API_KEY__NAME"))
					} else {
						assert.Empty(t, env("FAST_API__AUTH__API_KEY__NAME"))
					}
					// The secret is not in the environment (lambda:GetFunctionConfiguration
					// shows it): an SSM SecureString the entry point reads at start.
					for _, v := range []string{secretVar, otherVar} {
						_, has := fn.Get("environment.variables." + v)
						assert.False(t, has, "%s is not in the environment", v)
					}
					param := lambdapair.ParameterName(name, secretVar)
					assert.JSONEq(t, `{"`+secretVar+`":"`+param+`"}`, env(lambdapair.SSMParametersEnv))
					var stored *bench.Resource
					for _, p := range r.OfType("aws:ssm/parameter:Parameter") {
						if p.Str("name") == param {
							stored = p
						}
					}
					require.NotNil(t, stored, "parameter %s", param)
					assert.Equal(t, "SecureString", stored.Str("type"))
					assert.True(t, stored.IsSecret("value"), "the value stays a Pulumi secret")
					assert.Equal(t, secret, stored.Str("value"))
					paramArn := stored.State["arn"].StringValue()

					// Function URL: auth type, no CORS block (the app sends CORS).
					urls := r.OfType(lambdaURLType)
					var url *bench.Resource
					for _, u := range urls {
						if u.Str("functionName") == name {
							url = u
						}
					}
					require.NotNil(t, url)
					assert.Equal(t, role.auth, url.Str("authorizationType"))
					_, hasCors := url.Get("cors")
					assert.False(t, hasCors, "CORS lives in the app only")

					// Permissions.
					var perms []*bench.Resource
					for _, p := range r.OfType(lambdaPermType) {
						if p.Str("function") == name {
							perms = append(perms, p)
						}
					}
					if role.auth == "NONE" {
						require.Len(t, perms, 2, "both statements AWS requires for a NONE URL")
						got := map[string]string{}
						for _, p := range perms {
							assert.Equal(t, "*", p.Str("principal"))
							got[p.Str("action")] = p.Str("functionUrlAuthType")
						}
						assert.Equal(t, map[string]string{"lambda:InvokeFunctionUrl": "NONE", "lambda:InvokeFunction": ""}, got)
					} else {
						for _, p := range perms {
							assert.NotEqual(t, "*", p.Str("principal"), "admin has no public permission: %s", p.Name)
						}
						assert.Empty(t, perms, "no invokers configured: no grants")
					}

					// Log group: ours, with retention, created first.
					lg := r.Find(lambdaLogType, name)
					require.NotNil(t, lg)
					assert.Equal(t, "/aws/lambda/"+name, lg.Str("name"))
					assert.Equal(t, tc.logRetentionDays, lg.Plain("retentionInDays"))
					assert.Equal(t, "/aws/lambda/"+name, fn.Str("loggingConfig.logGroup"))
					assert.True(t, r.DependsOn(fn, lg), "function depends on its log group")

					// Execution role: trusted by Lambda only; least privilege.
					role_ := r.Find(lambdaRoleType, name)
					require.NotNil(t, role_)
					assert.Equal(t, role_.State["arn"].StringValue(), fn.Str("role"))
					var trust iamDoc
					require.NoError(t, json.Unmarshal([]byte(role_.Str("assumeRolePolicy")), &trust))
					require.Len(t, trust.Statement, 1)
					assert.Equal(t, map[string]string{"Service": "lambda.amazonaws.com"}, trust.Statement[0].Principal)
					assert.Equal(t, []string{"sts:AssumeRole"}, trust.Statement[0].Action)
					rp := r.Find(lambdaPolicyType, name)
					require.NotNil(t, rp)
					assert.Equal(t, role_.ID, rp.Str("role"))
					assert.True(t, r.DependsOn(fn, rp), "the policy is in place before the first call")
					var doc iamDoc
					require.NoError(t, json.Unmarshal([]byte(rp.Str("policy")), &doc))
					grants := map[string][]string{}
					for _, st := range doc.Statement {
						assert.Equal(t, "Allow", st.Effect)
						for _, a := range st.Action {
							assert.NotContains(t, a, "*")
							grants[a] = st.Resource
						}
					}
					lgArn := lg.State["arn"].StringValue()
					arn := bucketArn.Value.(string)
					want := map[string][]string{
						"logs:CreateLogStream": {lgArn + ":*"},
						"logs:PutLogEvents":    {lgArn + ":*"},
						"s3:GetObject":         {arn + "/*"},
						"s3:PutObject":         {arn + "/*"},
						"s3:ListBucket":        {arn},
						"ssm:GetParameters":    {paramArn},
					}
					if role.auth == "AWS_IAM" {
						// The admin API's s3 calls are not recorded yet (internal/iamcheck).
						want["s3:DeleteObject"] = []string{arn + "/*"}
					}
					assert.Equal(t, want, grants, "own log streams, bucket objects and secret parameter, nothing else")

					// Outputs.
					u, ok := r.Output(role.outURL)
					require.True(t, ok, "%s exported", role.outURL)
					assert.Regexp(t, lambdaURLPattern, u.Value)
					assert.Equal(t, url.State["functionUrl"].StringValue(), u.Value)
					n, ok := r.Output(role.outName)
					require.True(t, ok)
					assert.Equal(t, name, n.Value)
				})
			}
			assert.NotEqual(t, r.Find(lambdaURLType, "sgraph-send-"+tc.stack+"-admin").State["urlId"],
				r.Find(lambdaURLType, "sgraph-send-"+tc.stack+"-public").State["urlId"], "distinct URLs")

			for _, f := range policy.Failed(policy.Evaluate(r)) {
				t.Errorf("policy %s on %s: %s", f.Rule, f.Resource, f.Message)
			}
		})
	}
}

func TestLambdaAdminInvokers(t *testing.T) {
	invokers := []string{"arn:aws:iam::123456789012:role/ci-deploy", "arn:aws:iam::210987654321:root"}
	raw, _ := json.Marshal(invokers)
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, lambdaOn(stack, map[string]string{"lambdaAdminInvokers": string(raw)}))
			admin := "sgraph-send-" + stack + "-admin"
			got := map[string][]string{}
			for _, p := range r.OfType(lambdaPermType) {
				if p.Str("function") != admin {
					continue
				}
				action := p.Str("action")
				if action == "lambda:InvokeFunctionUrl" {
					assert.Equal(t, "AWS_IAM", p.Str("functionUrlAuthType"))
				}
				got[p.Str("principal")] = append(got[p.Str("principal")], action)
			}
			for _, arn := range invokers {
				assert.ElementsMatch(t, []string{"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}, got[arn], arn)
			}
			assert.Len(t, got, len(invokers), "only the listed principals")
			assert.Empty(t, policy.Failed(policy.Evaluate(r)))
		})
	}
}

func TestLambdaBadConfig(t *testing.T) {
	cases := []struct {
		name, key, value string
	}{
		{"memory too small", "lambdaMemoryMb", "64"},
		{"memory too large", "lambdaMemoryMb", "20000"},
		{"timeout zero", "lambdaTimeoutSeconds", "0"},
		{"timeout too long", "lambdaTimeoutSeconds", "1000"},
		{"arm64 while the image is amd64", "lambdaArchitecture", "arm64"},
		{"unknown architecture", "lambdaArchitecture", "x86"},
		{"invoker not an ARN", "lambdaAdminInvokers", `["ci-role"]`},
		{"invoker not IAM", "lambdaAdminInvokers", `["arn:aws:s3:::bucket"]`},
		{"invoker listed twice", "lambdaAdminInvokers", `["arn:aws:iam::123456789012:role/ci","arn:aws:iam::123456789012:role/ci"]`},
		{"admin reserved concurrency negative", "lambdaAdminReservedConcurrency", "-5"},
		{"public reserved concurrency negative", "lambdaPublicReservedConcurrency", "-5"},
		{"public reserved concurrency too high", "lambdaPublicReservedConcurrency", "5000"},
	}
	for _, stack := range bench.Stacks {
		for _, tc := range cases {
			t.Run(stack+"/"+tc.name, func(t *testing.T) {
				ce, r := configErr(t, lambdaOn(stack, map[string]string{tc.key: tc.value}))
				assert.Equal(t, []string{"sgraph-send:" + tc.key}, ce.Keys())
				if tc.key == "lambdaArchitecture" && tc.value == "arm64" {
					assert.Contains(t, ce.Error(), "linux/amd64", "says why")
				}
				require.NotNil(t, r)
				assert.Empty(t, r.Resources, "nothing registered")
			})
		}
	}
}

// The targets deploy in parallel: nothing of the Lambda pair may wait for
// Fargate, EC2 or Cloud Run resources. Runs with every target the program knows.
func TestLambdaIndependentOfOtherTargets(t *testing.T) {
	others := []string{"fargate", "ec2", "cloudrun"}
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			raw, err := json.Marshal(append([]string{"lambda"}, others...))
			require.NoError(t, err)
			r := bench.MustRun(t, lambdaOn(stack, map[string]string{"targets": string(raw)}))
			pair := r.Find(lambdaPairComp, "sgraph-send-"+stack+"-lambda")
			require.NotNil(t, pair)
			mine := append(r.Descendants(pair), pair)
			foreign := func(res *bench.Resource) bool {
				for _, prefix := range []string{"sgraph-send:fargate:", "sgraph-send:ec2:", "sgraph-send:cloudrun:",
					"aws:ecs/", "aws:ec2/", "aws:lb/", "aws:autoscaling/", "aws:imagebuilder/", "gcp:"} {
					if strings.HasPrefix(res.Type, prefix) {
						return true
					}
				}
				for _, comp := range []string{"sgraph-send:fargate:", "sgraph-send:ec2:", "sgraph-send:cloudrun:"} {
					for p := r.ByURN(res.ParentURN); p != nil; p = r.ByURN(p.ParentURN) {
						if strings.HasPrefix(p.Type, comp) {
							return true
						}
					}
				}
				return false
			}
			checked := 0
			for _, other := range r.Resources {
				if !foreign(other) {
					continue
				}
				checked++
				for _, m := range mine {
					assert.False(t, r.DependsOn(m, other), "%s must not depend on %s", m, other)
				}
			}
			t.Logf("checked %d lambda resources against %d resources of other targets", len(mine), checked)
		})
	}
}

// An operator's prebuilt image (digest form) runs as given, nothing is built.
func TestLambdaPrebuiltImage(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, lambdaOn(stack, map[string]string{"prebuiltImage": bench.PrebuiltImage}))
			fns := r.OfType(lambdaFnType)
			require.Len(t, fns, 2)
			for _, fn := range fns {
				assert.Equal(t, bench.PrebuiltImage, fn.Str("imageUri"), fn.Name)
			}
		})
	}
}

// The app moves fast: a changed port or health path reaches uvicorn and the
// Lambda Web Adapter together.
func TestLambdaFollowsAppContract(t *testing.T) {
	r := bench.MustRun(t, lambdaOn("dev", map[string]string{"appContract": `{"port": 9000, "healthPath": "/healthz"}`}))
	for _, fn := range r.OfType(lambdaFnType) {
		assert.Equal(t, "9000", fn.Str("environment.variables.PORT"), fn.Name)
		assert.Equal(t, "9000", fn.Str("environment.variables.AWS_LWA_PORT"), fn.Name)
		assert.Equal(t, "/healthz", fn.Str("environment.variables.AWS_LWA_READINESS_CHECK_PATH"), fn.Name)
	}
}
