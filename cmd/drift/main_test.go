package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The drift workflow's command on recorded previews: drift is exit 1 and a
// body naming resource, property and both values; no drift is exit 0 and no
// body; with -merge the other stack's section stays and an empty body means
// the issue can be closed.
func TestDrift(t *testing.T) {
	devSection := "<!-- drift:dev -->\n## Stack `dev`: 1 drifted resource(s)\n\n| x |\n<!-- /drift:dev -->\n"
	tests := []struct {
		name      string
		preview   string
		merge     *string // existing issue body
		code      int
		body      []string // substrings of the written body; nil: no file
		notInBody []string
	}{
		{"drift", "drifted.json", nil, 1,
			[]string{"<!-- drift:prod -->", "| `aws:lambda/function:Function` `sgraph-send-prod-public` | update | `memorySize` | `3008` | `1024` |"}, nil},
		{"no drift, no body", "clean.json", nil, 0, nil, nil},
		{"drift merged with dev's section", "drifted.json", &devSection, 1,
			[]string{"<!-- drift:dev -->", "<!-- drift:prod -->", "`memorySize`"}, nil},
		{"prod clean, dev's section kept", "clean.json", &devSection, 0,
			[]string{"<!-- drift:dev -->"}, []string{"drift:prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			body := filepath.Join(dir, "drift.md")
			args := []string{"-stack", "prod", "-preview", filepath.Join("testdata", tt.preview), "-body", body}
			if tt.merge != nil {
				cur := filepath.Join(dir, "current.md")
				require.NoError(t, os.WriteFile(cur, []byte(*tt.merge), 0o644))
				args = append(args, "-merge", cur)
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), args, &out, &errOut)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
			b, err := os.ReadFile(body)
			if tt.body == nil {
				assert.True(t, os.IsNotExist(err), "no drift must write no body, got %q", b)
				return
			}
			require.NoError(t, err)
			for _, s := range tt.body {
				assert.Contains(t, string(b), s)
			}
			for _, s := range tt.notInBody {
				assert.NotContains(t, string(b), s)
			}
			t.Logf("stdout:\n%s", out.String())
		})
	}
}

func TestMergeEmptiesWhenNoDriftLeft(t *testing.T) {
	dir := t.TempDir()
	cur, body := filepath.Join(dir, "current.md"), filepath.Join(dir, "drift.md")
	require.NoError(t, os.WriteFile(cur, []byte("intro\n<!-- drift:prod -->\nold\n<!-- /drift:prod -->\n"), 0o644))
	code := run(context.Background(), []string{"-stack", "prod", "-preview", "testdata/clean.json", "-merge", cur, "-body", body}, &bytes.Buffer{}, &bytes.Buffer{})
	assert.Equal(t, 0, code)
	b, err := os.ReadFile(body)
	require.NoError(t, err)
	assert.Empty(t, string(b), "the last stack's drift gone: an empty body (the workflow closes the issue)")
}
