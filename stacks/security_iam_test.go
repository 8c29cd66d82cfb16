package stacks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

type trustOrPolicyDoc struct {
	Statement []struct {
		Effect    string
		Action    any
		Resource  any
		Principal map[string]any
		Condition map[string]map[string]any
	}
}

func asList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// TestNoRoleReadsEveryParameter: no role of the stack (the internet-facing
// instance above all) may read SSM parameters on "*", neither inline nor
// through AmazonSSMManagedInstanceCore; the EC2 role keeps Session Manager.
func TestNoRoleReadsEveryParameter(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack})
			for _, a := range r.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
				assert.NotContains(t, a.Str("policyArn"), "AmazonSSMManagedInstanceCore", "%s", a)
			}
			sessionManager := false
			for _, p := range r.OfType("aws:iam/rolePolicy:RolePolicy") {
				var doc trustOrPolicyDoc
				require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc), "%s", p)
				for _, st := range doc.Statement {
					actions, resources := asList(st.Action), asList(st.Resource)
					for _, a := range actions {
						if strings.HasPrefix(a, "ssm:GetParameter") || a == "ssm:*" || a == "*" {
							assert.NotContains(t, resources, "*", "%s: %s on *", p, a)
						}
						if a == "ssmmessages:OpenDataChannel" {
							sessionManager = true
						}
					}
				}
			}
			assert.True(t, sessionManager, "the EC2 role keeps Session Manager")
		})
	}
}

// TestEcsTrustNamesTheAccount: ECS sets aws:SourceAccount when it assumes
// task and execution roles, so their trust names this account.
func TestEcsTrustNamesTheAccount(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev"})
	n := 0
	for _, role := range r.OfType("aws:iam/role:Role") {
		var doc trustOrPolicyDoc
		require.NoError(t, json.Unmarshal([]byte(role.Str("assumeRolePolicy")), &doc), "%s", role)
		for _, st := range doc.Statement {
			if st.Principal["Service"] != "ecs-tasks.amazonaws.com" {
				continue
			}
			n++
			assert.Equal(t, bench.AwsAccount, st.Condition["StringEquals"]["aws:SourceAccount"], "%s", role)
		}
	}
	assert.Equal(t, 2, n, "execution and task roles")
}

// TestManagedPolicyPartitionFollowsRegion: in a China region every AWS managed
// policy ARN is in aws-cn (arn:aws: is refused there).
func TestManagedPolicyPartitionFollowsRegion(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"aws:region": "cn-north-1", "ec2BakeAmi": "true"}})
	atts := r.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
	require.NotEmpty(t, atts)
	for _, a := range atts {
		assert.True(t, strings.HasPrefix(a.Str("policyArn"), "arn:aws-cn:"), "%s: %s", a, a.Str("policyArn"))
	}
}
