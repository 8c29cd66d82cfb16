// Package idle says what dev keeps between test cycles: only targets that
// cost nothing while nobody calls them. cmd/cycle's tear-down applies it and
// the plan prices it, so the two cannot drift apart.
package idle

import "slices"

// Costly are the targets that bill by the hour even at zero traffic, so the
// tear-down turns them off instead of scaling them down: fargate keeps an
// Application Load Balancer (hourly plus a public IPv4 address per subnet) at
// 0 tasks, ec2 an instance and its public IPv4 address. Lambda, Cloud Run at
// min 0 instances and the bucket bill per request or per GB stored.
var Costly = []string{"fargate", "ec2"}

// Targets is committed without the costly targets: what dev runs between cycles.
func Targets(committed []string) []string {
	out := []string{}
	for _, t := range committed {
		if !slices.Contains(Costly, t) {
			out = append(out, t)
		}
	}
	return out
}

// Overrides are the config values of the tear-down, besides appVersion:
// the idle targets, and no Fargate task should fargate come back on a plain up.
func Overrides(committed []string) map[string]any {
	return map[string]any{"targets": Targets(committed), "fargateDesiredCount": 0}
}

// BudgetUSD is what dev may cost per month between cycles, by the plan's estimate.
const BudgetUSD = 5.0
