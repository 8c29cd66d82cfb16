package cost_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/cost"
)

func estimate(t *testing.T, stack string, set map[string]string) *cost.Estimate {
	t.Helper()
	r := bench.MustRun(t, bench.Options{Stack: stack, Set: set})
	est, err := cost.Compute(r, cost.DefaultLoad)
	require.NoError(t, err)
	return est
}

func byType(est *cost.Estimate, token string, idle bool) float64 {
	sum := 0.0
	for _, l := range est.Lines {
		if strings.HasPrefix(l.Resource, token+"::") {
			if idle {
				sum += l.IdleUSD
			} else {
				sum += l.LoadUSD
			}
		}
	}
	return sum
}

func TestEveryPriceHasSourceAndDate(t *testing.T) {
	tab, err := cost.LoadTable()
	require.NoError(t, err)
	assert.NotEmpty(t, tab.About)
	for k, p := range tab.Prices {
		assert.True(t, strings.HasPrefix(p.Source, "https://"), "%s source", k)
		assert.Regexp(t, `^\d{4}-\d{2}$`, p.Date, k)
		assert.Contains(t, []string{"eu-west-2", "europe-west2", "all"}, p.Region, k)
	}
}

// Dev at idle bills only what runs whether or not anyone calls it: the load
// balancer, the EC2 spot instance and its disk and address, stored images and
// secret versions. Serverless parts (Lambda, Cloud Run at min 0, buckets,
// Fargate at 0 tasks) cost nothing idle.
func TestDevIdleIsNearZeroExceptAlwaysOnParts(t *testing.T) {
	est := estimate(t, "dev", nil)
	assert.Empty(t, est.Unpriced)
	alwaysOn := map[string]bool{
		"aws:lb/loadBalancer:LoadBalancer": true, "aws:ec2/instance:Instance": true,
		"aws:ecr/repository:Repository": true, "gcp:secretmanager/secretVersion:SecretVersion": true,
	}
	for _, l := range est.Lines {
		typ := strings.SplitN(l.Resource, "::", 2)[0]
		if !alwaysOn[typ] {
			assert.Zero(t, l.IdleUSD, "%s bills %.2f idle in dev", l.Resource, l.IdleUSD)
		}
	}
	alb := byType(est, "aws:lb/loadBalancer:LoadBalancer", true)
	assert.InDelta(t, 0.02646*730+3*0.005*730, alb, 0.01, "ALB hours and a public IPv4 address per default subnet (three in eu-west-2)")
	assert.Zero(t, byType(est, "aws:ecs/service:Service", true), "0 tasks")
	assert.Zero(t, byType(est, "gcp:cloudrunv2/service:Service", true), "scales to zero")
	assert.Zero(t, byType(est, "aws:lambda/function:Function", true))
	assert.Less(t, est.IdleUSD, 45.0, "dev idle total")
	assert.Greater(t, est.LoadUSD, est.IdleUSD, "load costs more than idle")
	assert.Equal(t, "2025-01", est.PriceDate)
}

func TestProdCostsMoreThanDev(t *testing.T) {
	dev, prod := estimate(t, "dev", nil), estimate(t, "prod", nil)
	assert.Greater(t, prod.IdleUSD, dev.IdleUSD)
	assert.Greater(t, prod.LoadUSD, dev.LoadUSD)
	// Two on-demand 512 CPU / 1 GiB tasks with public IPs, all month.
	assert.InDelta(t, 2*(0.5*0.04656+1*0.00511+0.005)*730, byType(prod, "aws:ecs/service:Service", true), 0.05)
	assert.NotZero(t, byType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", true), "prod alarms")
}

// The numbers come from the graph: change a size in config, the estimate moves.
func TestEstimateFollowsTheGraph(t *testing.T) {
	base := estimate(t, "dev", nil)
	cases := []struct {
		set   map[string]string
		token string
		idle  bool
	}{
		{map[string]string{"fargateDesiredCount": "2"}, "aws:ecs/service:Service", true},
		{map[string]string{"ec2InstanceType": "t3.medium"}, "aws:ec2/instance:Instance", true},
		{map[string]string{"ec2RootVolumeGb": "100"}, "aws:ec2/instance:Instance", true},
		{map[string]string{"cloudRunMinInstances": "1"}, "gcp:cloudrunv2/service:Service", true},
		{map[string]string{"lambdaMemoryMb": "4096"}, "aws:lambda/function:Function", false},
		{map[string]string{"alarmsEnabled": "true"}, "aws:cloudwatch/metricAlarm:MetricAlarm", true},
	}
	for _, tc := range cases {
		t.Run(strings.Join(keys(tc.set), ","), func(t *testing.T) {
			changed := estimate(t, "dev", tc.set)
			assert.Greater(t, byType(changed, tc.token, tc.idle), byType(base, tc.token, tc.idle))
		})
	}
	// An instance type missing from the table is reported, not guessed.
	odd := estimate(t, "dev", map[string]string{"ec2InstanceType": "c6in.2xlarge"})
	assert.Contains(t, odd.Unpriced, "aws.ec2.c6in.2xlarge.hour")
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
