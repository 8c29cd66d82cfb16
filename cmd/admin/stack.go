package main

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// autoSource (the same adapter as cmd/smoke's) reads a stack's outputs through the Automation API. It is a
// thin adapter on purpose: all validation happens in smoke.Parse, shared
// with the JSON path. It needs the Pulumi CLI and the stack's backend
// (login, passphrase) as `pulumi stack output` would.
//
// It reads through the project's workspace without selecting the stack:
// auto.SelectStackLocalSource runs `pulumi stack select`, which persists,
// so a smoke run against prod would leave prod selected for the operator's
// next `pulumi up`. StackOutputs passes --stack instead, which changes
// nothing and fails the same way for an unknown stack.
type autoSource struct {
	stack   string
	workDir string
}

func (s autoSource) Outputs(ctx context.Context) (smoke.RawOutputs, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(s.workDir))
	if err != nil {
		return nil, fmt.Errorf("opening Pulumi project in %s: %w", s.workDir, err)
	}
	om, err := ws.StackOutputs(ctx, s.stack)
	if err != nil {
		return nil, fmt.Errorf("reading outputs of stack %q in %s: %w", s.stack, s.workDir, err)
	}
	return fromAuto(om), nil
}

// fromAuto converts the Automation API's map; secrets arrive decrypted
// with Secret set, which is what redaction keys on.
func fromAuto(om auto.OutputMap) smoke.RawOutputs {
	raw := make(smoke.RawOutputs, len(om))
	for k, v := range om {
		raw[k] = smoke.Value{Value: v.Value, Secret: v.Secret}
	}
	return raw
}
