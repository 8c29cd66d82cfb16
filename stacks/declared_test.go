package stacks_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// keysRead loads a stack's config (no resources) and returns what Load read.
func keysRead(t *testing.T, opts bench.Options) map[string]string {
	t.Helper()
	var read map[string]string
	opts.Secrets = bench.TestSecrets
	opts.Program = func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
		c, err := stacks.Load(ctx)
		if err != nil {
			return nil, err
		}
		read = c.KeysRead()
		return nil, nil
	}
	_, err := bench.Run(opts)
	require.NoError(t, err)
	return read
}

// Pulumi.yaml must declare, with the right type, every non-secret key of the
// project's namespace the program reads, and nothing it never reads, so
// `pulumi config` users see exactly what exists.
func TestPulumiYamlDeclaresEveryKeyTheProgramReads(t *testing.T) {
	root, err := bench.FindRoot()
	require.NoError(t, err)
	proj, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, proj.Validate(), "the CLI validates Pulumi.yaml the same way")

	read := map[string]string{}
	for _, stack := range bench.Stacks {
		for k, kind := range keysRead(t, bench.Options{Stack: stack}) {
			read[k] = kind
		}
	}
	for key, kind := range read {
		name, ok := strings.CutPrefix(key, stacks.Namespace+":")
		if !ok || kind == "secret" {
			continue // provider keys belong to their providers; secrets are documented, not declared
		}
		decl, declared := proj.Config[name]
		if !assert.True(t, declared, "Pulumi.yaml does not declare %s", key) {
			continue
		}
		assert.NotEmpty(t, decl.Description, "%s needs a description", key)
		assert.NotNil(t, decl.Default, "%s needs a default", key)
		if kind == "object" {
			assert.Nil(t, decl.Type, "%s is an object: Pulumi.yaml types cannot express it", key)
		} else if assert.NotNil(t, decl.Type, "%s needs a type", key) {
			assert.Equal(t, kind, *decl.Type, "%s declared type", key)
		}
	}
	for name := range proj.Config {
		_, ok := read[stacks.Namespace+":"+name]
		assert.True(t, ok, "Pulumi.yaml declares %s but no stack reads it: remove it or switch on what reads it", name)
	}
	for _, k := range stacks.SecretKeys {
		_, declared := proj.Config[k]
		assert.False(t, declared, "secret %s must not be declared (the CLI would pre-empt the program's error)", k)
	}
}
