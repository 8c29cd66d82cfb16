// Package stacksource reads a stack's outputs through the Automation API for
// the commands that need them (cmd/smoke, cmd/admin). It is kept out of package
// smoke so the harness itself builds without the Automation API.
package stacksource

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Auto reads a stack's outputs through the Automation API. It is a
// thin adapter on purpose: all validation happens in smoke.Parse, shared
// with the JSON path. It needs the Pulumi CLI and the stack's backend
// (login, passphrase) as `pulumi stack output` would.
//
// It reads through the project's workspace without selecting the stack:
// auto.SelectStackLocalSource runs `pulumi stack select`, which persists,
// so a smoke run against prod would leave prod selected for the operator's
// next `pulumi up`. StackOutputs passes --stack instead, which changes
// nothing and fails the same way for an unknown stack.
type Auto struct {
	Stack   string
	WorkDir string
}

func (s Auto) Outputs(ctx context.Context) (smoke.RawOutputs, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(s.WorkDir))
	if err != nil {
		return nil, fmt.Errorf("opening Pulumi project in %s: %w", s.WorkDir, err)
	}
	om, err := ws.StackOutputs(ctx, s.Stack)
	if err != nil {
		return nil, fmt.Errorf("reading outputs of stack %q in %s: %w", s.Stack, s.WorkDir, err)
	}
	return FromAuto(om), nil
}

// FromAuto converts the Automation API's map; secrets arrive decrypted
// with Secret set, which is what redaction keys on.
func FromAuto(om auto.OutputMap) smoke.RawOutputs {
	raw := make(smoke.RawOutputs, len(om))
	for k, v := range om {
		raw[k] = smoke.Value{Value: v.Value, Secret: v.Secret}
	}
	return raw
}
