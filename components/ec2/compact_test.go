package ec2_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

func TestStripComments(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"shebang kept, comments dropped", "#!/bin/bash\n# about\nx=1 # trailing stays\n\t# indented\ny=2\n", "#!/bin/bash\nx=1 # trailing stays\ny=2\n"},
		{"heredoc text kept", "cat <<EOF\n# nginx comment\nEOF\n# gone\n", "cat <<EOF\n# nginx comment\nEOF\n"},
		{"quoted heredoc", "cat >f <<'END'\n# kept\nEND\n", "cat >f <<'END'\n# kept\nEND\n"},
		{"<<- ends on a tab-indented word", "cat <<-EOF\n\t# kept\n\tEOF\n# gone\n", "cat <<-EOF\n\t# kept\n\tEOF\n"},
		{"here-string is not a heredoc", "read -r x <<<\"$y\"\n# gone\n", "read -r x <<<\"$y\"\n"},
		{"arithmetic shift is not a heredoc", "((a = 1 << 2))\n# gone\n", "((a = 1 << 2))\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ec2.StripComments(tc.in))
		})
	}
}

// TestCompactScriptBehavesTheSame: the rendered (comment-free) script prints
// exactly what the commented install.sh prints in every mode that only renders.
func TestCompactScriptBehavesTheSame(t *testing.T) {
	sh := bash(t)
	body := ec2.InstallScript()[strings.IndexByte(ec2.InstallScript(), '\n')+1:]
	compact := ec2.StripComments(body)
	require.Less(t, len(compact), len(body))
	t.Logf("install.sh body: %d bytes, %d without comment lines", len(body), len(compact))
	s := ec2.Script{Version: "0.27.6", Port: 8080, Region: "eu-west-2",
		AppEnv: map[string]string{"SEND__STORAGE_MODE": "s3", "SGRAPH_SEND_UI_REDIRECTS": "/=/send/v0/v0.2/v0.2.0/en-gb/index.html"}}
	rendered := s.Render()
	require.Contains(t, rendered, compact)
	commented := strings.Replace(rendered, compact, body, 1)
	for _, mode := range []string{"unit", "nginx"} {
		a, err := exec.Command(sh, writeScript(t, rendered), mode).CombinedOutput()
		require.NoError(t, err, "%s", a)
		b, err := exec.Command(sh, writeScript(t, commented), mode).CombinedOutput()
		require.NoError(t, err, "%s", b)
		assert.Equal(t, string(b), string(a), mode)
		assert.Contains(t, string(a), "#", "%s: comments inside the heredoc survive", mode)
	}
}
