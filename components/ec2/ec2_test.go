package ec2_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

func TestInstanceTypeProblem(t *testing.T) {
	for _, ok := range []string{"t3.small", "t3.micro", "t3a.nano", "m7i.large", "m7i-flex.large", "c6in.2xlarge",
		"r6id.32xlarge", "m5zn.metal", "g4dn.xlarge", "c7i.metal-24xl", "x2iedn.16xlarge"} {
		assert.Empty(t, ec2.InstanceTypeProblem(ok), ok)
	}
	for _, bad := range []string{"", "t3", "t3small", "small", "t3.", ".small", "T3.small", "t3.huge", "t.small",
		"3t.small", "t3.small ", "m7g.large", "t4g.small", "c6gn.large", "m7gd.xlarge"} {
		assert.NotEmpty(t, ec2.InstanceTypeProblem(bad), "%q must be refused", bad)
	}
}

func TestAmiIDProblem(t *testing.T) {
	for _, ok := range []string{"ami-12345678", "ami-0abcdef1234567890"} {
		assert.Empty(t, ec2.AmiIDProblem(ok), ok)
	}
	for _, bad := range []string{"", "ami-", "ami-1234567", "ami-0ABCDEF1234567890", "ami-0abcdef12345678901", "i-0abcdef1234567890", "ami-0abcdefg"} {
		assert.NotEmpty(t, ec2.AmiIDProblem(bad), "%q must be refused", bad)
	}
}

// bash returns the path of bash or skips the test.
func bash(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot run the install script")
	}
	return p
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "install.sh")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o700))
	return path
}

func TestRenderedScriptParses(t *testing.T) {
	sh := bash(t)
	for _, s := range []ec2.Script{
		{Mode: "run", Version: "0.27.6", Port: 8080, HealthPath: "/info/health", Region: "eu-west-2",
			AppEnv:       map[string]string{"SEND__STORAGE_MODE": "s3", "SEND__S3_BUCKET": "b-1"},
			SecretParams: map[string]string{"SGRAPH_SEND__ACCESS_TOKEN": "/sgraph-send/dev/ec2/SGRAPH_SEND__ACCESS_TOKEN"}},
		{Mode: "bake", Version: "0.27.6"},
	} {
		out, err := exec.Command(sh, "-n", writeScript(t, s.Render())).CombinedOutput()
		assert.NoError(t, err, "bash -n (%s): %s", s.Mode, out)
	}
}

// TestHeaderQuoting: every header value reaches the script verbatim, quotes
// and newlines included.
func TestHeaderQuoting(t *testing.T) {
	sh := bash(t)
	s := ec2.Script{Mode: "unit", Version: "0.27.6", Port: 8081, HealthPath: "/it's", Region: "eu-west-2",
		AppEnv: map[string]string{"B": "two words", "A": "x'y"}}
	out, err := exec.Command(sh, writeScript(t, s.Render())).Output()
	require.NoError(t, err)
	unit := string(out)
	assert.Contains(t, unit, `Environment="A=x'y"`+"\n"+`Environment="B=two words"`, "sorted, verbatim")
	assert.Contains(t, unit, "--port 8081")
}

// TestScriptRefusesBadInput: validation runs before anything is installed.
func TestScriptRefusesBadInput(t *testing.T) {
	sh := bash(t)
	for name, s := range map[string]ec2.Script{
		"no version":    {Mode: "bake"},
		"range version": {Mode: "bake", Version: ">=0.27"},
		"low port":      {Mode: "unit", Version: "0.27.6", Port: 80, Region: "eu-west-2"},
		"bad env value": {Mode: "unit", Version: "0.27.6", Region: "eu-west-2", AppEnv: map[string]string{"X": `a"b`}},
		"systemd spec":  {Mode: "unit", Version: "0.27.6", Region: "eu-west-2", AppEnv: map[string]string{"X": "50%"}},
		"unknown mode":  {Mode: "deploy", Version: "0.27.6"},
	} {
		out, err := exec.Command(sh, writeScript(t, s.Render())).CombinedOutput()
		assert.Error(t, err, name)
		assert.Contains(t, string(out), "ERROR:", name)
	}
}

func TestScriptHasNoSecretValues(t *testing.T) {
	s := ec2.Script{Mode: "run", Version: "0.27.6", Region: "eu-west-2",
		SecretParams: map[string]string{"SGRAPH_SEND__ACCESS_TOKEN": "/p/SGRAPH_SEND__ACCESS_TOKEN"}}.Render()
	assert.Contains(t, s, "SGRAPH_SEND_SECRET_PARAMS='SGRAPH_SEND__ACCESS_TOKEN=/p/SGRAPH_SEND__ACCESS_TOKEN'")
	assert.Contains(t, s, "aws ssm get-parameter", "the instance fetches values itself")
	assert.Contains(t, s, "--with-decryption")
}

// TestBakeDocument: valid Image Builder YAML whose build phase decodes exactly
// the rendered install script (the same file as user data) and runs it in
// bake mode, within Image Builder's size limit.
func TestBakeDocument(t *testing.T) {
	doc, err := ec2.BakeDocument("0.27.6")
	require.NoError(t, err)
	assert.Less(t, len(doc), 16000, "Image Builder inline component limit")
	t.Logf("component document: %d of 16000 characters", len(doc))

	var parsed struct {
		Name          string  `yaml:"name"`
		SchemaVersion float64 `yaml:"schemaVersion"`
		Phases        []struct {
			Name  string `yaml:"name"`
			Steps []struct {
				Name   string `yaml:"name"`
				Action string `yaml:"action"`
				Inputs struct {
					Commands []string `yaml:"commands"`
				} `yaml:"inputs"`
			} `yaml:"steps"`
		} `yaml:"phases"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(doc), &parsed))
	assert.Equal(t, 1.0, parsed.SchemaVersion)
	require.Len(t, parsed.Phases, 2)
	assert.Equal(t, "build", parsed.Phases[0].Name)
	assert.Equal(t, "test", parsed.Phases[1].Name)
	for _, p := range parsed.Phases {
		require.Len(t, p.Steps, 1)
		assert.Equal(t, "ExecuteBash", p.Steps[0].Action)
		require.Len(t, p.Steps[0].Inputs.Commands, 1)
	}
	build := parsed.Phases[0].Steps[0].Inputs.Commands[0]
	want := ec2.Script{Mode: "bake", Version: "0.27.6"}.Render()
	// Decode the payload with the instance's own tools (bash, base64, gunzip),
	// up to the end of the here-document, into a file of ours.
	end := strings.Index(build, "\nEOF\n")
	require.True(t, end > 0, "here-document present")
	decoded := filepath.Join(t.TempDir(), "install.sh")
	decode := strings.ReplaceAll(build[:end+len("\nEOF\n")], "/tmp/sgraph-send-install.sh", decoded)
	out, err := exec.Command(bash(t), writeScript(t, decode)).CombinedOutput()
	require.NoError(t, err, "decoding the payload: %s", out)
	got, err := os.ReadFile(decoded)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "the exact rendered install script")
	assert.True(t, strings.HasSuffix(want, ec2.StripComments(ec2.InstallScript()[strings.IndexByte(ec2.InstallScript(), '\n')+1:])), "install.sh after the header, comment lines dropped")
	assert.Contains(t, build, "bash /tmp/sgraph-send-install.sh bake")

	// The whole build command is valid bash too.
	sh := bash(t)
	out, err = exec.Command(sh, "-n", writeScript(t, build)).CombinedOutput()
	assert.NoError(t, err, "bash -n on the build phase: %s", out)
	test := parsed.Phases[1].Steps[0].Inputs.Commands[0]
	assert.Contains(t, test, "= 0.27.6")
	out, err = exec.Command(sh, "-n", writeScript(t, test)).CombinedOutput()
	assert.NoError(t, err, "bash -n on the test phase: %s", out)
}
