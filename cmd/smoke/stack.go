package main

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// autoSource reads a stack's outputs through the Automation API. It is a
// thin adapter on purpose: all validation happens in smoke.Parse, shared
// with the JSON path. It needs the Pulumi CLI and the stack's backend
// (login, passphrase) as `pulumi stack output` would.
type autoSource struct {
	stack   string
	workDir string
}

func (s autoSource) Outputs(ctx context.Context) (smoke.RawOutputs, error) {
	st, err := auto.SelectStackLocalSource(ctx, s.stack, s.workDir)
	if err != nil {
		return nil, fmt.Errorf("selecting stack %q in %s: %w", s.stack, s.workDir, err)
	}
	om, err := st.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading outputs of stack %q: %w", s.stack, err)
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
