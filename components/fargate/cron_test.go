package fargate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSchedulesParsedFieldByField(t *testing.T) {
	good := []string{"cron(0 20 * * ? *)", "cron(0 20 ? * MON-FRI *)", "cron(*/15 0-6,22 ? * 2#1 2026)",
		"cron(30 7 L * ? *)", "cron(0 12 15W JAN,JUL ? *)", "cron(0 0 ? * 6L *)", "rate(1 day)"}
	bad := []string{"cron(99 99 * * ? *)", "cron(0 24 * * ? *)", "cron(0 20 32 * ? *)", "cron(0 20 * 13 ? *)",
		"cron(0 20 ? * FOO *)", "cron(0 20 ? * 8 *)", "cron(0 20 * * ? 3000)", "cron(0 20 * * * *)",
		"cron(0 20 ? * ? *)", "cron(0/0 20 * * ? *)", "cron(a 20 * * ? *)", "cron(0 20 * * ? *"}
	for _, s := range good {
		assert.True(t, ValidSchedule(s), s)
	}
	for _, s := range bad {
		assert.False(t, ValidSchedule(s), s)
	}
}

// The two stacks of a blue/green pair share their first 32 characters; their
// load balancers must still get distinct, valid names.
func TestLoadBalancerNamesDoNotCollide(t *testing.T) {
	blue, green := lbName("sgraph-send-production-eu-west-2-blue"), lbName("sgraph-send-production-eu-west-2-green")
	assert.NotEqual(t, blue, green)
	for _, n := range []string{blue, green} {
		assert.LessOrEqual(t, len(n), 32, n)
		assert.False(t, strings.HasSuffix(n, "-"), n)
		assert.True(t, physicalName.MatchString(n), n)
	}
	assert.Equal(t, "sgraph-send-dev", lbName("sgraph-send-dev"), "short names unchanged")
}
