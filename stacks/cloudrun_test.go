package stacks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const (
	crServiceType  = "gcp:cloudrunv2/service:Service"
	crComponent    = "sgraph-send:cloudrun:Service"
	crInvokerType  = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
	crAPIType      = "gcp:projects/service:Service"
	crSecretType   = "gcp:secretmanager/secret:Secret"
	crVersionType  = "gcp:secretmanager/secretVersion:SecretVersion"
	crAccessorType = "gcp:secretmanager/secretIamMember:SecretIamMember"
	crAccountType  = "gcp:serviceaccount/account:Account"
)

// prebuiltGcpImage is a digest-form Artifact Registry reference for tests, in prod's
// own repository as a release leaves it (prod-owns-its-images).
const prebuiltGcpImage = "europe-west2-docker.pkg.dev/sgraph-send-prod/sgraph-send-prod/sgraph-send@sha256:" +
	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

// cloudRunOn switches the cloudrun target on for a run, with extra overrides.
// Keys not yet in the stack files' targets list are set here until they are.
func cloudRunOn(extra map[string]string) map[string]string {
	set := map[string]string{
		"targets":          `["cloudrun"]`,
		"prebuiltImage":    bench.PrebuiltImage,
		"prebuiltGcpImage": prebuiltGcpImage,
	}
	for k, v := range extra {
		set[k] = v
	}
	return set
}

// crEnvOf returns the container's env entries by name.
func crEnvOf(t *testing.T, svc *bench.Resource) map[string]map[string]any {
	t.Helper()
	envs, ok := svc.Plain("template.containers[0].envs").([]any)
	require.True(t, ok, "container has envs")
	out := map[string]map[string]any{}
	for _, e := range envs {
		m := e.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func TestCloudRunService(t *testing.T) {
	cases := []struct {
		stack     string
		cpu, mem  string
		max       float64
		protected bool
	}{
		{"dev", "1", "512Mi", 1, false},
		{"prod", "1", "2Gi", 3, true}, // durable storage lifts the one-instance pin
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack, Set: cloudRunOn(nil)})
			svc := r.One(t, crServiceType)
			name := "sgraph-send-" + tc.stack + "-cloudrun"
			assert.Equal(t, crComponent, svc.ParentType())
			assert.Equal(t, name, svc.Str("name"))
			assert.Equal(t, "europe-west2", svc.Str("location"))
			assert.Equal(t, "sgraph-send-"+tc.stack, svc.Str("project"), "project from gcp:project")
			assert.Equal(t, "INGRESS_TRAFFIC_ALL", svc.Str("ingress"))
			assert.Equal(t, tc.protected, svc.Protect, "deletion guard only in prod")

			// Scale to zero by default in both environments, capped.
			assert.Equal(t, 0.0, svc.Plain("template.scaling.minInstanceCount"))
			assert.Equal(t, tc.max, svc.Plain("template.scaling.maxInstanceCount"))

			c := "template.containers[0]."
			assert.Equal(t, prebuiltGcpImage, svc.Str(c+"image"), "the Artifact Registry copy")
			assert.Regexp(t, `@sha256:[a-f0-9]{64}$`, svc.Str(c+"image"), "image by digest")
			assert.Equal(t, 8080.0, svc.Plain(c+"ports[0].containerPort"))
			assert.Equal(t, tc.cpu, svc.Str(c+"resources.limits.cpu"))
			assert.Equal(t, tc.mem, svc.Str(c+"resources.limits.memory"))

			for _, probe := range []string{"startupProbe", "livenessProbe"} {
				assert.Equal(t, "/auth/set-cookie-form", svc.Str(c+probe+".httpGet.path"), "%s: GET on the probe path (no token needed)", probe)
				assert.Equal(t, 8080.0, svc.Plain(c+probe+".httpGet.port"), probe)
				assert.Nil(t, svc.Plain(c+probe+".tcpSocket"), "%s is an HTTP GET probe", probe)
				assert.Nil(t, svc.Plain(c+probe+".grpc"), "%s is an HTTP GET probe", probe)
			}

			env := crEnvOf(t, svc)
			assert.Equal(t, "container", env["SGRAPH_SEND_APP"]["value"])
			// gcs (the default): disk mode on the mounted bucket.
			assert.Equal(t, "disk", env["SEND__STORAGE_MODE"]["value"], "storage mode set explicitly")
			assert.Equal(t, "/mnt/sgraph-send", env["SEND__DISK_PATH"]["value"])
			assert.NotContains(t, env, "SEND__S3_BUCKET")

			// Labels: the stack's tags, in GCP label form.
			labels, _ := svc.Plain("labels").(map[string]any)
			assert.Equal(t, "sgraph-send", labels["app"])
			assert.Equal(t, tc.stack, labels["environment"])
			assert.Equal(t, "pulumi", labels["managed-by"])
			assert.Equal(t, "sgraph-send-"+tc.stack, labels["cost-center"])

			url, ok := r.Output(outputs.CloudRunURL)
			require.True(t, ok)
			assert.Regexp(t, `^https://`+name+`-[a-z0-9]{10}-nw\.a\.run\.app$`, url.Value)
			pub, ok := r.Output(outputs.CloudRunPublic)
			require.True(t, ok)
			assert.Equal(t, true, pub.Value)

			for _, f := range policy.Failed(policy.Evaluate(r)) {
				t.Errorf("policy %s on %s: %s", f.Rule, f.Resource, f.Message)
			}
		})
	}
}

// The upload token reaches the container only as a Secret Manager reference.
func TestCloudRunSecretsByReference(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack, Set: cloudRunOn(nil)})
			svc := r.One(t, crServiceType)
			token := bench.TestSecrets["uploadToken"]

			secrets := r.OfType(crSecretType)
			require.Len(t, secrets, 1, "one secret: the upload token")
			secret := secrets[0]
			assert.Equal(t, "sgraph-send-"+stack+"-cloudrun-sgraph_send__access_token", secret.Str("secretId"))
			assert.NotNil(t, secret.Plain("replication.auto"), "automatic replication")

			versions := r.OfType(crVersionType)
			require.Len(t, versions, 1)
			assert.True(t, versions[0].IsSecret("secretData"), "secretData stays a Pulumi secret")
			assert.Equal(t, token, versions[0].Str("secretData"))
			assert.Equal(t, secret.ID, versions[0].Str("secret"))

			env := crEnvOf(t, svc)
			ref := env["SGRAPH_SEND__ACCESS_TOKEN"]
			require.NotNil(t, ref, "token variable present")
			assert.Nil(t, ref["value"], "no inline value")
			keyRef, _ := ref["valueSource"].(map[string]any)["secretKeyRef"].(map[string]any)
			assert.Equal(t, secret.Str("secretId"), keyRef["secret"])
			assert.Equal(t, "1", keyRef["version"], "a pinned version, so a new token rolls a new revision")
			assert.Empty(t, svc.SecretInputs(), "nothing secret in the service spec")
			assert.NotContains(t, fmt.Sprint(bench.PlainMap(svc.Inputs, false)), token, "token nowhere in the service inputs")
			assert.True(t, r.DependsOn(svc, versions[0]), "the version exists before a revision reads it")
		})
	}
}

// The service account holds secretAccessor on its own secret and nothing else.
func TestCloudRunServiceAccountScoped(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: cloudRunOn(nil)})
	svc := r.One(t, crServiceType)
	accounts := r.OfType(crAccountType)
	require.Len(t, accounts, 1)
	acct := accounts[0]
	assert.Equal(t, "sgraph-send-dev-run", acct.Str("accountId"))
	email := acct.State["email"].StringValue()
	assert.Equal(t, "sgraph-send-dev-run@sgraph-send-dev.iam.gserviceaccount.com", email)
	assert.Equal(t, email, svc.Str("template.serviceAccount"), "runs as its own account")

	secret := r.OfType(crSecretType)[0]
	accessors := r.OfType(crAccessorType)
	require.Len(t, accessors, 1)
	assert.Equal(t, "roles/secretmanager.secretAccessor", accessors[0].Str("role"))
	assert.Equal(t, "serviceAccount:"+email, accessors[0].Str("member"))
	assert.Equal(t, secret.Str("secretId"), accessors[0].Str("secretId"), "on its own secret, not the project")
	assert.True(t, r.DependsOn(svc, accessors[0]), "access granted before a revision reads the secret")

	for _, res := range r.Resources {
		assert.False(t, strings.HasPrefix(res.Type, "gcp:projects/iAM"), "no project-level IAM: %s", res)
		if res.Type != crAccessorType && res.Type != crInvokerType {
			assert.NotContains(t, res.Type, "IamMember", "no other grant: %s", res)
		}
	}
}

// Every resource waits for the API it needs; destroy never disables an API.
func TestCloudRunAPIsEnabledFirst(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: cloudRunOn(nil)})
	apis := map[string]*bench.Resource{}
	for _, a := range r.OfType(crAPIType) {
		if a.ParentType() != crComponent {
			continue // the image build enables Artifact Registry itself
		}
		apis[a.Str("service")] = a
		assert.Equal(t, false, a.Plain("disableOnDestroy"), "%s stays on after destroy", a.Str("service"))
		assert.Equal(t, "sgraph-send-dev", a.Str("project"))
	}
	require.Len(t, apis, 3)
	cases := []struct {
		res *bench.Resource
		api string
	}{
		{r.One(t, crServiceType), "run.googleapis.com"},
		{r.OfType(crSecretType)[0], "secretmanager.googleapis.com"},
		{r.OfType(crVersionType)[0], "secretmanager.googleapis.com"},
		{r.OfType(crAccountType)[0], "iam.googleapis.com"},
		{r.One(t, crServiceType), "secretmanager.googleapis.com"},
	}
	for _, tc := range cases {
		require.NotNil(t, apis[tc.api], tc.api)
		assert.True(t, r.DependsOn(tc.res, apis[tc.api]), "%s waits for %s", tc.res, tc.api)
	}
}

func TestCloudRunPublicByChoice(t *testing.T) {
	cases := []struct {
		public string
		want   bool
	}{{"true", true}, {"false", false}}
	for _, tc := range cases {
		t.Run("public="+tc.public, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: "prod", Set: cloudRunOn(map[string]string{"cloudRunPublic": tc.public})})
			svc := r.One(t, crServiceType)
			invokers := r.OfType(crInvokerType)
			if tc.want {
				require.Len(t, invokers, 1)
				assert.Equal(t, "allUsers", invokers[0].Str("member"))
				assert.Equal(t, "roles/run.invoker", invokers[0].Str("role"))
				assert.Equal(t, svc.Str("name"), invokers[0].Str("name"))
			} else {
				assert.Empty(t, invokers, "authenticated only: no allUsers binding")
			}
			pub, _ := r.Output(outputs.CloudRunPublic)
			assert.Equal(t, tc.want, pub.Value)
			assert.Empty(t, policy.Failed(policy.Evaluate(r)))
		})
	}
}

func TestCloudRunDiskStorage(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: cloudRunOn(map[string]string{"cloudRunStorageMode": "disk"})})
	env := crEnvOf(t, r.One(t, crServiceType))
	assert.Equal(t, "disk", env["SEND__STORAGE_MODE"]["value"])
	assert.Equal(t, "/tmp/sgraph-send", env["SEND__DISK_PATH"]["value"])
}

func TestCloudRunBadConfig(t *testing.T) {
	cases := []struct {
		name   string
		set    map[string]string
		remove []string
		key    string
		says   string
	}{
		{"no project", nil, []string{"gcp:project"}, "gcp:project", "`pulumi config set gcp:project <your-project-id>`"},
		{"bad project", map[string]string{"gcp:project": "My_Project"}, nil, "gcp:project", "pulumi config set gcp:project"},
		{"short project", map[string]string{"gcp:project": "abc"}, nil, "gcp:project", "6-30"},
		{"no region", nil, []string{"gcp:region"}, "gcp:region", "`pulumi config set gcp:region europe-west2`"},
		{"bad region", map[string]string{"gcp:region": "eu-west-2"}, nil, "gcp:region", "europe-west2"},
		{"max below min", map[string]string{"cloudRunMinInstances": "3", "cloudRunMaxInstances": "2"}, nil, "sgraph-send:cloudRunMaxInstances", "cloudRunMinInstances"},
		{"min out of range", map[string]string{"cloudRunMinInstances": "-1"}, nil, "sgraph-send:cloudRunMinInstances", "0..1000"},
		{"max zero", map[string]string{"cloudRunMaxInstances": "0"}, nil, "sgraph-send:cloudRunMaxInstances", "1..1000"},
		{"max too high", map[string]string{"cloudRunMaxInstances": "1001"}, nil, "sgraph-send:cloudRunMaxInstances", "1..1000"},
		{"bad cpu", map[string]string{"cloudRunCpu": "3"}, nil, "sgraph-send:cloudRunCpu", "1, 2, 4"},
		{"fractional cpu", map[string]string{"cloudRunCpu": "0.5"}, nil, "sgraph-send:cloudRunCpu", "1, 2, 4"},
		{"bad memory", map[string]string{"cloudRunMemory": "512MB"}, nil, "sgraph-send:cloudRunMemory", "512Mi or 2Gi"},
		{"memory too small", map[string]string{"cloudRunMemory": "256Mi"}, nil, "sgraph-send:cloudRunMemory", "1 CPU up to 4Gi"},
		{"memory too big for 1 cpu", map[string]string{"cloudRunMemory": "8Gi"}, nil, "sgraph-send:cloudRunMemory", "cloudRunCpu"},
		{"4 cpu needs 2Gi", map[string]string{"cloudRunCpu": "4", "cloudRunMemory": "1Gi"}, nil, "sgraph-send:cloudRunMemory", "2048Mi..16384Mi"},
		{"storage mode", map[string]string{"cloudRunStorageMode": "s3"}, nil, "sgraph-send:cloudRunStorageMode", "memory, disk, gcs"},
		{"tag not a label", map[string]string{"tags": `{"9lives": "x"}`}, nil, "sgraph-send:tags", "start with a letter"},
		{"public not bool", map[string]string{"cloudRunPublic": "yes"}, nil, "sgraph-send:cloudRunPublic", "true or false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, bench.Options{Set: cloudRunOn(tc.set), Remove: tc.remove})
			assert.Contains(t, ce.Keys(), tc.key)
			found := false
			for _, e := range ce {
				found = found || (e.Key == tc.key && strings.Contains(e.Problem, tc.says))
			}
			assert.True(t, found, "%s error says %q: %v", tc.key, tc.says, ce)
			assert.Empty(t, r.Resources, "nothing registered")
		})
	}
}

// The same config passes when the target is off: GCP keys are only checked
// when Cloud Run is on.
func TestCloudRunOffIgnoresGcpKeys(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Remove: []string{"gcp:project", "gcp:region"},
		Set: map[string]string{"targets": "[]", "cloudRunMaxInstances": "0"}})
	assert.Empty(t, r.OfType(crServiceType))
}

// Built, not prebuilt: Cloud Run runs the Artifact Registry copy the image
// build pushed, by digest, and a missing project is reported once.
func TestCloudRunRunsTheBuiltGcpImage(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"targets": `["cloudrun"]`}})
	svc := r.One(t, crServiceType)
	ref, ok := r.Output(outputs.GcpImageRef)
	require.True(t, ok, "the image stage exports the Artifact Registry copy")
	assert.Equal(t, ref.Value, svc.Str("template.containers[0].image"))
	assert.Regexp(t, `^europe-west2-docker\.pkg\.dev/sgraph-send-dev/.+@sha256:[a-f0-9]{64}$`, svc.Str("template.containers[0].image"))
	for _, f := range policy.Failed(policy.Evaluate(r)) {
		t.Errorf("policy %s on %s: %s", f.Rule, f.Resource, f.Message)
	}

	ce, res := configErr(t, bench.Options{Set: map[string]string{"targets": `["cloudrun"]`}, Remove: []string{"gcp:project"}})
	n := 0
	for _, e := range ce {
		if e.Key == "gcp:project" {
			n++
			assert.Contains(t, e.Problem, "`pulumi config set gcp:project <your-project-id>`")
		}
	}
	assert.Equal(t, 1, n, "gcp:project reported once: %v", ce)
	assert.Empty(t, res.Resources)
}
