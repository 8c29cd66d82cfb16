package stacks_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const (
	bucketType     = "aws:s3/bucketV2:BucketV2"
	bucketComp     = "sgraph-send:storage:Bucket"
	versioningType = "aws:s3/bucketVersioningV2:BucketVersioningV2"
)

func TestStorageBucketPerEnvironment(t *testing.T) {
	cases := []struct {
		stack     string
		protected bool
	}{
		{"dev", false},
		{"prod", true},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack})
			buckets := r.OfType(bucketType)
			require.Len(t, buckets, 1, "one bucket per environment")
			b := buckets[0]
			assert.Equal(t, bucketComp, b.ParentType(), "bucket lives inside the storage component")
			assert.Equal(t, "sgraph-send-"+tc.stack+"-storage", b.Name)
			assert.Equal(t, tc.protected, b.Protect, "protect")
			assert.Equal(t, tc.protected, b.RetainOnDelete, "retainOnDelete")
			assert.Equal(t, !tc.protected, b.Plain("forceDestroy"), "forceDestroy only where destroy must finish")
			assert.Equal(t, tc.stack, b.Str("tags.stack"))

			versioning := r.OfType(versioningType)
			if tc.protected {
				require.Len(t, versioning, 1)
				assert.Equal(t, "Enabled", versioning[0].Str("versioningConfiguration.status"))
			} else {
				assert.Empty(t, versioning, "dev does not pay for old versions")
			}
			for _, c := range r.Descendants(r.Find(bucketComp, b.Name)) {
				if c.Type != bucketType {
					assert.Equal(t, b.ID, c.Str("bucket"), "%s attaches to the bucket", c)
					// Its guard rails survive destroy with it (issue 13).
					assert.Equal(t, tc.protected, c.Protect && c.RetainOnDelete, "%s: kept exactly when the bucket is", c)
				}
			}
			pab := r.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
			require.Len(t, pab, 1)
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				assert.Equal(t, true, pab[0].Plain(k), k)
			}
			sse := r.OfType("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
			require.Len(t, sse, 1)
			assert.Equal(t, "AES256", sse[0].Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
			pol := r.OfType("aws:s3/bucketPolicy:BucketPolicy")
			require.Len(t, pol, 1)
			assert.Contains(t, pol[0].Str("policy"), `"aws:SecureTransport":"false"`)
			assert.Contains(t, pol[0].Str("policy"), b.State["arn"].StringValue()+"/*")
			assert.True(t, r.DependsOn(pol[0], pab[0]), "policy waits for the public access block")

			name, _ := r.Output(outputs.BucketName)
			arn, _ := r.Output(outputs.BucketArn)
			assert.Equal(t, b.State["bucket"].StringValue(), name.Value)
			assert.Equal(t, "arn:aws:s3:::"+name.Value.(string), arn.Value)
		})
	}
}
