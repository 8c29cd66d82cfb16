package rehearsal

import (
	"fmt"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// brokenProgram is the real program with three faults injected from outside
// (the real program is not edited): the prod bucket loses protect and
// retainOnDelete, the bucket gets a tag that changes on every run, and the
// admin key is exported in plaintext.
func brokenProgram(ctx *pulumi.Context) error {
	err := ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if args.Type != "aws:s3/bucketV2:BucketV2" {
			return nil
		}
		props, ok := args.Props.(*s3.BucketV2Args)
		if !ok {
			panic(fmt.Sprintf("bucket args are %T", args.Props)) // test hook: fail loudly
		}
		cp := *props
		stamp := time.Now().UTC().Format(time.RFC3339Nano)
		cp.Tags = cp.Tags.ToStringMapOutput().ApplyT(func(m map[string]string) map[string]string {
			out := map[string]string{"deployed-at": stamp}
			for k, v := range m {
				out[k] = v
			}
			return out
		}).(pulumi.StringMapOutput)
		return &pulumi.ResourceTransformationResult{Props: &cp,
			Opts: append(args.Opts, pulumi.Protect(false), pulumi.RetainOnDelete(false))}
	})
	if err != nil {
		return err
	}
	if err := stacks.Run(ctx); err != nil {
		return err
	}
	ctx.Export("leakedAdminKey", pulumi.String(config.New(ctx, Project).Get("adminApiKey")))
	return nil
}

// TestRehearsalCatches proves each check of the rehearsal fails, naming the
// cause, on a program that breaks it. One prod cycle carries all three
// faults: each check looks at a different thing (steps of the second up, the
// backend's files, what destroy left), so each failure is its own.
func TestRehearsalCatches(t *testing.T) {
	r := newRig(t)
	defer r.phases.summary()
	const stack = "prod"
	st, err := r.eng.Stack(r.ctx, stack, brokenProgram, r.secrets[stack])
	require.NoError(t, err)

	r.phases.run("broken: up", func() { r.up(t, st) })
	r.phases.run("broken: up again", func() {
		err := NoChanges(r.up(t, st))
		require.Error(t, err, "a tag that changes every run must fail the no-change check")
		t.Logf("caught: %v", err)
		assert.Regexp(t, `update aws:s3/bucketV2:BucketV2 \S+ \(tags\)`, err.Error())
	})

	r.phases.run("broken: secrets in state", func() {
		err := ScanSecrets(r.eng.Backend, r.secrets[stack])
		require.Error(t, err, "a plaintext export of the admin key must fail the state scan")
		t.Logf("caught: %v", err)
		assert.Regexp(t, `secret adminApiKey in plaintext in \S+ at .*leakedAdminKey`, err.Error())
		assert.NotContains(t, err.Error(), "uploadToken", "only the leaked secret is named")
	})

	r.phases.run("broken: destroy", func() {
		stateBefore, err := State(r.ctx, st)
		require.NoError(t, err)
		after, _ := r.destroyProd(t, st)
		err = KeptExactly(ExpectedKept(stateBefore, MustSurvive), after)
		require.Error(t, err, "an unprotected prod bucket must fail the destroy check")
		t.Logf("caught: %v", err)
		assert.Regexp(t, `aws:s3/bucketV2:BucketV2 \S+.*(must survive|not protected)`, err.Error())
	})
}
