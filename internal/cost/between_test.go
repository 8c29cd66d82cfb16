package cost_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/cost"
	"github.com/sgraph-ai/sgraph-send-infra/internal/idle"
)

// Dev between cycles (after cmd/cycle's tear-down) stays within $5 a month.
// Broken variant: the old tear-down, which only scaled Fargate to 0 tasks and
// removed EC2, keeps the load balancer and its addresses and is over budget.
func TestDevBetweenCyclesWithinBudget(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev"})
	committed, err := cost.CommittedTargets(r)
	require.NoError(t, err)
	require.Contains(t, committed, "fargate")

	b, err := cost.BetweenCycles(bench.Options{Stack: "dev", Placeholders: true}, committed)
	require.NoError(t, err)
	assert.Equal(t, []string{"lambda", "cloudrun"}, b.Targets)
	assert.Empty(t, b.Estimate.Unpriced)
	assert.LessOrEqual(t, b.Estimate.IdleUSD, idle.BudgetUSD, "dev between cycles: %+v", b.Estimate.Lines)
	assert.Zero(t, byType(b.Estimate, "aws:lb/loadBalancer:LoadBalancer", true), "no load balancer")
	assert.Zero(t, byType(b.Estimate, "aws:ec2/instance:Instance", true), "no instance")
	t.Logf("dev between cycles: $%.2f/month idle (budget $%.2f)", b.Estimate.IdleUSD, idle.BudgetUSD)

	old := estimate(t, "dev", map[string]string{"targets": `["lambda","fargate","cloudrun"]`, "fargateDesiredCount": "0"})
	assert.Greater(t, old.IdleUSD, idle.BudgetUSD, "broken variant: Fargate at 0 tasks still bills its load balancer")
	t.Logf("old tear-down (fargate at 0 tasks): $%.2f/month idle", old.IdleUSD)
}
