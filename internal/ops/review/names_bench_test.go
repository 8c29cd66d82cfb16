package review

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// scopedNames are resource types whose name lives inside another resource's
// namespace (a Lambda alias is unique per function, "live" on every one):
// their parent's name is what must derive from the stack.
var scopedNames = map[string]bool{"aws:lambda/alias:Alias": true}

// physicalNames are the names a resource takes in the cloud: its logical
// name and every top-level string input named like a name (name, bucket,
// functionName, roleName, ...).
func physicalNames(r *bench.Result) map[string]string {
	out := map[string]string{}
	for _, res := range r.Resources {
		if !res.Custom {
			continue
		}
		if scopedNames[res.Type] {
			out[res.Name] = res.String()
			continue
		}
		out[res.Name] = res.String()
		for k := range res.Inputs {
			key := strings.ToLower(string(k))
			if key != "bucket" && !strings.HasSuffix(key, "name") && key != "nameprefix" {
				continue
			}
			if s := res.Str(string(k)); s != "" && !strings.HasPrefix(s, "[") {
				out[s] = res.String() + " " + string(k)
			}
		}
	}
	return out
}

// A review stack's resources share no name with dev's or prod's: everything
// derives from the stack name, so pr-123 can neither overwrite nor delete
// what dev or prod run, and it carries its own budget.
func TestReviewStackSharesNoNameWithDevOrProd(t *testing.T) {
	root, err := bench.FindRoot()
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	require.NoError(t, os.CopyFS(filepath.Join(dir, "docker"), os.DirFS(filepath.Join(root, "docker"))))
	dev, err := os.ReadFile(filepath.Join(root, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	cfg, err := Config(dev, 123, Options{GCP: true})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.pr-123.yaml"), cfg, 0o600))

	review := bench.MustRun(t, bench.Options{Dir: dir, Stack: "pr-123", Placeholders: true})
	mine := physicalNames(review)
	require.NotEmpty(t, mine)
	var types []string
	for _, res := range review.Resources {
		types = append(types, res.Type)
	}
	assert.Contains(t, types, "aws:lambda/function:Function")
	assert.Contains(t, types, "gcp:cloudrunv2/service:Service")
	assert.Contains(t, types, "aws:budgets/budget:Budget", "a review stack has its own budget")
	assert.NotContains(t, types, "aws:ecs/service:Service", "no Fargate in a review stack")
	assert.NotContains(t, types, "aws:ec2/instance:Instance", "no EC2 in a review stack")
	for name, what := range mine {
		assert.Contains(t, name, "pr-123", "%s: name %q does not derive from the stack", what, name)
	}
	for _, other := range []string{"dev", "prod"} {
		theirs := physicalNames(bench.MustRun(t, bench.Options{Dir: dir, Stack: other, Placeholders: true}))
		var shared []string
		for name := range mine {
			if _, ok := theirs[name]; ok {
				shared = append(shared, name)
			}
		}
		sort.Strings(shared)
		assert.Empty(t, shared, "pr-123 shares names with %s", other)
	}
}
