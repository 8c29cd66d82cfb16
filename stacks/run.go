// Package stacks is the program: it loads one stack's typed config, validates
// all of it, composes the components for the enabled targets and exports the
// outputs the smoke harness reads.
package stacks

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Run is the program's single entry point: main.go calls pulumi.Run(stacks.Run).
func Run(ctx *pulumi.Context) error {
	_, err := Program(ctx)
	return err
}

// Program runs the program and also returns what it exported, so tools that
// run it under mocks (the bench, the offline plan) can read the values.
func Program(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
	c, err := Load(ctx)
	if err != nil {
		return nil, err
	}
	ex := exports{
		outputs.Stack:             pulumi.String(c.Stack),
		outputs.Environment:       pulumi.String(string(c.Environment)),
		outputs.AppVersion:        pulumi.String(c.AppVersion),
		outputs.AwsRegion:         pulumi.String(c.AwsRegion),
		outputs.HealthPath:        pulumi.String(c.Contract.HealthPath),
		outputs.AdminKeyHeader:    pulumi.String(c.Contract.AdminKeyHeader),
		outputs.UploadTokenHeader: pulumi.String(c.Contract.UploadTokenHeader),
	}
	if len(c.Targets) > 0 {
		// The smoke harness needs both to prove auth works; they stay secrets.
		ex[outputs.AdminKey] = c.Secrets.AdminKey
		ex[outputs.UploadToken] = c.Secrets.UploadToken
	}
	s, err := deployShared(ctx, c, ex)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		if !c.On(t.name) {
			continue
		}
		out, err := t.deploy(ctx, c, s)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", t.name, err)
		}
		for k, v := range out {
			ex[k] = v
		}
	}
	if err := deployOps(ctx, c, s, ex); err != nil {
		return nil, fmt.Errorf("operations (alerts, alarms, budget): %w", err)
	}
	keys := make([]string, 0, len(ex))
	for k := range ex {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	result := make(map[string]pulumi.Input, len(ex))
	for _, k := range keys {
		ctx.Export(k, ex[k])
		result[k] = ex[k]
	}
	return result, nil
}

// deployShared builds what targets share: the storage bucket and, when a target
// runs it, the container image.
func deployShared(ctx *pulumi.Context, c *Config, ex exports) (*shared, error) {
	s := &shared{}
	if err := deployStorage(ctx, c, s, ex); err != nil {
		return nil, err
	}
	if c.needsImage() {
		if err := deployImage(ctx, c, s, ex); err != nil {
			return nil, err
		}
	}
	return s, nil
}
