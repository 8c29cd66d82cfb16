package pipeline

import (
	"context"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

// gatedUp runs the policy gate (internal/ops/gate) on `pulumi preview --json`
// with the same config file, then up only when no mandatory rule fails: every
// up of cmd/cycle and cmd/release is judged by the rules of the offline plan
// on the real engine's preview.
func (s *AutoStack) gatedUp(ctx context.Context, configFile string, up func(context.Context) error) error {
	return gate.GuardWorkspace(ctx, s.ws, s.workDir, s.name, s.progress, up, "--config-file", configFile)
}
