package cost

import (
	"encoding/json"
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/idle"
)

// Between is what a dev stack costs between test cycles: its graph after
// cmd/cycle's tear-down (internal/idle), priced at zero traffic.
type Between struct {
	Targets  []string  // what stays deployed
	Estimate *Estimate // IdleUSD is the figure that matters
}

// BetweenCycles runs opts' stack with the tear-down's overrides and prices it.
// committed are the stack's own targets (r.Config of a normal run).
func BetweenCycles(opts bench.Options, committed []string) (*Between, error) {
	set := map[string]string{}
	for k, v := range opts.Set {
		set[k] = v
	}
	for k, v := range idle.Overrides(committed) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		set[k] = string(b)
	}
	opts.Set = set
	r, err := bench.Run(opts)
	if err != nil {
		return nil, fmt.Errorf("between cycles: %w", err)
	}
	est, err := Compute(r, DefaultLoad)
	if err != nil {
		return nil, err
	}
	return &Between{Targets: idle.Targets(committed), Estimate: est}, nil
}

// CommittedTargets reads the targets a run was configured with.
func CommittedTargets(r *bench.Result) ([]string, error) {
	var ts []string
	if err := json.Unmarshal([]byte(r.Config["sgraph-send:targets"]), &ts); err != nil {
		return nil, fmt.Errorf("sgraph-send:targets: %w", err)
	}
	return ts, nil
}
