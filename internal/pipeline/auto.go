package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// AutoStack is Stack on Pulumi's Automation API: a local workspace on the project
// folder and the Pulumi CLI, logged in to the stack's backend as `pulumi up` would be.
type AutoStack struct {
	name, workDir string
	ws            auto.Workspace
	stack         auto.Stack
	progress      io.Writer
}

// OpenAuto selects an existing stack of the project in workDir. Progress of each up
// streams to progress.
func OpenAuto(ctx context.Context, workDir, name string, progress io.Writer) (*AutoStack, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(workDir))
	if err != nil {
		return nil, fmt.Errorf("opening the Pulumi project in %s: %w", workDir, err)
	}
	st, err := auto.SelectStack(ctx, name, ws)
	if err != nil {
		return nil, fmt.Errorf("selecting stack %s: %w", name, err)
	}
	if progress == nil {
		progress = io.Discard
	}
	return &AutoStack{name: name, workDir: workDir, ws: ws, stack: st, progress: progress}, nil
}

func (s *AutoStack) Name() string { return s.name }

// stackFile is the committed Pulumi.<stack>.yaml (the last path element of an
// org/project/stack name).
func (s *AutoStack) stackFile() string {
	n := s.name
	if i := strings.LastIndex(n, "/"); i >= 0 {
		n = n[i+1:]
	}
	return filepath.Join(s.workDir, "Pulumi."+n+".yaml")
}

func (s *AutoStack) Config(ctx context.Context) (map[string]string, error) {
	all, err := s.ws.GetAllConfig(ctx, s.name)
	if err != nil {
		return nil, fmt.Errorf("reading the config of stack %s: %w", s.name, err)
	}
	out := make(map[string]string, len(all))
	for k, v := range all {
		if !v.Secret {
			out[k] = v.Value
		}
	}
	return out, nil
}

// Up runs `pulumi up --refresh --config-file <copy>` where the copy is the stack file
// with the overrides applied, in a temporary folder removed afterwards; the policy
// gate judges the preview of the same config first (gate.go).
func (s *AutoStack) Up(ctx context.Context, o Overrides) error {
	base, err := os.ReadFile(s.stackFile())
	if err != nil {
		return fmt.Errorf("reading %s: %w", s.stackFile(), err)
	}
	data, err := Overlay(base, o)
	if err != nil {
		return fmt.Errorf("%s: %w", s.stackFile(), err)
	}
	dir, err := os.MkdirTemp("", "sgraph-send-run-config-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, filepath.Base(s.stackFile()))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	err = s.gatedUp(ctx, path, func(ctx context.Context) error {
		_, err := s.stack.Up(ctx, optup.ConfigFile(path), optup.Refresh(),
			optup.ProgressStreams(s.progress), optup.ErrorProgressStreams(s.progress))
		return err
	})
	if err != nil {
		return fmt.Errorf("pulumi up on %s (%s): %w", s.name, o, err)
	}
	return nil
}

func (s *AutoStack) Outputs(ctx context.Context) (smoke.RawOutputs, error) {
	om, err := s.stack.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the outputs of stack %s: %w", s.name, err)
	}
	raw := make(smoke.RawOutputs, len(om))
	for k, v := range om {
		raw[k] = smoke.Value{Value: v.Value, Secret: v.Secret}
	}
	return raw, nil
}

func (s *AutoStack) Tags(ctx context.Context) (map[string]string, error) {
	t, err := s.ws.ListTags(ctx, s.name)
	if err != nil {
		return nil, fmt.Errorf("reading the tags of stack %s: %w", s.name, err)
	}
	return t, nil
}

func (s *AutoStack) SetTags(ctx context.Context, tags map[string]string) error {
	for _, k := range sortedKeys(tags) {
		if err := s.ws.SetTag(ctx, s.name, k, tags[k]); err != nil {
			return fmt.Errorf("setting tag %s on stack %s: %w", k, s.name, err)
		}
	}
	return nil
}

func (s *AutoStack) RemoveTags(ctx context.Context, keys []string) error {
	have, err := s.Tags(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, ok := have[k]; !ok {
			continue
		}
		if err := s.ws.RemoveTag(ctx, s.name, k); err != nil {
			return fmt.Errorf("removing tag %s from stack %s: %w", k, s.name, err)
		}
	}
	return nil
}
