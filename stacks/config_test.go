package stacks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

func TestRealStacksRun(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack})
			assert.NotEmpty(t, r.Resources)
			for _, key := range []string{outputs.Stack, outputs.Environment, outputs.AppVersion, outputs.BucketName, outputs.BucketArn, outputs.AwsRegion} {
				v, ok := r.Output(key)
				require.True(t, ok, "output %s not exported", key)
				assert.True(t, v.Known, key)
				assert.NotEmpty(t, v.Value, key)
			}
			env, _ := r.Output(outputs.Environment)
			assert.Equal(t, stack, env.Value)
		})
	}
}

// configErr runs the dev stack with changes and returns the config errors.
func configErr(t *testing.T, opts bench.Options) (stacks.ConfigErrors, *bench.Result) {
	t.Helper()
	if opts.Stack == "" {
		opts.Stack = "dev"
	}
	secrets := map[string]string{}
	for k, v := range bench.TestSecrets {
		secrets[k] = v
	}
	for k, v := range opts.Secrets {
		secrets[k] = v
	}
	opts.Secrets = secrets
	r, err := bench.Run(opts)
	require.Error(t, err, "bad config must fail the run")
	var ce stacks.ConfigErrors
	require.True(t, errors.As(err, &ce), "want stacks.ConfigErrors, got %T: %v", err, err)
	return ce, r
}

func TestBadConfigNamesTheKeyAndRegistersNothing(t *testing.T) {
	cases := []struct {
		name    string
		opts    bench.Options
		key     string
		message string // a fragment of the fix or the allowed range
	}{
		{"unknown environment", bench.Options{Set: map[string]string{"environment": "staging"}}, "sgraph-send:environment", "allowed: dev, prod"},
		{"unpinned version", bench.Options{Set: map[string]string{"appVersion": "latest"}}, "sgraph-send:appVersion", "exact release"},
		{"version range", bench.Options{Set: map[string]string{"appVersion": ">=0.27"}}, "sgraph-send:appVersion", "exact release"},
		{"prod without a version", bench.Options{Stack: "prod", Set: map[string]string{"appVersion": ""}}, "sgraph-send:appVersion", "prod must pin"},
		{"unknown target", bench.Options{Set: map[string]string{"targets": `["kubernetes"]`}}, "sgraph-send:targets", "unknown target"},
		{"targets not a list", bench.Options{Set: map[string]string{"targets": `lambda`}}, "sgraph-send:targets", "not an array"},
		{"no aws region", bench.Options{Remove: []string{"aws:region"}}, "aws:region", "pulumi config set aws:region"},
		{"bad aws region", bench.Options{Set: map[string]string{"aws:region": "europe"}}, "aws:region", "not an AWS region"},
		{"retention CloudWatch refuses", bench.Options{Set: map[string]string{"logRetentionDays": "8"}}, "sgraph-send:logRetentionDays", "CloudWatch accepts only"},
		{"retention not a number", bench.Options{Set: map[string]string{"logRetentionDays": "week"}}, "sgraph-send:logRetentionDays", "not an integer"},
		{"reserved tag prefix", bench.Options{Set: map[string]string{"tags": `{"aws:owner":"me"}`}}, "sgraph-send:tags", "may not start with aws:"},
		{"privileged app port", bench.Options{Set: map[string]string{"appContract": `{"port":80}`}}, "sgraph-send:appContract", "1024..65535"},
		{"unknown contract field", bench.Options{Set: map[string]string{"appContract": `{"helthPath":"/x"}`}}, "sgraph-send:appContract", "unknown field"},
		{"health path not a path", bench.Options{Set: map[string]string{"appContract": `{"healthPath":"info/health"}`}}, "sgraph-send:appContract", "absolute path starting with one /"},
		{"missing admin key", bench.Options{Remove: []string{"adminApiKey"}}, "sgraph-send:adminApiKey", "pulumi config set --secret adminApiKey"},
		{"missing upload token", bench.Options{Remove: []string{"uploadToken"}}, "sgraph-send:uploadToken", "pulumi config set --secret uploadToken"},
		{"short upload token", bench.Options{Secrets: map[string]string{"uploadToken": "short"}}, "sgraph-send:uploadToken", "at least 16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, tc.opts)
			require.Contains(t, ce.Keys(), tc.key)
			assert.Contains(t, ce.Error(), tc.message)
			assert.Empty(t, r.Resources, "a config error must register nothing")
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	ce, r := configErr(t, bench.Options{Set: map[string]string{
		"environment":      "qa",
		"appVersion":       "latest",
		"logRetentionDays": "2",
	}, Remove: []string{"aws:region"}})
	assert.ElementsMatch(t, []string{"sgraph-send:environment", "sgraph-send:appVersion", "sgraph-send:logRetentionDays", "aws:region"}, ce.Keys())
	assert.Empty(t, r.Resources)
}

func TestSecretValuesNeverInErrors(t *testing.T) {
	ce, _ := configErr(t, bench.Options{Secrets: map[string]string{"adminApiKey": "tiny-secret"}})
	assert.NotContains(t, ce.Error(), "tiny-secret")
}

func TestErrorsReadAsAList(t *testing.T) {
	ce, _ := configErr(t, bench.Options{Set: map[string]string{"logRetentionDays": "2"}})
	msg := ce.Error()
	assert.True(t, strings.HasPrefix(msg, "1 config problem(s), nothing was deployed:"), msg)
	assert.Contains(t, msg, `sgraph-send:logRetentionDays = "2"`)
}
