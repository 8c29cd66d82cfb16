package rehearsal

import (
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

// Reachable proves every endpoint of a deployed stack hop by hop over the
// engine's own state (what the providers returned, not the program's
// inputs) and its outputs as the CLI reports them; the error names the
// first broken hop of each broken path.
func Reachable(stack string, state []apitype.ResourceV3, outs auto.OutputMap) error {
	return ReachabilityReport(stack, state, outs).Err()
}

// ReachabilityReport is the full report behind Reachable.
func ReachabilityReport(stack string, state []apitype.ResourceV3, outs auto.OutputMap) reachability.Report {
	plain := map[string]any{}
	for k, v := range outs {
		if !v.Secret {
			plain[k] = v.Value
		}
	}
	return reachability.Check(reachability.FromState(stack, state, plain))
}
