package stacks_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	gcsBucketType = "gcp:storage/bucket:Bucket"
	gcsIAMType    = "gcp:storage/bucketIAMMember:BucketIAMMember"
)

// Both environments mount their own bucket; prod's survives destroy.
func TestCloudRunMountsItsBucket(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			prod := stack == "prod"
			r := bench.MustRun(t, bench.Options{Stack: stack, Set: cloudRunOn(nil)})
			b := r.One(t, gcsBucketType)
			assert.Equal(t, true, b.Plain("uniformBucketLevelAccess"))
			assert.Equal(t, "enforced", b.Str("publicAccessPrevention"))
			assert.Equal(t, true, b.Plain("versioning.enabled"))
			assert.Equal(t, "EUROPE-WEST2", b.Str("location"))
			assert.Equal(t, !prod, b.Plain("forceDestroy"), "forceDestroy only in dev")
			assert.Equal(t, prod, b.Protect, "protect only in prod")
			assert.Equal(t, prod, b.RetainOnDelete, "retainOnDelete only in prod")
			bucket := b.State["name"].StringValue()

			svc := r.One(t, crServiceType)
			assert.Equal(t, "EXECUTION_ENVIRONMENT_GEN2", svc.Str("template.executionEnvironment"))
			assert.Equal(t, "transfers", svc.Str("template.volumes[0].name"))
			assert.Equal(t, bucket, svc.Str("template.volumes[0].gcs.bucket"))
			assert.Equal(t, false, svc.Plain("template.volumes[0].gcs.readOnly"))
			assert.Equal(t, "transfers", svc.Str("template.containers[0].volumeMounts[0].name"))
			assert.Equal(t, "/mnt/sgraph-send", svc.Str("template.containers[0].volumeMounts[0].mountPath"))

			// Object access on that bucket only, for the service's own account.
			grant := r.One(t, gcsIAMType)
			assert.Equal(t, bucket, grant.Str("bucket"))
			assert.Equal(t, "roles/storage.objectUser", grant.Str("role"))
			email := svc.Str("template.serviceAccount")
			assert.Equal(t, "serviceAccount:"+email, grant.Str("member"))
			assert.Empty(t, r.OfType("gcp:projects/iAMMember:IAMMember"), "no project-level role")
			assert.Empty(t, policy.Failed(policy.Evaluate(r)))
		})
	}
}

// memory and disk stay possible in dev, mount nothing, and prod refuses them
// through the durable-storage policy.
func TestCloudRunEphemeralStorage(t *testing.T) {
	for _, mode := range []string{"memory", "disk"} {
		t.Run(mode, func(t *testing.T) {
			dev := bench.MustRun(t, bench.Options{Stack: "dev", Set: cloudRunOn(map[string]string{"cloudRunStorageMode": mode})})
			assert.Empty(t, dev.OfType(gcsBucketType))
			assert.Nil(t, dev.One(t, crServiceType).Plain("template.volumes"))
			assert.Empty(t, policy.Failed(policy.Evaluate(dev, policy.DurableStorageInProd)))

			prod := bench.MustRun(t, bench.Options{Stack: "prod", Set: cloudRunOn(map[string]string{"cloudRunStorageMode": mode})})
			failed := policy.Failed(policy.Evaluate(prod, policy.DurableStorageInProd))
			require.Len(t, failed, 1, "prod Cloud Run with %s storage", mode)
			assert.Contains(t, failed[0].Resource, crServiceType)
		})
	}
}
