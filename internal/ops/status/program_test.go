package status

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// What cmd/status asks for is what the program creates, for every stack:
// every CloudWatch alarm's name carries AlarmPrefix (DescribeAlarms
// filters on it), and the budget counts the cost-center tag the cost
// query filters on, with the value the stack's resources are tagged with.
func TestReadsMatchTheProgram(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack, Placeholders: true})
			alarms := r.OfType("aws:cloudwatch/metricAlarm:MetricAlarm")
			if stack == "prod" {
				require.NotEmpty(t, alarms, "prod has alarms")
			}
			for _, a := range alarms {
				name := a.Str("name")
				require.NotEmpty(t, name, "%s: name known under mocks", a)
				assert.True(t, strings.HasPrefix(name, AlarmPrefix(stack)), "%s: alarm %q lacks the prefix %q cmd/status reads", a, name, AlarmPrefix(stack))
			}
			t.Logf("%s: %d alarms", stack, len(alarms))
			budgets := r.OfType("aws:budgets/budget:Budget")
			require.Len(t, budgets, 1)
			bucket := r.OfType("aws:s3/bucketV2:BucketV2")
			require.NotEmpty(t, bucket)
			cc := bucket[0].Str("tags." + costCenterTag)
			require.NotEmpty(t, cc, "the bucket carries the %s tag", costCenterTag)
			assert.Equal(t, "user:"+costCenterTag+"$"+cc, budgets[0].Str("costFilters[0].values[0]"))
		})
	}
}
