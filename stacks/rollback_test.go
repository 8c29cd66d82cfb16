package stacks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const flipTargets = `["lambda","fargate","cloudrun"]`

// Without a rollback, every target serves this deploy: the aliases serve the version
// the function published, Cloud Run traffic names the template's revision, the service
// runs this deploy's task definition, and the URLs serve the live alias.
func TestEveryTargetServesANamedPointer(t *testing.T) {
	r := imageRun(t, "prod", flipTargets, nil)
	fns := r.OfType("aws:lambda/function:Function")
	aliases := r.OfType("aws:lambda/alias:Alias")
	require.Len(t, fns, 2)
	require.Len(t, aliases, 2)
	for _, fn := range fns {
		assert.Equal(t, true, fn.Plain("publish"), "%s publishes a version per deploy", fn)
	}
	for _, a := range aliases {
		assert.Equal(t, "live", a.Str("name"))
		assert.Regexp(t, `^[1-9][0-9]*$`, a.Str("functionVersion"), "the alias names a published version, never $LATEST")
	}
	for _, u := range r.OfType("aws:lambda/functionUrl:FunctionUrl") {
		assert.Equal(t, "live", u.Str("qualifier"), "%s serves the live alias", u)
	}
	for _, p := range r.OfType("aws:lambda/permission:Permission") {
		assert.Equal(t, "live", p.Str("qualifier"), "%s grants on the live alias", p)
	}
	svc := r.OfType("gcp:cloudrunv2/service:Service")[0]
	rev := svc.Str("template.revision")
	assert.True(t, strings.HasPrefix(rev, "sgraph-send-prod-cloudrun-"), rev)
	assert.Equal(t, rev, svc.Str("traffics[0].revision"))
	assert.Equal(t, "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", svc.Str("traffics[0].type"))
	assert.Equal(t, float64(100), svc.Plain("traffics[0].percent"))
	assert.Equal(t, rev, outputString(t, r, outputs.CloudRunRevision))
	ecsSvc := r.OfType("aws:ecs/service:Service")[0]
	td := r.OfType("aws:ecs/taskDefinition:TaskDefinition")[0]
	assert.Equal(t, true, td.Plain("skipDestroy"), "old revisions stay ACTIVE for a rollback")
	assert.True(t, strings.HasSuffix(ecsSvc.Str("taskDefinition"), ":"+outputString(t, r, outputs.FargateTaskDefinition)[len("sgraph-send-prod:"):]))
	assert.NotNil(t, ecsSvc.Plain("deploymentCircuitBreaker"), "the circuit breaker stays")
	assert.Regexp(t, `^[1-9][0-9]*$`, outputString(t, r, outputs.LambdaAdminVersion))
	assert.Regexp(t, `^[1-9][0-9]*$`, outputString(t, r, outputs.LambdaPublicVersion))
}

// A rollback override changes only the pointers; what was built stays the same.
func TestRollbackOverrideFlipsOnlyPointers(t *testing.T) {
	base := imageRun(t, "prod", flipTargets, nil)
	flip := imageRun(t, "prod", flipTargets, map[string]string{"rollback": `{"lambdaAdminVersion":3,"lambdaPublicVersion":"4",` +
		`"cloudRunRevision":"sgraph-send-prod-cloudrun-0123456789ab","fargateTaskDefinition":"sgraph-send-prod:7"}`})
	aliases := map[string]string{}
	for _, a := range flip.OfType("aws:lambda/alias:Alias") {
		aliases[a.Str("functionName")] = a.Str("functionVersion")
	}
	assert.Equal(t, map[string]string{"sgraph-send-prod-admin": "3", "sgraph-send-prod-public": "4"}, aliases)
	svc := flip.OfType("gcp:cloudrunv2/service:Service")[0]
	assert.Equal(t, "sgraph-send-prod-cloudrun-0123456789ab", svc.Str("traffics[0].revision"))
	assert.Equal(t, base.OfType("gcp:cloudrunv2/service:Service")[0].Str("template.revision"), svc.Str("template.revision"), "the template (and its revision) is untouched")
	assert.Equal(t, "sgraph-send-prod:7", flip.OfType("aws:ecs/service:Service")[0].Str("taskDefinition"))
	assert.Equal(t, "sgraph-send-prod:7", outputString(t, flip, outputs.FargateTaskDefinition))
	assert.Equal(t, "3", outputString(t, flip, outputs.LambdaAdminVersion))
	// What was built is the same: functions, task definition, template.
	for _, typ := range []string{"aws:lambda/function:Function", "aws:ecs/taskDefinition:TaskDefinition"} {
		for i, res := range base.OfType(typ) {
			assert.Equal(t, res.Inputs, flip.OfType(typ)[i].Inputs, "%s changed on a rollback", res)
		}
	}
}

func TestRollbackConfigRefusesBadPointers(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"$LATEST", `{"lambdaAdminVersion":"$LATEST"}`, "published Lambda version"},
		{"another service's revision", `{"cloudRunRevision":"other-cloudrun-abc"}`, "revision of service sgraph-send-prod-cloudrun"},
		{"an ARN instead of family:revision", `{"fargateTaskDefinition":"arn:aws:ecs:eu-west-2:1:task-definition/x:1"}`, "sgraph-send-prod:<revision>"},
		{"unknown key", `{"ec2Ami":"ami-1"}`, "unknown field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := bench.Run(bench.Options{Stack: "prod", Set: map[string]string{"targets": flipTargets, "rollback": c.value}, Secrets: bench.TestSecrets})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "sgraph-send:rollback")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
