package stacks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// Prod's committed domain and hostedZoneId are placeholders: the program
// refuses them at load, naming both keys and the commands that fix them,
// before anything is registered (so `pulumi preview` fails, not `up`).
func TestProdRefusesItsPlaceholders(t *testing.T) {
	ce, r := configErr(t, bench.Options{Stack: "prod", KeepPlaceholders: true})
	assert.Equal(t, []string{"sgraph-send:domain", "sgraph-send:hostedZoneId"}, ce.Keys())
	msg := ce.Error()
	assert.Contains(t, msg, "`pulumi config set domain send.<your-domain>`")
	assert.Contains(t, msg, "`pulumi config set hostedZoneId <Z...")
	assert.Contains(t, msg, `"send.example.com"`)
	assert.Empty(t, r.Resources, "nothing registered")
}

func TestPlaceholdersOnlyMatterInProd(t *testing.T) {
	cases := []struct {
		name  string
		opts  bench.Options
		stand []string
	}{
		{"prod with the operator's own values", bench.Options{Stack: "prod", KeepPlaceholders: true,
			Set: map[string]string{"domain": "send.sgraph.example.ai", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}}, nil},
		{"dev may use a documentation domain", bench.Options{Stack: "dev", KeepPlaceholders: true,
			Set: map[string]string{"domain": "send.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}}, nil},
		{"offline tools stand in for prod's placeholders and say so", bench.Options{Stack: "prod"},
			[]string{"sgraph-send:domain", "sgraph-send:hostedZoneId"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, tc.opts)
			assert.Equal(t, tc.stand, r.StandIns)
		})
	}
}

func TestPlaceholderProblem(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		want       bool
	}{
		{"domain", "send.example.com", true},
		{"domain", "EXAMPLE.org", true},
		{"domain", "send.example.net", true},
		{"domain", "send.notexample.com", false},
		{"domain", "example.com.evil.io", false},
		{"domain", "", false},
		{"hostedZoneId", "ZPLACEHOLDEROVERRIDEME", true},
		{"hostedZoneId", "Z0123456789ABCDEFGHIJ", false},
		{"appVersion", "send.example.com", false},
	} {
		assert.Equal(t, tc.want, stacks.PlaceholderProblem(tc.key, tc.value) != "", "%s=%q", tc.key, tc.value)
	}
}

// Every problem line names its fix: a command in backticks. Range errors
// suggest the nearest allowed value.
func TestEveryProblemNamesItsFix(t *testing.T) {
	cases := []struct {
		name string
		set  map[string]string
		want string // the fix of the first problem
	}{
		{"above the range", map[string]string{"lambdaMemoryMb": "99999"}, "out of range; allowed 128..10240; fix: `pulumi config set lambdaMemoryMb 10240`"},
		{"below the range", map[string]string{"lambdaMemoryMb": "64"}, "fix: `pulumi config set lambdaMemoryMb 128`"},
		{"not an integer", map[string]string{"fargateDesiredCount": "two"}, "fix: `pulumi config set fargateDesiredCount 0`"},
		{"not a boolean", map[string]string{"ec2Spot": "yes please"}, "fix: `pulumi config set ec2Spot false`"},
		{"not one of", map[string]string{"cloudRunStorageMode": "tape"}, "fix: `pulumi config set cloudRunStorageMode memory`"},
		{"a check with its own words", map[string]string{"appContract": `{"port":80}`}, "fix: `pulumi config set appContract <value>`"},
		{"several at once", map[string]string{"logRetentionDays": "0", "ec2RootVolumeGb": "4", "alarmPeriodSeconds": "5"}, "`pulumi config set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{"targets": `["lambda","fargate","ec2","cloudrun"]`, "prebuiltImage": bench.PrebuiltImage, "prebuiltGcpImage": prebuiltGcpImage}
			for k, v := range tc.set {
				set[k] = v
			}
			ce, _ := configErr(t, bench.Options{Set: set})
			require.NotEmpty(t, ce)
			assert.Contains(t, ce[0].Problem, tc.want)
			for _, e := range ce {
				assert.True(t, strings.Contains(e.Problem, "`"), "%s names no fix: %s", e.Key, e.Problem)
			}
		})
	}
}
