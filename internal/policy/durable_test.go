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

func setEnvInput(t *testing.T, res *bench.Resource, path []string, value resource.PropertyValue) {
	t.Helper()
	m := res.Inputs
	for _, k := range path[:len(path)-1] {
		v := bench.Unsecret(m[resource.PropertyKey(k)])
		require.True(t, v.IsObject(), "%s is an object", k)
		m = v.ObjectValue()
	}
	m[resource.PropertyKey(path[len(path)-1])] = value
}

// The real prod stack passes; each target stored in memory (or on disk
// without a durable mount) fails it.
func TestDurableStorageInProdCatchesEphemeralStorage(t *testing.T) {
	clean := bench.MustRun(t, bench.Options{Stack: "prod"})
	fs := policy.Evaluate(clean, policy.DurableStorageInProd)
	require.Empty(t, policy.Failed(fs))
	assert.Len(t, fs, 5, "two functions, a task definition, an instance and a Cloud Run service are checked: %v", fs)

	cases := []struct {
		name   string
		token  string
		break_ func(t *testing.T, res *bench.Resource)
	}{
		{"lambda in memory", "aws:lambda/function:Function", func(t *testing.T, res *bench.Resource) {
			setEnvInput(t, res, []string{"environment", "variables", "SEND__STORAGE_MODE"}, resource.NewProperty("memory"))
		}},
		{"fargate on local disk", "aws:ecs/taskDefinition:TaskDefinition", func(t *testing.T, res *bench.Resource) {
			doc := res.Str("containerDefinitions")
			doc = strings.Replace(doc, `"value":"s3"`, `"value":"disk"`, 1)
			require.Contains(t, doc, `"value":"disk"`)
			res.Inputs["containerDefinitions"] = resource.NewProperty(doc)
		}},
		{"ec2 in memory", "aws:ec2/instance:Instance", func(t *testing.T, res *bench.Resource) {
			ud := policy.InstanceUserData(res)
			require.Contains(t, ud, "SEND__STORAGE_MODE=s3")
			require.NoError(t, policy.SetInstanceUserData(res, strings.Replace(ud, "SEND__STORAGE_MODE=s3", "SEND__STORAGE_MODE=memory", 1)))
		}},
		{"cloud run without its volume", "gcp:cloudrunv2/service:Service", func(t *testing.T, res *bench.Resource) {
			setEnvInput(t, res, []string{"template", "volumes"}, resource.NewArrayProperty(nil))
		}},
		{"cloud run bucket mounted read-only", "gcp:cloudrunv2/service:Service", func(t *testing.T, res *bench.Resource) {
			vols := bench.Unsecret(bench.Unsecret(res.Inputs["template"]).ObjectValue()["volumes"]).ArrayValue()
			bench.Unsecret(vols[0]).ObjectValue()["gcs"].ObjectValue()["readOnly"] = resource.NewProperty(true)
		}},
		{"cloud run disk path outside the mount", "gcp:cloudrunv2/service:Service", func(t *testing.T, res *bench.Resource) {
			cs := bench.Unsecret(bench.Unsecret(res.Inputs["template"]).ObjectValue()["containers"]).ArrayValue()
			for _, e := range bench.Unsecret(bench.Unsecret(cs[0]).ObjectValue()["envs"]).ArrayValue() {
				if m := bench.Unsecret(e).ObjectValue(); m["name"].StringValue() == "SEND__DISK_PATH" {
					m["value"] = resource.NewProperty("/tmp/sgraph-send")
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: "prod"})
			res := r.OfType(tc.token)
			require.NotEmpty(t, res)
			tc.break_(t, res[0])
			failed := policy.Failed(policy.Evaluate(r, policy.DurableStorageInProd))
			require.Len(t, failed, 1)
			assert.Equal(t, res[0].String(), failed[0].Resource)
			assert.Contains(t, failed[0].Message, "prod:")
		})
	}
}

// The same ephemeral storage is allowed (and reported) in dev.
func TestDurableStorageAllowsEphemeralInDev(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"cloudRunStorageMode": "memory"}})
	fs := policy.Evaluate(r, policy.DurableStorageInProd)
	assert.Empty(t, policy.Failed(fs))
	found := false
	for _, f := range fs {
		found = found || strings.Contains(f.Message, "dev, allowed")
	}
	assert.True(t, found, "dev's memory storage is reported: %v", fs)
}

func TestLambdaJSONLogsCatchesText(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev"})
	fns := r.OfType("aws:lambda/function:Function")
	require.Len(t, fns, 2)
	for _, fn := range fns {
		assert.Equal(t, "JSON", fn.Str("loggingConfig.logFormat"))
		assert.Equal(t, "INFO", fn.Str("loggingConfig.applicationLogLevel"))
		assert.Equal(t, "INFO", fn.Str("loggingConfig.systemLogLevel"))
	}
	require.Empty(t, policy.Failed(policy.Evaluate(r, policy.LambdaJSONLogs)))
	setEnvInput(t, fns[0], []string{"loggingConfig", "logFormat"}, resource.NewProperty("Text"))
	delete(bench.Unsecret(fns[1].Inputs["loggingConfig"]).ObjectValue(), "systemLogLevel")
	assert.Len(t, policy.Failed(policy.Evaluate(r, policy.LambdaJSONLogs)), 2)
}

// A Cloud Run service account may hold objectUser on the bucket it mounts,
// and nothing on any other bucket.
func TestCloudRunLeastPrivilegeAllowsOnlyItsMountedBucket(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "prod"})
	require.Empty(t, policy.Failed(policy.Evaluate(r, policy.CloudRunLeastPrivilege)))
	grant := r.OfType("gcp:storage/bucketIAMMember:BucketIAMMember")
	require.Len(t, grant, 1)
	grant[0].Inputs["bucket"] = resource.NewProperty("someone-elses-bucket")
	assert.Len(t, policy.Failed(policy.Evaluate(r, policy.CloudRunLeastPrivilege)), 1)
	grant[0].Inputs["role"] = resource.NewProperty("roles/storage.admin")
	assert.Len(t, policy.Failed(policy.Evaluate(r, policy.CloudRunLeastPrivilege)), 1)
}

func TestGcsStorageSafetyCatchesViolations(t *testing.T) {
	cases := []struct {
		name, stack string
		break_      func(b *bench.Resource)
	}{
		{"public access allowed", "prod", func(b *bench.Resource) { b.Inputs["publicAccessPrevention"] = resource.NewProperty("inherited") }},
		{"object ACLs", "dev", func(b *bench.Resource) { b.Inputs["uniformBucketLevelAccess"] = resource.NewProperty(false) }},
		{"unversioned", "prod", func(b *bench.Resource) { delete(b.Inputs, "versioning") }},
		{"prod unprotected", "prod", func(b *bench.Resource) { b.Protect = false }},
		{"prod force-destroyed", "prod", func(b *bench.Resource) { b.Inputs["forceDestroy"] = resource.NewProperty(true) }},
		{"dev not force-destroyed", "dev", func(b *bench.Resource) { b.Inputs["forceDestroy"] = resource.NewProperty(false) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack})
			b := r.One(t, "gcp:storage/bucket:Bucket")
			require.Empty(t, policy.Failed(policy.Evaluate(r, policy.GcsStorageSafety)))
			tc.break_(b)
			assert.Len(t, policy.Failed(policy.Evaluate(r, policy.GcsStorageSafety)), 1)
		})
	}
}
