package rehearsal

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/review"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// TestReviewStack runs a review stack's life on the real engine: the
// generated Pulumi.pr-123.yaml, a gated up with the Lambda pair only, the
// smoke harness through the CLI, the PR comment, then cmd/review's removal
// (pulumi destroy, pulumi stack rm): nothing is left in the state, the
// backend or the project folder.
func TestReviewStack(t *testing.T) {
	r := newRig(t)
	defer r.phases.summary()
	const pr = 123
	stack, err := review.StackName(pr)
	require.NoError(t, err)
	secrets := map[string]string{"adminApiKey": smoketest.Key, "uploadToken": devToken}
	cfgPath := filepath.Join(r.eng.Dir, "Pulumi."+stack+".yaml")

	r.phases.run("review: config", func() {
		dev, err := os.ReadFile(filepath.Join(r.eng.Dir, "Pulumi.dev.yaml"))
		require.NoError(t, err)
		b, err := review.Config(dev, pr, review.Options{})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(cfgPath, b, 0o600))
	})

	st, err := r.eng.Stack(r.ctx, stack, stacks.Run, secrets)
	require.NoError(t, err)
	created := 0
	r.phases.run("review: gated up", func() {
		inline, stop, err := r.eng.inlineCLI(stacks.Run)
		require.NoError(t, err)
		defer stop()
		conf, sec, err := gate.StackConfig(r.ctx, st.Workspace(), stack)
		require.NoError(t, err)
		preview := func(ctx context.Context) (*gate.Digest, error) { return gate.Preview(ctx, inline, stack) }
		var log bytes.Buffer
		r.eng.Providers.Reset()
		err = gate.Guard(r.ctx, preview, r.eng.Dir, stack, conf, sec, &log, func(ctx context.Context) error {
			_, err := st.Up(ctx, optup.ProgressStreams(&bytes.Buffer{}))
			return err
		})
		require.NoError(t, err, "gate:\n%s", log.String())
		t.Logf("gate:\n%s", log.String())
		state, err := State(r.ctx, st)
		require.NoError(t, err)
		types := map[string]bool{}
		for _, res := range CloudResources(state) {
			types[string(res.Type)] = true
			assert.Contains(t, res.URN.Name(), stack, "%s %s: every name derives from the stack", res.Type, res.URN.Name())
		}
		created = len(CloudResources(state))
		assert.True(t, types["aws:lambda/function:Function"], "the Lambda pair")
		assert.True(t, types["aws:budgets/budget:Budget"], "its own budget")
		for _, costly := range []string{"aws:ecs/service:Service", "aws:ec2/instance:Instance", "aws:lb/loadBalancer:LoadBalancer", "gcp:cloudrunv2/service:Service"} {
			assert.False(t, types[costly], "a review stack without GCP has no %s", costly)
		}
	})

	var comment string
	r.phases.run("review: smoke and comment", func() {
		bin := filepath.Join(t.TempDir(), "smoke")
		build := exec.CommandContext(r.ctx, "go", "build", "-o", bin, "./cmd/smoke")
		build.Dir = r.root
		out, err := build.CombinedOutput()
		require.NoError(t, err, "go build ./cmd/smoke:\n%s", out)
		cmd := exec.CommandContext(r.ctx, bin, "-stack", stack, "-C", r.eng.Dir, "-json", "-attempts", "2", "-backoff", "10ms", "-timeout", "20s")
		cmd.Env = os.Environ()
		for k, v := range r.eng.Vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+smoketest.Creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+smoketest.Creds.SecretAccessKey,
			"AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "smoke -stack %s:\n%s", stack, stderr.String())
		var rep smoke.Report
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
		targets := map[string]bool{}
		for _, res := range rep.Results {
			targets[res.Target] = true
		}
		assert.Equal(t, map[string]bool{"lambda-admin": true, "lambda-public": true}, targets, "a review stack is smoked on its Lambda pair")
		assert.False(t, rep.Failed())
		outs, err := st.Outputs(r.ctx)
		require.NoError(t, err)
		plain := map[string]any{}
		for k, v := range outs {
			if !v.Secret {
				plain[k] = v.Value
			}
		}
		comment = review.Comment(pr, stack, "0123456789abcdef", plain, &rep)
		for _, s := range secrets {
			assert.NotContains(t, comment, s)
		}
		assert.Contains(t, comment, "smoke PASS")
		assert.Contains(t, comment, plain["lambdaPublicUrl"])
		t.Logf("PR comment:\n%s", comment)
	})

	r.phases.run("review: destroy and stack rm", func() {
		inline, stop, err := r.eng.inlineCLI(stacks.Run)
		require.NoError(t, err)
		defer stop()
		// destroy runs with the inline program (as the Automation API does),
		// stack rm is a plain CLI command.
		run := func(ctx context.Context, args ...string) (string, string, int, error) {
			if args[0] == "destroy" {
				return inline(ctx, args...)
			}
			out, err := r.eng.CLI(ctx, args...)
			code := 0
			if err != nil {
				code = 1
			}
			return out, out, code, err
		}
		r.eng.Providers.Reset()
		require.NoError(t, review.Remove(r.ctx, run, stack, false))
		deleted := 0
		for _, c := range r.eng.Providers.Calls() {
			if c.Method == "Delete" {
				deleted++
			}
		}
		assert.Equal(t, created, deleted, "every resource of the review stack is deleted")
		ls, err := r.eng.CLI(r.ctx, "stack", "ls", "--json")
		require.NoError(t, err)
		assert.NotContains(t, ls, `"`+stack+`"`, "the stack is removed")
		_, err = os.Stat(cfgPath)
		assert.True(t, os.IsNotExist(err), "the generated config file is removed with the stack")
		// The file backend keeps a .bak of a removed stack's last state; the
		// stack itself (its .json) is gone.
		for _, ext := range []string{".json", ".json.gz"} {
			entries, _ := filepath.Glob(filepath.Join(r.eng.Backend, ".pulumi", "stacks", "*", stack+ext))
			assert.Empty(t, entries, "the stack's state file is left: %v", entries)
		}
		assert.True(t, strings.HasPrefix(comment, review.Marker))
	})
}
