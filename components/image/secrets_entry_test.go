package image_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secretsScript drives docker/sgraph_entry.py's load_secret_parameters with a
// fake SSM client (the real call is boto3's ssm.get_parameters) and prints
// what it did, never the values.
const secretsScript = `
import json, sys
import sgraph_entry as e
values = {"/fn/TOKEN": "s3cr3t-token-value", "/fn/KEY": "s3cr3t-key-value"}
case = sys.argv[1]
class SSM:
    def __init__(self): self.calls = []
    def get_parameters(self, Names, WithDecryption):
        self.calls.append((list(Names), WithDecryption))
        found = [{"Name": n, "Value": values[n]} for n in Names if n in values and case != "missing"]
        return {"Parameters": found, "InvalidParameters": [n for n in Names if not any(f["Name"] == n for f in found)]}
env = {"SGRAPH_SEND_SSM_PARAMETERS": json.dumps({"SGRAPH_SEND__ACCESS_TOKEN": "/fn/TOKEN", "ADMIN_KEY": "/fn/KEY"})}
if case == "absent":
    env = {}
ssm = SSM()
try:
    loaded = e.load_secret_parameters(env, ssm)
except RuntimeError as err:
    print("error:", err)
    sys.exit(0)
print(json.dumps({"loaded": loaded, "calls": ssm.calls,
    "token_set": env.get("SGRAPH_SEND__ACCESS_TOKEN") == values["/fn/TOKEN"],
    "key_set": env.get("ADMIN_KEY") == values["/fn/KEY"],
    "pointer_left": "SGRAPH_SEND_SSM_PARAMETERS" in env}))
`

func TestEntryReadsSecretsFromSSM(t *testing.T) {
	py := python(t)
	dir, err := filepath.Abs("../../docker")
	require.NoError(t, err)
	for name, tc := range map[string]struct{ want []string }{
		"found": {[]string{`"loaded": ["ADMIN_KEY", "SGRAPH_SEND__ACCESS_TOKEN"]`, `"calls": [[["/fn/KEY", "/fn/TOKEN"], true]]`,
			`"token_set": true`, `"key_set": true`, `"pointer_left": false`}},
		"missing": {[]string{"error: sgraph_entry: SSM parameters not found or not readable: /fn/KEY, /fn/TOKEN"}},
		"absent":  {[]string{`"loaded": []`, `"calls": []`}},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runPyArgs(t, py, dir, secretsScript, name)
			require.NoError(t, err)
			for _, w := range tc.want {
				assert.Contains(t, string(out), w)
			}
			assert.False(t, strings.Contains(string(out), "s3cr3t"), "no value printed: %s", out)
		})
	}
}

// runPyArgs runs script with python3 in dir, with argv[1:] = args.
func runPyArgs(t *testing.T, py, dir, script string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-B", "-c", script}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Logf("python stderr: %s", stderr.String())
	}
	return out, err
}
