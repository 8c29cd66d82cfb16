package gate

import (
	"context"
	"fmt"
	"io"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// DebugCommands unhides the CLI's --event-log flag, as the Automation API
// sets it for its own runs; every RunCLI given to Preview must set it.
const DebugCommands = "PULUMI_DEBUG_COMMANDS=true"

// WorkspaceCLI runs the workspace's pulumi CLI in workDir with its environment.
func WorkspaceCLI(ws auto.Workspace, workDir string) RunCLI {
	return func(ctx context.Context, args ...string) (string, string, int, error) {
		env := []string{DebugCommands}
		for k, v := range ws.GetEnvVars() {
			env = append(env, k+"="+v)
		}
		return ws.PulumiCommand().Run(ctx, workDir, nil, nil, nil, env, args...)
	}
}

// StackConfig splits a stack's config into its non-secret values and the
// values of its secrets (only compared, never printed).
func StackConfig(ctx context.Context, ws auto.Workspace, stack string) (map[string]string, []string, error) {
	all, err := ws.GetAllConfig(ctx, stack)
	if err != nil {
		return nil, nil, fmt.Errorf("policy gate: reading the config of stack %s: %w", stack, err)
	}
	conf := map[string]string{}
	var secrets []string
	for k, v := range all {
		if v.Secret {
			secrets = append(secrets, v.Value)
		} else {
			conf[k] = v.Value
		}
	}
	return conf, secrets, nil
}

// GuardWorkspace is Guard for a stack of the project in ws (workDir), the
// preview run with extra arguments (e.g. --config-file); up may be nil to
// judge only.
func GuardWorkspace(ctx context.Context, ws auto.Workspace, workDir, stack string, log io.Writer,
	up func(context.Context) error, extra ...string) error {
	conf, secrets, err := StackConfig(ctx, ws, stack)
	if err != nil {
		return err
	}
	preview := func(ctx context.Context) (*Digest, error) {
		return Preview(ctx, WorkspaceCLI(ws, workDir), stack, extra...)
	}
	return Guard(ctx, preview, workDir, stack, conf, secrets, log, up)
}
