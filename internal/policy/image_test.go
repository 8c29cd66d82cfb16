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

// imageRunFor runs a stack with the given targets on, so the image is built.
func imageRunFor(t *testing.T, stack, targets string) *bench.Result {
	t.Helper()
	return bench.MustRun(t, bench.Options{Stack: stack, Set: map[string]string{"targets": targets}})
}

func firstOf(t *testing.T, r *bench.Result, token string) *bench.Resource {
	t.Helper()
	rs := r.OfType(token)
	require.NotEmpty(t, rs, "no %s in the run", token)
	return rs[0]
}

func failedOn(r *bench.Result, rule policy.Rule) []policy.Finding {
	return policy.Failed(policy.Evaluate(r, rule))
}

func TestImageRulesPassOnRealStacks(t *testing.T) {
	for _, stack := range bench.Stacks {
		r := imageRunFor(t, stack, `["lambda", "fargate", "cloudrun"]`)
		for _, rule := range []policy.Rule{policy.ImageByDigest, policy.EcrRepositorySafety, policy.ArtifactRegistrySafety} {
			fs := policy.Evaluate(r, rule)
			assert.Empty(t, policy.Failed(fs), "%s on %s", rule.Name, stack)
			assert.NotEqual(t, "nothing to check in this stack", fs[0].Message, "%s must look at something in %s", rule.Name, stack)
		}
	}
}

func TestImageRulesCatchViolations(t *testing.T) {
	const tagged = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send:latest"
	cases := []struct {
		name    string
		stack   string
		targets string
		rule    policy.Rule
		break_  func(t *testing.T, r *bench.Result)
		want    string
	}{
		{"lambda runs a tag", "dev", `["lambda"]`, policy.ImageByDigest, func(t *testing.T, r *bench.Result) {
			firstOf(t, r, "aws:lambda/function:Function").Inputs["imageUri"] = resource.NewProperty(tagged)
		}, "not in digest form"},
		{"ecs task runs a tag", "dev", `["fargate"]`, policy.ImageByDigest, func(t *testing.T, r *bench.Result) {
			td := firstOf(t, r, "aws:ecs/taskDefinition:TaskDefinition")
			defs := td.Str("containerDefinitions")
			require.Contains(t, defs, "@sha256:")
			i := strings.Index(defs, `"image":"`)
			require.GreaterOrEqual(t, i, 0, defs)
			end := strings.Index(defs[i+9:], `"`)
			td.Inputs["containerDefinitions"] = resource.NewProperty(defs[:i+9] + tagged + defs[i+9+end:])
		}, "not in digest form"},
		{"cloud run runs a tag", "dev", `["cloudrun"]`, policy.ImageByDigest, func(t *testing.T, r *bench.Result) {
			svc := firstOf(t, r, "gcp:cloudrunv2/service:Service")
			c := svc.Inputs["template"].ObjectValue()["containers"].ArrayValue()[0].ObjectValue()
			c["image"] = resource.NewProperty("europe-west2-docker.pkg.dev/p/r/sgraph-send:0.27.6")
		}, "not in digest form"},
		{"no scan on push", "dev", `["lambda"]`, policy.EcrRepositorySafety, func(t *testing.T, r *bench.Result) {
			firstOf(t, r, "aws:ecr/repository:Repository").Inputs["imageScanningConfiguration"] =
				resource.NewObjectProperty(resource.PropertyMap{"scanOnPush": resource.NewProperty(false)})
		}, "scanOnPush"},
		{"no lifecycle policy", "dev", `["lambda"]`, policy.EcrRepositorySafety, func(t *testing.T, r *bench.Result) {
			var kept []*bench.Resource
			for _, res := range r.Resources {
				if res.Type != "aws:ecr/lifecyclePolicy:LifecyclePolicy" {
					kept = append(kept, res)
				}
			}
			r.Resources = kept
		}, "no lifecycle policy"},
		{"prod tags mutable", "prod", `["lambda"]`, policy.EcrRepositorySafety, func(t *testing.T, r *bench.Result) {
			firstOf(t, r, "aws:ecr/repository:Repository").Inputs["imageTagMutability"] = resource.NewProperty("MUTABLE")
		}, "want IMMUTABLE"},
		{"prod force delete", "prod", `["lambda"]`, policy.EcrRepositorySafety, func(t *testing.T, r *bench.Result) {
			firstOf(t, r, "aws:ecr/repository:Repository").Inputs["forceDelete"] = resource.NewProperty(true)
		}, "must not set forceDelete"},
		{"dev blocks destroy", "dev", `["lambda"]`, policy.EcrRepositorySafety, func(t *testing.T, r *bench.Result) {
			firstOf(t, r, "aws:ecr/repository:Repository").Inputs["forceDelete"] = resource.NewProperty(false)
		}, "must set forceDelete"},
		{"artifact registry without cleanup", "dev", `["cloudrun"]`, policy.ArtifactRegistrySafety, func(t *testing.T, r *bench.Result) {
			delete(firstOf(t, r, "gcp:artifactregistry/repository:Repository").Inputs, "cleanupPolicies")
		}, "no KEEP cleanup policy"},
		{"prod artifact registry mutable", "prod", `["cloudrun"]`, policy.ArtifactRegistrySafety, func(t *testing.T, r *bench.Result) {
			firstOf(t, r, "gcp:artifactregistry/repository:Repository").Inputs["dockerConfig"] =
				resource.NewObjectProperty(resource.PropertyMap{"immutableTags": resource.NewProperty(false)})
		}, "immutableTags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := imageRunFor(t, tc.stack, tc.targets)
			require.Empty(t, failedOn(r, tc.rule), "the unbroken run must pass")
			tc.break_(t, r)
			failed := failedOn(r, tc.rule)
			require.NotEmpty(t, failed, "rule %s missed: %s", tc.rule.Name, tc.name)
			assert.Contains(t, failed[0].Message, tc.want)
		})
	}
}

// Every type the image stage registers is classified for the tagging rule,
// and the repositories carry the stack's tags / labels.
func TestImageResourcesTagged(t *testing.T) {
	r := imageRunFor(t, "prod", `["cloudrun"]`)
	for _, f := range policy.Failed(policy.Evaluate(r, policy.Tagging)) {
		t.Errorf("%s: %s", f.Resource, f.Message)
	}
}
