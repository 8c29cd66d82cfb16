package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// FakeStack is Stack in memory, for offline tests of the orchestration: it records
// every operation in order, applies overrides to a copy of its config for each up, and
// computes outputs from the config in effect through OutputsFor.
type FakeStack struct {
	StackName string
	Conf      map[string]string // committed config, fully-qualified keys

	// OutputsFor returns the outputs after an up with this effective config.
	OutputsFor func(conf map[string]any) smoke.RawOutputs
	// UpHook runs at the start of the n-th up (1-based); a non-nil error fails it.
	UpHook func(ctx context.Context, n int, o Overrides) error

	mu      sync.Mutex
	ops     []string
	ups     []Overrides
	tags    map[string]string
	current smoke.RawOutputs
}

func (f *FakeStack) Name() string { return f.StackName }

func (f *FakeStack) log(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op)
}

// Ops returns the operations so far, e.g. "up fargateDesiredCount=1 ...", "outputs".
func (f *FakeStack) Ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ops...)
}

// Ups returns the overrides of every up, in order.
func (f *FakeStack) Ups() []Overrides {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Overrides(nil), f.ups...)
}

func (f *FakeStack) Config(context.Context) (map[string]string, error) {
	f.log("config")
	return maps.Clone(f.Conf), nil
}

// Effective merges the committed config and the overrides, values typed.
func (f *FakeStack) Effective(o Overrides) map[string]any {
	eff := map[string]any{}
	for k, v := range f.Conf {
		var x any
		if json.Unmarshal([]byte(v), &x) == nil && strings.HasPrefix(v, "[") {
			eff[k] = x
		} else {
			eff[k] = v
		}
	}
	for k, v := range o {
		eff[qualify(k)] = v
	}
	return eff
}

func (f *FakeStack) Up(ctx context.Context, o Overrides) error {
	f.log("up " + o.String())
	f.mu.Lock()
	f.ups = append(f.ups, o)
	n := len(f.ups)
	f.mu.Unlock()
	if f.UpHook != nil {
		if err := f.UpHook(ctx, n, o); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("up interrupted: %w", err)
	}
	if f.OutputsFor != nil {
		out := f.OutputsFor(f.Effective(o))
		f.mu.Lock()
		f.current = out
		f.mu.Unlock()
	}
	return nil
}

func (f *FakeStack) Outputs(context.Context) (smoke.RawOutputs, error) {
	f.log("outputs")
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.current), nil
}

// SetOutputs sets the outputs as a previous up left them.
func (f *FakeStack) SetOutputs(raw smoke.RawOutputs) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.current = raw
}

func (f *FakeStack) Tags(context.Context) (map[string]string, error) {
	f.log("tags")
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.tags), nil
}

func (f *FakeStack) SetTags(_ context.Context, tags map[string]string) error {
	f.log("set-tags " + strings.Join(sortedKeys(tags), ","))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tags == nil {
		f.tags = map[string]string{}
	}
	maps.Copy(f.tags, tags)
	return nil
}

func (f *FakeStack) RemoveTags(_ context.Context, keys []string) error {
	f.log("remove-tags " + strings.Join(keys, ","))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range keys {
		delete(f.tags, k)
	}
	return nil
}
