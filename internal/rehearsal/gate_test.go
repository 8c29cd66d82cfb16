package rehearsal

import (
	"bytes"
	"context"
	"sort"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// TestGateOnTheRealPreview proves the policy gate on the real engine's
// `pulumi preview --json`: a prod change that unprotects the bucket and
// exports the admin key in plaintext (brokenProgram) is stopped before its
// up, naming each rule and resource, on a new stack and on a deployed one;
// the real program passes and its up runs.
func TestGateOnTheRealPreview(t *testing.T) {
	r := newRig(t)
	defer r.phases.summary()
	const stack = "prod"
	var secrets []string
	for _, v := range r.secrets[stack] {
		secrets = append(secrets, v)
	}
	sort.Strings(secrets)

	// gatedUp is the pipeline's order (gate.Guard): preview --json, judge,
	// then up with the same program only when nothing blocks.
	gatedUp := func(t *testing.T, program pulumi.RunFunc) (*gate.Verdict, error) {
		st, err := r.eng.Stack(r.ctx, stack, program, r.secrets[stack])
		require.NoError(t, err)
		conf, sec, err := gate.StackConfig(r.ctx, st.Workspace(), stack)
		require.NoError(t, err)
		assert.ElementsMatch(t, secrets, sec, "the gate reads the stack's secret values")
		run, stop, err := r.eng.inlineCLI(program)
		require.NoError(t, err)
		defer stop()
		var verdict *gate.Verdict
		preview := func(ctx context.Context) (*gate.Digest, error) {
			d, err := gate.Preview(ctx, run, stack)
			if err == nil {
				mock, err := gate.Mock(r.eng.Dir, stack, d)
				require.NoError(t, err)
				verdict = gate.Judge(d, stack, conf, sec, mock)
			}
			return d, err
		}
		var log bytes.Buffer
		r.eng.Providers.Reset()
		err = gate.Guard(r.ctx, preview, r.eng.Dir, stack, conf, sec, &log, func(ctx context.Context) error {
			var upLog bytes.Buffer
			_, err := st.Up(ctx, optup.ProgressStreams(&upLog), optup.ErrorProgressStreams(&upLog))
			if err != nil {
				t.Logf("up:\n%s", upLog.String())
			}
			return err
		})
		t.Logf("gate:\n%s", log.String())
		return verdict, err
	}
	applied := func() []string {
		var out []string
		for _, c := range r.eng.Providers.Calls() {
			switch c.Method {
			case "Create", "Update", "Delete":
				if !c.Preview {
					out = append(out, c.Method+" "+c.URN)
				}
			}
		}
		return out
	}
	assertStopped := func(t *testing.T, v *gate.Verdict, err error) {
		t.Helper()
		var blocked *gate.Blocked
		require.ErrorAs(t, err, &blocked, "a broken prod program must be stopped by the gate")
		assert.Regexp(t, `storage-safety: aws:s3/bucketV2:BucketV2::sgraph-send-prod-storage: .*prod bucket must be protect and retainOnDelete \(protect=false retainOnDelete=false\)`, err.Error())
		assert.Regexp(t, `no-plaintext-secrets: output:leakedAdminKey: output exposes a secret in plaintext`, err.Error())
		for _, s := range secrets {
			assert.NotContains(t, err.Error(), s, "the gate's message shows no secret")
		}
		assert.Empty(t, applied(), "the engine applied changes although the gate stopped the up")
		require.NotNil(t, v)
		rules := map[string]bool{}
		for _, f := range v.Blocking {
			rules[f.Rule] = true
		}
		assert.Equal(t, map[string]bool{"storage-safety": true, "destroy-keeps-prod-data": true, "no-plaintext-secrets": true}, rules, "only the injected faults block")
	}

	r.phases.run("gate: new stack, broken program stopped", func() {
		v, err := gatedUp(t, brokenProgram)
		assertStopped(t, v, err)
		st, err := r.eng.Stack(r.ctx, stack, stacks.Run, r.secrets[stack])
		require.NoError(t, err)
		state, err := State(r.ctx, st)
		require.NoError(t, err)
		assert.Empty(t, CloudResources(state), "nothing was created")
	})

	r.phases.run("gate: new stack, real program passes and is up", func() {
		v, err := gatedUp(t, stacks.Run)
		require.NoError(t, err)
		require.NotNil(t, v)
		assert.NotEmpty(t, applied(), "the up ran after the gate passed")
		t.Logf("new stack: %d passed, %d undecided (values known only after apply)", v.Passed, len(v.Undecided))
	})

	r.phases.run("gate: deployed stack, broken change stopped", func() {
		v, err := gatedUp(t, brokenProgram)
		assertStopped(t, v, err)
	})

	r.phases.run("gate: deployed stack, real program passes", func() {
		v, err := gatedUp(t, stacks.Run)
		require.NoError(t, err)
		require.NotNil(t, v)
		t.Logf("deployed stack: %d passed, %d undecided", v.Passed, len(v.Undecided))
		for _, f := range v.Undecided {
			t.Logf("undecided: %s %s: %s", f.Rule, f.Resource, f.Message)
		}
	})
}
