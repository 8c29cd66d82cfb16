package stacks_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// EC2 ships its logs: a log group of ours with the stack's retention, the
// instance told its name, and the role allowed to write streams there only.
func TestEC2ShipsItsLogs(t *testing.T) {
	for _, tc := range []struct {
		stack     string
		retention float64
	}{{"dev", 7}, {"prod", 90}} {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack})
			name := "/sgraph-send/" + tc.stack + "/ec2"
			var group *bench.Resource
			for _, g := range r.OfType("aws:cloudwatch/logGroup:LogGroup") {
				if g.Str("name") == name {
					group = g
				}
			}
			require.NotNil(t, group, "log group %s", name)
			assert.Equal(t, tc.retention, group.Plain("retentionInDays"))
			assert.Equal(t, "sgraph-send:ec2:Server", group.ParentType())

			assert.Contains(t, ec2UserData(t, r), "SGRAPH_SEND_LOG_GROUP='"+name+"'")

			policy := r.MustFind(t, "aws:iam/rolePolicy:RolePolicy", "sgraph-send-"+tc.stack+"-ec2-logs")
			var doc struct {
				Statement []struct {
					Action   []string
					Resource string
				}
			}
			require.NoError(t, json.Unmarshal([]byte(policy.Str("policy")), &doc))
			require.Len(t, doc.Statement, 1)
			assert.ElementsMatch(t, []string{"logs:CreateLogStream", "logs:PutLogEvents"}, doc.Statement[0].Action)
			assert.Equal(t, group.State["arn"].StringValue()+":log-stream:*", doc.Statement[0].Resource)
		})
	}
}
