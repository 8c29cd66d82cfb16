package rehearsal

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/drift"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// TestDriftOnTheRealEngine runs the drift workflow's preview
// (`pulumi preview --refresh --expect-no-changes --json`) on the real engine
// against a deployed dev stack: with the cloud as deployed it reports
// nothing and renders no issue body; after a console edit (the fake cloud's
// Read returns a changed memory size) it names the resource and property
// with both values, and nothing else.
func TestDriftOnTheRealEngine(t *testing.T) {
	r := newRig(t)
	defer r.phases.summary()
	const stack = "dev"
	const fn = "sgraph-send-dev-public"
	st, err := r.eng.Stack(r.ctx, stack, stacks.Run, r.secrets[stack])
	require.NoError(t, err)
	r.phases.run("drift: up", func() { r.up(t, st) })

	run, stop, err := r.eng.inlineCLI(stacks.Run)
	require.NoError(t, err)
	defer stop()
	check := func(t *testing.T) (*drift.Report, string) {
		d, err := drift.Preview(r.ctx, run, stack)
		require.NoError(t, err)
		rep := drift.Find(stack, d)
		return rep, drift.Body([]*drift.Report{rep})
	}

	r.phases.run("drift: none", func() {
		rep, body := check(t)
		assert.False(t, rep.Drifted(), "no drift: %+v", rep.Resources)
		assert.Empty(t, body, "no drift, no issue body")
	})

	r.phases.run("drift: console edit reported", func() {
		r.eng.Providers.Drift("aws:lambda/function:Function", fn, "memorySize", 3008)
		defer r.eng.Providers.ClearDrift()
		rep, body := check(t)
		require.True(t, rep.Drifted(), "a memory size changed in the cloud must be reported")
		require.Len(t, rep.Resources, 1, "only the edited function drifted: %+v", rep.Resources)
		res := rep.Resources[0]
		assert.Equal(t, "aws:lambda/function:Function", res.Type)
		assert.Equal(t, fn, res.Name)
		require.Len(t, res.Changes, 1, "%+v", res.Changes)
		assert.Equal(t, "memorySize", res.Changes[0].Property)
		assert.Equal(t, "3008", res.Changes[0].Cloud)
		assert.NotEqual(t, "3008", res.Changes[0].Code)
		assert.Regexp(t, "(?m)^\\| `aws:lambda/function:Function` `"+fn+"` \\| update \\| `memorySize` \\| `3008` \\| `\\d+` \\|$", body)
		for _, s := range r.secrets[stack] {
			assert.NotContains(t, body, s)
		}
		t.Logf("issue body:\n%s", body)
	})

	r.phases.run("drift: none after the cloud is back", func() {
		rep, body := check(t)
		assert.False(t, rep.Drifted())
		assert.Empty(t, body)
	})
}
