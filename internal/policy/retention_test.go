package policy_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

// TestProdDestroyKeepsDataOnRecordedGraph: on prod's recorded graph every
// resource that holds or guards data is protect + retainOnDelete (so destroy
// never deletes them nor stops half-way on a non-empty registry); on dev's,
// nothing is protected or retained.
func TestProdDestroyKeepsDataOnRecordedGraph(t *testing.T) {
	prod := bench.MustRun(t, bench.Options{Stack: "prod"})
	kept := map[string]int{}
	for _, res := range prod.Resources {
		if res.Protect && res.RetainOnDelete {
			kept[res.Type]++
		}
	}
	for _, token := range []string{
		"aws:s3/bucketV2:BucketV2",
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
		"aws:s3/bucketPolicy:BucketPolicy",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls",
		"aws:s3/bucketVersioningV2:BucketVersioningV2",
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
		"aws:ecr/repository:Repository",
		"aws:ecr/lifecyclePolicy:LifecyclePolicy",
		"gcp:artifactregistry/repository:Repository",
		"gcp:storage/bucket:Bucket",
		"aws:sns/topic:Topic",
		"aws:sns/topicPolicy:TopicPolicy",
		"aws:budgets/budget:Budget",
	} {
		assert.Equal(t, len(prod.OfType(token)), kept[token], "%s: every one retained", token)
		assert.NotZero(t, kept[token], token)
	}
	// Lambda (2), Fargate (1) and EC2 (1) log groups.
	assert.Equal(t, 4, kept["aws:cloudwatch/logGroup:LogGroup"])
	assert.Empty(t, policy.Failed(policy.Evaluate(prod, policy.DestroyKeepsProdData)))

	dev := bench.MustRun(t, bench.Options{Stack: "dev"})
	for _, res := range dev.Resources {
		assert.False(t, res.Protect || res.RetainOnDelete, "dev %s must be destroyable", res)
	}
	assert.Empty(t, policy.Failed(policy.Evaluate(dev, policy.DestroyKeepsProdData)))
}

func TestSecurityRulesCatchViolations(t *testing.T) {
	cases := []struct {
		name   string
		stack  string
		rule   policy.Rule
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"prod ECR repository deleted on destroy", "prod", policy.DestroyKeepsProdData, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:ecr/repository:Repository").RetainOnDelete = false
		}},
		{"prod public access block unprotected", "prod", policy.DestroyKeepsProdData, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Protect = false
		}},
		{"prod log group deleted", "prod", policy.DestroyKeepsProdData, func(t *testing.T, r *bench.Result) {
			r.OfType("aws:cloudwatch/logGroup:LogGroup")[0].RetainOnDelete = false
		}},
		{"prod alert topic deleted on destroy", "prod", policy.DestroyKeepsProdData, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:sns/topic:Topic").RetainOnDelete = false
		}},
		{"prod budget unprotected", "prod", policy.DestroyKeepsProdData, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:budgets/budget:Budget").Protect = false
		}},
		{"dev bucket retained", "dev", policy.DestroyKeepsProdData, func(t *testing.T, r *bench.Result) {
			r.One(t, "aws:s3/bucketV2:BucketV2").RetainOnDelete = true
		}},
		{"dev public function uncapped", "dev", policy.LambdaPublicCapped, func(t *testing.T, r *bench.Result) {
			for _, fn := range r.OfType("aws:lambda/function:Function") {
				delete(fn.Inputs, "reservedConcurrentExecutions")
			}
		}},
		{"prod public function unreserved", "prod", policy.LambdaPublicCapped, func(t *testing.T, r *bench.Result) {
			for _, fn := range r.OfType("aws:lambda/function:Function") {
				fn.Inputs["reservedConcurrentExecutions"] = resource.NewProperty(-1.0)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack})
			require.Empty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "passes before it is broken")
			tc.break_(t, r)
			assert.NotEmpty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "catches it")
		})
	}
}
