package review

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

func TestNames(t *testing.T) {
	tests := []struct {
		stack string
		pr    int
		ok    bool
	}{
		{"pr-1", 1, true}, {"pr-123", 123, true},
		{"dev", 0, false}, {"prod", 0, false}, {"pr-0", 0, false}, {"pr-01", 0, false},
		{"pr-12a", 0, false}, {"xpr-1", 0, false}, {"pr-", 0, false},
	}
	for _, tt := range tests {
		pr, ok := PR(tt.stack)
		assert.Equal(t, tt.ok, ok, tt.stack)
		assert.Equal(t, tt.pr, pr, tt.stack)
	}
	n, err := StackName(42)
	require.NoError(t, err)
	assert.Equal(t, "pr-42", n)
	_, err = StackName(0)
	assert.Error(t, err)
}

func TestConfig(t *testing.T) {
	dev, err := os.ReadFile(filepath.Join("..", "..", "..", "Pulumi.dev.yaml"))
	require.NoError(t, err)
	for _, gcp := range []bool{false, true} {
		b, err := Config(dev, 7, Options{GCP: gcp})
		require.NoError(t, err)
		var doc struct {
			Config map[string]any `yaml:"config"`
		}
		require.NoError(t, yaml.Unmarshal(b, &doc))
		c := doc.Config
		want := []any{"lambda"}
		if gcp {
			want = append(want, "cloudrun")
		}
		assert.Equal(t, want, c["sgraph-send:targets"], "cheap targets only (gcp=%v)", gcp)
		assert.Equal(t, BudgetUSD, c["sgraph-send:monthlyBudgetUsd"])
		assert.Equal(t, "dev", c["sgraph-send:environment"])
		assert.Equal(t, "7", c["sgraph-send:tags"].(map[string]any)["review-pr"])
		_, hasGCP := c["gcp:project"]
		assert.Equal(t, gcp, hasGCP)
	}
	_, err = Config([]byte("nope: ["), 1, Options{})
	assert.Error(t, err)
}

func TestSweep(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	listed := []Listed{
		{Name: "dev", LastUpdate: "2020-01-01T00:00:00Z"},
		{Name: "prod"},
		{Name: "org/sgraph-send/pr-1", LastUpdate: now.Add(-time.Hour).Format(time.RFC3339)}, // closed
		{Name: "pr-2", LastUpdate: now.Add(-time.Hour).Format(time.RFC3339)},                 // open, fresh
		{Name: "pr-3", LastUpdate: now.Add(-10 * 24 * time.Hour).Format(time.RFC3339)},       // open, stale
		{Name: "pr-x1"},
	}
	got := Sweep(listed, map[int]bool{2: true, 3: true}, now, 7*24*time.Hour)
	var names []string
	for _, r := range got {
		names = append(names, r.Stack+": "+r.Why)
	}
	assert.Equal(t, []string{"pr-1: pull request #1 is not open", "pr-3: not updated for 240h0m0s (TTL 168h0m0s)"}, names)
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name    string
		stack   string
		tracked bool
		fail    string // the command that fails
		want    []string
		err     string
	}{
		{"never deployed: no config to restore", "pr-5", false, "config", []string{"config refresh --force --stack pr-5", "destroy --yes --non-interactive --skip-preview --stack pr-5", "stack rm --yes --non-interactive --stack pr-5"}, ""},
		{"review stack", "pr-5", false, "", []string{"config refresh --force --stack pr-5", "destroy --yes --non-interactive --skip-preview --stack pr-5", "stack rm --yes --non-interactive --stack pr-5"}, ""},
		{"tracked config kept", "pr-5", true, "", []string{"config refresh --force --stack pr-5", "destroy --yes --non-interactive --skip-preview --stack pr-5", "stack rm --yes --non-interactive --stack pr-5 --preserve-config"}, ""},
		{"dev refused", "dev", false, "", nil, `refusing to remove stack "dev"`},
		{"prod refused", "prod", false, "", nil, `refusing to remove stack "prod"`},
		{"failed destroy keeps the stack", "pr-5", false, "destroy", []string{"config refresh --force --stack pr-5", "destroy --yes --non-interactive --skip-preview --stack pr-5"}, "pulumi destroy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			run := func(_ context.Context, args ...string) (string, string, int, error) {
				ran = append(ran, strings.Join(args, " "))
				if args[0] == tt.fail {
					return "", "boom", 1, errors.New("exit status 1")
				}
				return "", "", 0, nil
			}
			err := Remove(context.Background(), run, tt.stack, tt.tracked)
			assert.Equal(t, tt.want, ran)
			if tt.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tt.err)
			}
		})
	}
}

func TestComment(t *testing.T) {
	outs := map[string]any{"lambdaPublicUrl": "https://pub.lambda-url.eu-west-2.on.aws/", "lambdaAdminUrl": "https://adm.lambda-url.eu-west-2.on.aws/", "adminKey": "[secret]"}
	rep := &smoke.Report{Results: []smoke.Result{
		{Target: "lambda-public", Check: "health", Verdict: smoke.Pass},
		{Target: "lambda-admin", Check: "iam-unsigned", Verdict: smoke.Fail, Reason: "got 200 | want 403"},
	}}
	c := Comment(5, "pr-5", "0123456789abcdef", outs, rep)
	assert.True(t, strings.HasPrefix(c, Marker), "the marker finds the one comment to edit")
	assert.Contains(t, c, "smoke FAIL")
	assert.Contains(t, c, "| `lambdaPublicUrl` | https://pub.lambda-url.eu-west-2.on.aws/ |")
	assert.Contains(t, c, "| lambda-admin | iam-unsigned | FAIL: got 200 \\| want 403 |")
	assert.NotContains(t, c, "adminKey")
	rep.Results[1].Verdict = smoke.Pass
	assert.Contains(t, Comment(5, "pr-5", "abc", outs, rep), "smoke PASS")
	assert.Contains(t, Comment(5, "pr-5", "abc", outs, nil), "smoke NOT RUN")
}

func TestKeepStackSettings(t *testing.T) {
	gen := []byte("config:\n  sgraph-send:environment: dev\n")
	b, err := KeepStackSettings([]byte("secretsprovider: awskms://alias/x\nencryptedkey: abc\nconfig:\n  old: 1\n"), gen)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(b, &doc))
	assert.Equal(t, "awskms://alias/x", doc["secretsprovider"])
	assert.Equal(t, "abc", doc["encryptedkey"])
	assert.Equal(t, map[string]any{"sgraph-send:environment": "dev"}, doc["config"], "the config is the generated one")
	b, err = KeepStackSettings([]byte("config:\n  old: 1\n"), gen)
	require.NoError(t, err)
	assert.Equal(t, gen, b)
}
