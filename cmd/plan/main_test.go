package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

func TestPlanTreeForEachStack(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run([]string{"-stack", stack}, &out, &errOut)
			require.Equal(t, 0, code, errOut.String())
			assert.Contains(t, out.String(), "Stack "+stack+":")
			assert.Contains(t, out.String(), "sgraph-send:storage:Bucket sgraph-send-"+stack+"-storage")
			assert.Contains(t, out.String(), "Policies:")
			assert.Contains(t, out.String(), ", 0 failed")
			assert.Contains(t, errOut.String(), "placeholders", "missing secrets are announced")
			if stack == "prod" {
				assert.Contains(t, out.String(), "aws:s3/bucketV2:BucketV2 sgraph-send-prod-storage  [protect retainOnDelete]")
			}
			// Dev prints what it costs between test cycles; prod has no cycle.
			between := regexp.MustCompile(`Between cycles \(after .*\): (\d+\.\d\d) USD/month idle \(budget 5\.00\)`).FindStringSubmatch(out.String())
			if stack == "prod" {
				assert.Nil(t, between)
				return
			}
			require.NotNil(t, between, out.String())
			usd, err := strconv.ParseFloat(between[1], 64)
			require.NoError(t, err)
			assert.LessOrEqual(t, usd, 5.0)
		})
	}
}

func TestPlanJSONContract(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-stack", "prod", "-json"}, &out, &errOut), errOut.String())
	var doc struct {
		Stack     string `json:"stack"`
		Resources []struct {
			Type           string         `json:"type"`
			Name           string         `json:"name"`
			Parent         *string        `json:"parent"`
			DependsOn      []string       `json:"dependsOn"`
			Protect        *bool          `json:"protect"`
			RetainOnDelete *bool          `json:"retainOnDelete"`
			Inputs         map[string]any `json:"inputs"`
		} `json:"resources"`
		Outputs  map[string]any `json:"outputs"`
		Policies []struct {
			Rule     string `json:"rule"`
			Resource string `json:"resource"`
			Passed   *bool  `json:"passed"`
			Message  string `json:"message"`
		} `json:"policies"`
	}
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(out.Bytes(), &raw))
	for _, k := range []string{"stack", "resources", "outputs", "policies"} {
		assert.Contains(t, raw, k)
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "prod", doc.Stack)
	found := false
	for _, r := range doc.Resources {
		require.NotNil(t, r.Parent, r.Name)
		require.NotNil(t, r.Protect)
		require.NotNil(t, r.RetainOnDelete)
		require.NotNil(t, r.DependsOn, "dependsOn is a list, never null")
		if r.Type == "aws:s3/bucketV2:BucketV2" {
			found = true
			assert.Equal(t, "sgraph-send:storage:Bucket", *r.Parent)
			assert.True(t, *r.Protect)
			assert.True(t, *r.RetainOnDelete)
			assert.Equal(t, false, r.Inputs["forceDestroy"])
		}
		if r.Type == "sgraph-send:storage:Bucket" {
			assert.Equal(t, "", *r.Parent, "top-level resources have an empty parent")
		}
	}
	assert.True(t, found)
	assert.Equal(t, "prod", doc.Outputs["environment"])
	require.NotEmpty(t, doc.Policies)
	for _, p := range doc.Policies {
		require.NotNil(t, p.Passed)
		assert.NotEmpty(t, p.Rule)
	}
	// Secrets never appear in the JSON, whatever their source.
	assert.NotContains(t, out.String(), bench.PlaceholderSecret)
}

func TestPlanExitCodes(t *testing.T) {
	dir := t.TempDir()
	root, err := bench.FindRoot()
	require.NoError(t, err)
	project, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o600))
	write := func(stack, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(body), 0o600))
	}
	write("broken", "config:\n  aws:region: eu-west-2\n  sgraph-send:appVersion: latest\n")
	write("ok", "config:\n  aws:region: eu-west-2\n  sgraph-send:appVersion: 0.27.6\n")

	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"config error", []string{"-dir", dir, "-stack", "broken"}, 2, "sgraph-send:appVersion"},
		{"missing stack file", []string{"-dir", dir, "-stack", "nope"}, 2, `stack "nope"`},
		{"bad flag", []string{"-bogus"}, 2, "flag provided but not defined"},
		{"stray argument", []string{"-stack", "dev", "extra"}, 2, "unexpected arguments"},
		{"minimal stack passes", []string{"-dir", dir, "-stack", "ok"}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, tc.code, run(tc.args, &out, &errOut), errOut.String())
			if tc.err != "" {
				assert.Contains(t, errOut.String(), tc.err)
			}
			assert.False(t, strings.Contains(errOut.String(), "panic"))
		})
	}
}

func TestFailingPolicyExitsOne(t *testing.T) {
	saved := rules
	t.Cleanup(func() { rules = saved })
	rules = func() []policy.Rule {
		return []policy.Rule{{Name: "always-fails", Check: func(r *bench.Result) []policy.Finding {
			return []policy.Finding{{Resource: "x", Passed: false, Message: "broken on purpose"}}
		}}}
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, 1, run([]string{"-stack", "dev"}, &out, &errOut))
	assert.Contains(t, out.String(), "FAIL always-fails")
	assert.Contains(t, out.String(), "1 failed")
}
