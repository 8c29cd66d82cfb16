package image_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A misconfigured variable may hold a secret (an env-name override that
// points the token at SGRAPH_SEND_APP): the entrypoint refuses it without
// printing it, since its stderr is the container's log.
func TestEntrypointNeverPrintsAValue(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	const secret = "Upload-Token-AbC123xyz"
	script := filepath.Join(dockerDir(t), "entrypoint.sh")
	for _, tc := range []struct{ name, env, want string }{
		{"token in the mode variable", "SGRAPH_SEND_APP=" + secret, "SGRAPH_SEND_APP must be user, admin or container"},
		{"token in PORT", "PORT=" + secret, "PORT must be a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(sh, script)
			cmd.Env = append(os.Environ(), tc.env)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "%s", out)
			assert.Equal(t, 64, exit.ExitCode())
			assert.Contains(t, string(out), tc.want)
			assert.NotContains(t, strings.ToLower(string(out)), strings.ToLower(secret))
		})
	}
}
