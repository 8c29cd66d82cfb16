package stacks

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/sgraph-ai/sgraph-send-infra/components/cloudrun"
	"github.com/sgraph-ai/sgraph-send-infra/components/fargate"
)

// RollbackConfig is the `rollback` config object cmd/release sets for one `up` to flip
// targets back to a good release: only pointers change (the Lambda live aliases, Cloud
// Run's traffic, the ECS service's task definition); what was built stays. Empty keys
// leave that target on this deploy's own version.
type RollbackConfig struct {
	LambdaAdminVersion    numberOrString `json:"lambdaAdminVersion,omitempty"`
	LambdaPublicVersion   numberOrString `json:"lambdaPublicVersion,omitempty"`
	CloudRunRevision      string         `json:"cloudRunRevision,omitempty"`
	FargateTaskDefinition string         `json:"fargateTaskDefinition,omitempty"`
}

// numberOrString takes a version as "5" or 5: `pulumi config set --path
// rollback.lambdaAdminVersion 5` stores a number.
type numberOrString string

func (n *numberOrString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*n = numberOrString(s)
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(b, &num); err != nil {
		return fmt.Errorf("want a version number, got %s", b)
	}
	*n = numberOrString(num.String())
	return nil
}

var lambdaVersion = regexp.MustCompile(`^[1-9][0-9]{0,9}$`)

func loadRollback(r *reader, c *Config) RollbackConfig {
	var rb RollbackConfig
	r.object("rollback", &rb)
	const fix = "cmd/release -rollback sets it for one up; in a stack file, `pulumi config rm rollback`"
	for _, v := range []struct{ key, val string }{{"lambdaAdminVersion", string(rb.LambdaAdminVersion)}, {"lambdaPublicVersion", string(rb.LambdaPublicVersion)}} {
		if v.val != "" && !lambdaVersion.MatchString(v.val) {
			r.fail("rollback", v.key+"="+v.val, "%s must be a published Lambda version number (1, 2, ...; the lambdaAdminVersion/lambdaPublicVersion output of a good release); "+fix, v.key)
		}
	}
	if rb.CloudRunRevision != "" && !cloudrun.ValidRevision(c.Name("cloudrun"), rb.CloudRunRevision) {
		r.fail("rollback", "cloudRunRevision="+rb.CloudRunRevision, "cloudRunRevision must be a revision of service %s (the cloudRunRevision output of a good release); "+fix, c.Name("cloudrun"))
	}
	if rb.FargateTaskDefinition != "" && !fargate.ValidTaskDefinition(c.Name(), rb.FargateTaskDefinition) {
		r.fail("rollback", "fargateTaskDefinition="+rb.FargateTaskDefinition, "fargateTaskDefinition must be %s:<revision> (the fargateTaskDefinition output of a good release); "+fix, c.Name())
	}
	return rb
}
