package rehearsal

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/fakeprovider"
	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// inlineStack is pipeline.Stack over the rehearsal's inline stack, its Up
// as pipeline.AutoStack's: the stack file with the overrides applied
// (pipeline.Overlay), passed as --config-file, with --refresh. (AutoStack
// itself runs the project's program through the Go language plugin, which
// the rehearsal does not have.)
type inlineStack struct {
	st  auto.Stack
	dir string
}

func (s inlineStack) Name() string { return s.st.Name() }

func (s inlineStack) Config(ctx context.Context) (map[string]string, error) {
	all, err := s.st.GetAllConfig(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range all {
		if !v.Secret {
			out[k] = v.Value
		}
	}
	return out, nil
}

func (s inlineStack) Up(ctx context.Context, o pipeline.Overrides) error {
	file := filepath.Join(s.dir, "Pulumi."+s.st.Name()+".yaml")
	base, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	data, err := pipeline.Overlay(base, o)
	if err != nil {
		return err
	}
	path := filepath.Join(s.dir, "run-config.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	defer os.Remove(path)
	_, err = s.st.Up(ctx, optup.ConfigFile(path), optup.Refresh(), optup.ProgressStreams(&bytes.Buffer{}))
	return err
}

func (s inlineStack) Outputs(ctx context.Context) (smoke.RawOutputs, error) {
	om, err := s.st.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	raw := smoke.RawOutputs{}
	for k, v := range om {
		raw[k] = smoke.Value{Value: v.Value, Secret: v.Secret}
	}
	return raw, nil
}

func (s inlineStack) Tags(ctx context.Context) (map[string]string, error) {
	return s.st.Workspace().ListTags(ctx, s.st.Name())
}

func (s inlineStack) SetTags(ctx context.Context, tags map[string]string) error {
	for k, v := range tags {
		if err := s.st.Workspace().SetTag(ctx, s.st.Name(), k, v); err != nil {
			return err
		}
	}
	return nil
}

func (s inlineStack) RemoveTags(ctx context.Context, keys []string) error {
	have, err := s.Tags(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, ok := have[k]; ok {
			if err := s.st.Workspace().RemoveTag(ctx, s.st.Name(), k); err != nil {
				return err
			}
		}
	}
	return nil
}

// cycleUnderFault runs the dev test cycle (pipeline.Cycle, what cmd/cycle
// runs) on the real engine with the cycle's up broken: refused (cancel
// false) or hung and interrupted (cancel true: the context ends, the
// Automation API sends SIGINT). The scale-down must still run, on its own
// context, and the stack converge.
func (f *faultRig) cycleUnderFault(t *testing.T, st auto.Stack, cancel bool) int {
	const typ = "aws:ecs/service:Service"
	fault := fakeprovider.Fault{Method: "Update", Type: typ, Times: 1, Hang: cancel}
	// Each scenario starts from dev as committed (the service at its desired
	// 0): an earlier cycle's tear-down removed Fargate (internal/idle), and
	// the fault is on the service's update from 0 to 1 task.
	f.mustUp(t, st)
	in := f.eng.Providers.Inject(fault)
	ctx, stop := context.WithCancel(f.ctx)
	defer stop()
	never := func(string) { t.Errorf("the cycle went past its failed up") }
	c := &pipeline.Cycle{
		Stack: inlineStack{st: st, dir: f.eng.Dir},
		Ready: func(context.Context, smoke.RawOutputs, []string) error { never("ready"); return nil },
		Smoke: func(context.Context, smoke.RawOutputs, []string) (*smoke.Report, error) {
			never("smoke")
			return &smoke.Report{}, nil
		},
	}
	done := make(chan *pipeline.CycleSummary, 1)
	go func() { done <- c.Run(ctx) }()
	if cancel {
		select {
		case <-in.Entered():
		case s := <-done:
			t.Fatalf("the cycle ended before its up reached the hang: %v", s.Err)
		}
		stop()
	}
	s := <-done
	t.Logf("cycle: err=%v interrupted=%v scaledDown=%v leftRunning=%v", s.Err, s.Interrupted, s.ScaledDown, s.LeftRunning)
	require.Error(t, s.Err, "the cycle's up failed")
	assert.Equal(t, 1, in.Hits(), "the fault acted on the cycle's up")
	assert.True(t, s.ScaledDown, "the scale-down ran after the failed up")
	for _, r := range s.LeftRunning { // what still bills: nothing the cycle brought up
		assert.NotRegexp(t, `ec2|fargate service at [1-9]`, r, "left running after the scale-down")
	}
	assert.Equal(t, cancel, s.Interrupted)
	assert.False(t, s.Passed)
	return 2
}

// releaseUnderFault runs cmd/release's pipeline (pipeline.Release, dev's
// tested digest to prod) on the real engine with prod's up of the promoted
// digest refused half-way (the Lambda function's update): the release rolls
// back to what prod ran before, says so, and prod converges.
func (f *faultRig) releaseUnderFault(t *testing.T, dev, prod auto.Stack) int {
	f.mustUp(t, prod) // prod as it runs before the release
	src, dst := inlineStack{st: dev, dir: f.eng.Dir}, inlineStack{st: prod, dir: f.eng.Dir}
	raw, err := src.Outputs(f.ctx)
	require.NoError(t, err)
	plain := release.Outputs{}
	for k, v := range raw {
		if !v.Secret {
			plain[k] = v.Value
		}
	}
	img := plain.Image()
	require.NotEmpty(t, img.Ref, "dev has no image output")
	// dev's cycle passed on this digest (the record cmd/cycle writes).
	require.NoError(t, src.SetTags(f.ctx, release.CycleRecord{Image: img, Version: "0.27.6", PassedAt: "2026-12-03T00:00:00Z"}.Tags()))
	in := f.eng.Providers.Inject(fakeprovider.Fault{Method: "Update", Type: "aws:lambda/function:Function", Times: 1})
	r := &pipeline.Release{
		Target: dst, Source: src, Copier: refCopier{},
		Ready: func(context.Context, smoke.RawOutputs, []string) error { return nil },
		Smoke: func(context.Context, smoke.RawOutputs, []string) (*smoke.Report, error) { return &smoke.Report{}, nil },
	}
	s := r.Run(f.ctx)
	t.Logf("release: %s (err %v)", s.Message, s.Err)
	require.NoError(t, s.Err)
	assert.Equal(t, 1, in.Hits(), "the fault acted on the release's up")
	assert.True(t, s.RolledBack, "a release whose up failed half-way rolls back")
	assert.False(t, s.Passed)
	assert.Contains(t, s.Message, "ROLLED BACK:")
	assert.Contains(t, s.Message, "its up failed")
	assert.NotEqual(t, img.Ref, s.Runs.Ref, "prod runs the previous digest again")
	return 2
}

// refCopier stands in for the registry copy (imagecopy, tested against real
// registry servers in internal/ops/imagecopy): there is no registry here, so
// it answers the reference the copy produces, dstRepo@digest, and the
// release's own digest check (release.CheckCopy) still runs on it.
type refCopier struct{}

func (refCopier) Copy(_ context.Context, src, dstRepo string) (string, error) {
	_, digest, ok := strings.Cut(src, "@")
	if !ok {
		return "", fmt.Errorf("refCopier: %s is not by digest", src)
	}
	return dstRepo + "@" + digest, nil
}
