package policy_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const crServiceType = "gcp:cloudrunv2/service:Service"

// crStack runs a stack with the Cloud Run target on (prebuilt images, so
// no build is needed), each in the stack's own Artifact Registry repository as a
// release leaves it (prod-owns-its-images).
func crStack(t *testing.T, stack string) *bench.Result {
	t.Helper()
	own := "sgraph-send-" + stack
	return bench.MustRun(t, bench.Options{Stack: stack, Set: map[string]string{
		"targets":          `["cloudrun"]`,
		"prebuiltImage":    bench.PrebuiltImage,
		"prebuiltGcpImage": "europe-west2-docker.pkg.dev/" + own + "/" + own + "/sgraph-send@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}})
}

// crObject returns the object at key of m, unwrapping secrets and outputs.
func crObject(t *testing.T, m resource.PropertyMap, key string) resource.PropertyMap {
	t.Helper()
	v := bench.Unsecret(m[resource.PropertyKey(key)])
	require.True(t, v.IsObject(), "%s is an object", key)
	return v.ObjectValue()
}

func crContainer(t *testing.T, r *bench.Result) resource.PropertyMap {
	t.Helper()
	svcs := r.OfType(crServiceType)
	require.Len(t, svcs, 1)
	cs := bench.Unsecret(crObject(t, svcs[0].Inputs, "template")["containers"])
	require.True(t, cs.IsArray())
	return bench.Unsecret(cs.ArrayValue()[0]).ObjectValue()
}

func crAddEnv(t *testing.T, r *bench.Result, env map[string]any) {
	c := crContainer(t, r)
	envs := bench.Unsecret(c["envs"]).ArrayValue()
	c["envs"] = resource.NewArrayProperty(append(envs, resource.NewObjectProperty(resource.NewPropertyMapFromMap(env))))
}

func TestCloudRunRulesCatchViolations(t *testing.T) {
	secret := bench.TestSecrets["uploadToken"]
	cases := []struct {
		name   string
		stack  string
		rule   policy.Rule
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"warm instance in dev", "dev", policy.CloudRunScaleToZeroInDev, func(t *testing.T, r *bench.Result) {
			crObject(t, crObject(t, r.OfType(crServiceType)[0].Inputs, "template"), "scaling")["minInstanceCount"] = resource.NewProperty(1.0)
		}},
		{"token inline under its own name", "dev", policy.CloudRunSecretsByReference, func(t *testing.T, r *bench.Result) {
			crAddEnv(t, r, map[string]any{"name": "SGRAPH_SEND__ACCESS_TOKEN", "value": "abc"})
		}},
		{"secret value under an innocent name", "prod", policy.CloudRunSecretsByReference, func(t *testing.T, r *bench.Result) {
			crAddEnv(t, r, map[string]any{"name": "GREETING", "value": "hello " + secret})
		}},
		{"pulumi secret inlined as env value", "dev", policy.CloudRunSecretsByReference, func(t *testing.T, r *bench.Result) {
			c := crContainer(t, r)
			envs := bench.Unsecret(c["envs"]).ArrayValue()
			c["envs"] = resource.NewArrayProperty(append(envs, resource.NewObjectProperty(resource.PropertyMap{
				"name":  resource.NewProperty("X"),
				"value": resource.MakeSecret(resource.NewProperty("whatever")),
			})))
		}},
		{"default compute service account", "dev", policy.CloudRunLeastPrivilege, func(t *testing.T, r *bench.Result) {
			crObject(t, r.OfType(crServiceType)[0].Inputs, "template")["serviceAccount"] = resource.NewProperty("123456789-compute@developer.gserviceaccount.com")
		}},
		{"project-level role for the service account", "dev", policy.CloudRunLeastPrivilege, func(t *testing.T, r *bench.Result) {
			email := r.OfType("gcp:serviceaccount/account:Account")[0].State["email"].StringValue()
			r.Resources = append(r.Resources, &bench.Resource{Type: "gcp:projects/iAMMember:IAMMember", Name: "editor", Custom: true,
				Inputs: resource.NewPropertyMapFromMap(map[string]any{"project": "sgraph-send-dev", "role": "roles/editor", "member": "serviceAccount:" + email})})
		}},
		{"accessor widened to admin", "prod", policy.CloudRunLeastPrivilege, func(t *testing.T, r *bench.Result) {
			r.OfType("gcp:secretmanager/secretIamMember:SecretIamMember")[0].Inputs["role"] = resource.NewProperty("roles/secretmanager.admin")
		}},
		{"allUsers while not public", "dev", policy.CloudRunLeastPrivilege, func(t *testing.T, r *bench.Result) {
			r.Outputs[outputs.CloudRunPublic] = bench.Value{Value: false, Known: true}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := crStack(t, tc.stack)
			require.Empty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "the real stack passes before the change")
			tc.break_(t, r)
			assert.NotEmpty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "%s must fail", tc.rule.Name)
		})
	}
}

// Prod may keep instances warm; the rule only binds dev.
func TestCloudRunWarmProdAllowed(t *testing.T) {
	r := crStack(t, "prod")
	crObject(t, crObject(t, r.OfType(crServiceType)[0].Inputs, "template"), "scaling")["minInstanceCount"] = resource.NewProperty(1.0)
	assert.Empty(t, policy.Failed(policy.Evaluate(r, policy.CloudRunScaleToZeroInDev)))
}

// Every rule passes on both real stacks with Cloud Run on.
func TestCloudRunStacksPassEveryPolicy(t *testing.T) {
	for _, stack := range bench.Stacks {
		r := crStack(t, stack)
		for _, f := range policy.Failed(policy.Evaluate(r)) {
			t.Errorf("%s: %s on %s: %s", stack, f.Rule, f.Resource, f.Message)
		}
	}
}
