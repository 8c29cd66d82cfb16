package stacks_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// endpointKey maps a pulumi-aws module to its aws:endpoints key.
var endpointKey = map[string]string{
	"s3": "s3", "lambda": "lambda", "iam": "iam", "cloudwatch": "cloudwatchlogs",
	"ecr": "ecr", "ssm": "ssm", "sts": "sts", "sns": "sns",
}

// TestLocalStackSendsEveryAWSResourceToTheEmulator runs the program for
// Pulumi.local.yaml under mocks (what `go run ./cmd/plan -stack local` shows) and
// checks the provider configuration it sees: every AWS module in the graph has an
// endpoint on localhost, credentials checks are off, and no resource uses an explicit
// provider that would bypass the stack config. Not run against LocalStack here.
func TestLocalStackSendsEveryAWSResourceToTheEmulator(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "local"})
	for _, k := range []string{"aws:skipCredentialsValidation", "aws:skipRequestingAccountId", "aws:s3UsePathStyle"} {
		assert.Equal(t, "true", r.Config[k], k)
	}
	assert.Equal(t, "test", r.Config["aws:accessKey"])
	var endpoints []map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.Config["aws:endpoints"]), &endpoints), "aws:endpoints = %q", r.Config["aws:endpoints"])
	require.Len(t, endpoints, 1)

	modules := map[string]bool{}
	for _, res := range r.Resources {
		if !strings.HasPrefix(res.Type, "aws:") {
			continue
		}
		assert.Empty(t, res.Provider, "%s %s uses an explicit provider, which ignores aws:endpoints", res.Type, res.Name)
		mod, _, _ := strings.Cut(strings.TrimPrefix(res.Type, "aws:"), "/")
		modules[mod] = true
	}
	require.NotEmpty(t, modules, "no AWS resource in the local graph")
	names := make([]string, 0, len(modules))
	for m := range modules {
		names = append(names, m)
	}
	sort.Strings(names)
	for _, m := range names {
		key, ok := endpointKey[m]
		if !assert.True(t, ok, "AWS module %s has no endpoint mapping: add it to Pulumi.local.yaml's aws:endpoints and to endpointKey", m) {
			continue
		}
		assert.Equal(t, "http://localhost:4566", endpoints[0][key], "aws:endpoints has no LocalStack endpoint for %s (module %s)", key, m)
	}
	t.Logf("AWS modules sent to LocalStack: %s", strings.Join(names, ", "))
}
