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

// Every real stack passes every rule.
func TestRealStacksPassEveryPolicy(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack})
			fs := policy.Evaluate(r)
			require.NotEmpty(t, fs)
			for _, f := range policy.Failed(fs) {
				t.Errorf("%s on %s: %s", f.Rule, f.Resource, f.Message)
			}
		})
	}
}

// Each rule must catch the violation it exists for.
func TestRulesCatchViolations(t *testing.T) {
	secret := bench.TestSecrets["uploadToken"]
	cases := []struct {
		name   string
		stack  string
		rule   policy.Rule
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"untagged bucket", "dev", policy.Tagging, func(t *testing.T, r *bench.Result) {
			delete(r.One(t, "aws:s3/bucketV2:BucketV2").Inputs, "tags")
		}},
		{"wrong environment tag", "prod", policy.Tagging, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketV2:BucketV2").Inputs["tags"].ObjectValue()["environment"] = resource.NewProperty("dev")
		}},
		{"unclassified type", "dev", policy.Tagging, func(t *testing.T, r *bench.Result) {
			r.Resources = append(r.Resources, &bench.Resource{Type: "aws:sqs/queue:Queue", Name: "q", Custom: true, Inputs: resource.PropertyMap{}})
		}},
		{"prod bucket not protected", "prod", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketV2:BucketV2").Protect = false
		}},
		{"prod bucket not retained", "prod", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketV2:BucketV2").RetainOnDelete = false
		}},
		{"prod bucket unversioned", "prod", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool { return res.Type == "aws:s3/bucketVersioningV2:BucketVersioningV2" })
		}},
		{"dev bucket blocks destroy", "dev", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketV2:BucketV2").Inputs["forceDestroy"] = resource.NewProperty(false)
		}},
		{"public access allowed", "dev", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0].Inputs["blockPublicPolicy"] = resource.NewProperty(false)
		}},
		{"no encryption", "dev", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool {
				return res.Type == "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
			})
		}},
		{"plain http allowed", "dev", policy.StorageSafety, func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool { return res.Type == "aws:s3/bucketPolicy:BucketPolicy" })
		}},
		{"protected resource in dev", "dev", policy.DevDestroyable, func(t *testing.T, r *bench.Result) {
			r.OfType("aws:lambda/function:Function")[0].Protect = true
		}},
		{"dev registry keeps images on destroy", "dev", policy.DevDestroyable, func(t *testing.T, r *bench.Result) {
			r.OfType("aws:ecr/repository:Repository")[0].Inputs["forceDelete"] = resource.NewProperty(false)
		}},
		{"dev bucket keeps objects on destroy", "dev", policy.DevDestroyable, func(t *testing.T, r *bench.Result) {
			delete(r.One(t, "aws:s3/bucketV2:BucketV2").Inputs, "forceDestroy")
		}},
		{"secret in a plaintext input", "dev", policy.NoPlaintextSecrets, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketV2:BucketV2").Inputs["tags"].ObjectValue()["note"] = resource.NewProperty("token=" + secret)
		}},
		{"secret-named env var in plaintext", "dev", policy.NoPlaintextSecrets, func(t *testing.T, r *bench.Result) {
			r.Resources = append(r.Resources, &bench.Resource{Type: "aws:lambda/function:Function", Name: "f", Custom: true,
				Inputs: resource.NewPropertyMapFromMap(map[string]any{"environment": map[string]any{"variables": map[string]any{"SGRAPH_SEND__ACCESS_TOKEN": "abc"}}})})
		}},
		{"secret output in plaintext", "dev", policy.NoPlaintextSecrets, func(t *testing.T, r *bench.Result) {
			r.Outputs[outputs.UploadToken] = bench.Value{Value: secret, Known: true}
		}},
		{"secret leaked into another output", "dev", policy.NoPlaintextSecrets, func(t *testing.T, r *bench.Result) {
			r.Outputs["debug"] = bench.Value{Value: "uses " + secret, Known: true}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack})
			require.Empty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "the real stack passes before the change")
			tc.break_(t, r)
			assert.NotEmpty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "%s must fail", tc.rule.Name)
		})
	}
}

func TestSecretInputsMarkedSecretPass(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev"})
	r.Resources = append(r.Resources, &bench.Resource{Type: "aws:lambda/function:Function", Name: "f", Custom: true,
		Inputs: resource.PropertyMap{"environment": resource.NewObjectProperty(resource.PropertyMap{
			"variables": resource.NewObjectProperty(resource.PropertyMap{
				"SGRAPH_SEND__ACCESS_TOKEN": resource.MakeSecret(resource.NewProperty(bench.TestSecrets["uploadToken"])),
			})})}})
	assert.Empty(t, policy.Failed(policy.Evaluate(r, policy.NoPlaintextSecrets)))
}
