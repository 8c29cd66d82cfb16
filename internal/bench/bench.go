// Package bench runs the real program (stacks.Run) under pulumi.WithMocks with
// the configuration of a real stack file, and records every resource and export
// so tests, policies and the offline plan can inspect the graph. It never talks
// to a cloud.
package bench

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// PlaceholderSecret is what missing secrets are replaced with when asked to.
const PlaceholderSecret = "placeholder-secret-not-for-deploy"

// Options selects the stack and adjusts its configuration for one run.
type Options struct {
	// Dir holds Pulumi.yaml; empty means search upwards from the working directory.
	Dir string
	// Stack names the stack file, e.g. "dev" for Pulumi.dev.yaml.
	Stack string
	// Set overrides plain config values; keys without a namespace get the project's.
	Set map[string]string
	// Secrets sets secret config values (tests supply them; nothing is committed).
	Secrets map[string]string
	// Remove deletes keys after the stack file and overrides are applied.
	Remove []string
	// Placeholders fills every secret the program needs and nobody supplied
	// with PlaceholderSecret, and lists them in Result.Placeholders.
	Placeholders bool
	// KeepPlaceholders runs prod with its committed domain and hostedZoneId
	// placeholders, which the program refuses (stacks/placeholders.go); by
	// default they are replaced by stacks.OfflineDomain/OfflineHostedZoneID
	// and listed in Result.StandIns.
	KeepPlaceholders bool
	// Preview runs the program as `pulumi preview` does: a dry run in which
	// providers report no computed outputs, so every output not given as an
	// input (ids, ARNs, URLs, image digests) is unknown.
	Preview bool
	// Program replaces stacks.Program, for tests of the bench itself.
	Program func(*pulumi.Context) (map[string]pulumi.Input, error)
}

// Value is one resolved stack output.
type Value struct {
	Value  any
	Known  bool
	Secret bool
}

// Result is what one run registered and exported.
type Result struct {
	Stack        string
	Resources    []*Resource // sorted by URN, stable across runs
	Outputs      map[string]Value
	Placeholders []string // secret keys filled with placeholders
	// StandIns are the keys whose committed placeholders (prod's domain and
	// hostedZoneId) were replaced by offline values for this run.
	StandIns []string
	Config   map[string]string
	// SecretValues are the values of every secret config key, so policies can
	// find a secret that leaked into a plaintext input or output.
	SecretValues []string
}

// Run runs the program for opts.Stack under mocks. A program error (for example
// a config error) is returned together with whatever was registered before it,
// so tests can assert that nothing was.
func Run(opts Options) (*Result, error) {
	dir := opts.Dir
	if dir == "" {
		var err error
		if dir, err = FindRoot(); err != nil {
			return nil, err
		}
	}
	sc, _, err := loadStackConfig(dir, opts.Stack)
	if err != nil {
		return nil, err
	}
	qualify := func(k string) string {
		if strings.Contains(k, ":") {
			return k
		}
		return sc.project + ":" + k
	}
	for k, v := range opts.Set {
		sc.values[qualify(k)] = v
	}
	for k, v := range opts.Secrets {
		sc.values[qualify(k)] = v
		sc.secrets[qualify(k)] = true
	}
	res := &Result{Stack: opts.Stack, Outputs: map[string]Value{}}
	for _, k := range stacks.SecretKeys {
		key := qualify(k)
		if _, ok := sc.values[key]; !ok && (opts.Placeholders || sc.secrets[key]) {
			// Encrypted in the stack file or missing: the bench cannot decrypt.
			sc.values[key] = PlaceholderSecret
			sc.secrets[key] = true
			res.Placeholders = append(res.Placeholders, key)
		}
	}
	if !opts.KeepPlaceholders && sc.values[qualify("environment")] == "prod" {
		standIn := map[string]string{"domain": stacks.OfflineDomain, "hostedZoneId": stacks.OfflineHostedZoneID}
		for _, p := range stacks.PlaceholderKeys {
			key := qualify(p.Key)
			if v, ok := sc.values[key]; ok && stacks.PlaceholderProblem(p.Key, v) != "" {
				sc.values[key] = standIn[p.Key]
				res.StandIns = append(res.StandIns, key)
			}
		}
	}
	for _, k := range opts.Remove {
		delete(sc.values, qualify(k))
		delete(sc.secrets, qualify(k))
	}
	res.Config = sc.values
	for k := range sc.secrets {
		if v := sc.values[k]; v != "" {
			res.SecretValues = append(res.SecretValues, v)
		}
	}

	secretKeys := make([]string, 0, len(sc.secrets))
	for k := range sc.secrets {
		secretKeys = append(secretKeys, k)
	}
	m := newMocks(sc.project, opts.Stack, sc.values)
	m.preview = opts.Preview
	ctx, err := pulumi.NewContext(context.Background(), pulumi.RunInfo{
		Project:          sc.project,
		Stack:            opts.Stack,
		Config:           sc.values,
		ConfigSecretKeys: secretKeys,
		RootDirectory:    dir,
		DryRun:           opts.Preview,
		Mocks:            m,
	})
	if err != nil {
		return nil, err
	}
	program := opts.Program
	if program == nil {
		program = stacks.Program
	}
	var exported map[string]pulumi.Input
	runErr := pulumi.RunWithContext(ctx, func(ctx *pulumi.Context) error {
		var err error
		exported, err = program(ctx)
		return err
	})
	res.Resources = m.resources()
	if runErr != nil {
		return res, runErr
	}
	for k, in := range exported {
		r, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(in))
		if err != nil {
			return res, fmt.Errorf("output %s: %w", k, err)
		}
		res.Outputs[k] = Value{Value: r.Value, Known: r.Known, Secret: r.Secret}
	}
	return res, nil
}

// OutputKeys returns the exported names in order.
func (r *Result) OutputKeys() []string {
	keys := make([]string, 0, len(r.Outputs))
	for k := range r.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
