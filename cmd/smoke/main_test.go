package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/stacksource"
)

// fakeAWSEnv gives the standard credential chain static fake keys through
// this test process's environment only, and closes every other link of the
// chain (shared files, IMDS) so nothing can reach AWS.
func fakeAWSEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", smoketest.Creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", smoketest.Creds.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// stackJSON deploys an admin Lambda behind the IAM front and a public user
// API, both on loopback, and returns the outputs JSON for them.
func stackJSON(t *testing.T, f smoketest.Faults) string {
	admin := httptest.NewServer(smoketest.IAMFront(smoketest.NewApp(outputs.AdminAPI, smoketest.Faults{}), smoketest.Creds, smoketest.Region))
	user := httptest.NewServer(smoketest.NewApp(outputs.UserAPI, f).WithToken())
	t.Cleanup(admin.Close)
	t.Cleanup(user.Close)
	b, err := json.Marshal(map[string]any{
		outputs.Stack: "dev", outputs.AppVersion: "0.27.6", outputs.AwsRegion: smoketest.Region,
		outputs.AdminKeyHeader: smoketest.KeyHeader, outputs.AdminKey: smoketest.Key,
		outputs.UploadTokenHeader: smoketest.TokenHeader, outputs.UploadToken: smoketest.Token,
		outputs.LambdaAdminURL: admin.URL + "/", outputs.LambdaPublicURL: user.URL,
		outputs.FargateURL: "http://127.0.0.1:9", outputs.FargateDesiredCount: 0,
	})
	require.NoError(t, err)
	return string(b)
}

var fast = []string{"-attempts", "2", "-backoff", "1ms", "-timeout", "5s", "-payload-bytes", "2048", "-readiness", "2s", "-deadline", "1m"}

func runCmd(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunAllPass(t *testing.T) {
	fakeAWSEnv(t)
	code, out, errOut := runCmd(stackJSON(t, smoketest.Faults{}), append(fast, "-outputs", "-")...)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Regexp(t, `(?m)^TARGET\s+CHECK\s+VERDICT`, out)
	assert.Regexp(t, `(?m)^lambda-admin\s+iam-unsigned\s+PASS`, out)
	assert.Regexp(t, `(?m)^lambda-admin\s+admin-ui\s+PASS`, out)
	assert.Regexp(t, `(?m)^lambda-public\s+roundtrip\s+PASS`, out)
	assert.Regexp(t, `(?m)^fargate\s+target\s+SKIP\s+-\s+fargateDesiredCount is 0`, out)
	assert.Regexp(t, `(?m)^13 passed, 0 failed, 3 skipped in `, out)
	assert.NotContains(t, out+errOut, smoketest.Key)
	assert.NotContains(t, out+errOut, smoketest.Token)
}

func TestRunFailureJSONAndJUnit(t *testing.T) {
	fakeAWSEnv(t)
	junit := filepath.Join(t.TempDir(), "smoke.xml")
	code, out, errOut := runCmd(stackJSON(t, smoketest.Faults{CorruptDownload: true}),
		append(fast, "-outputs", "-", "-json", "-junit", junit, "-target", "lambda-public")...)
	require.Equal(t, 1, code, errOut)

	var rep struct {
		OK      bool `json:"ok"`
		Failed  int  `json:"failed"`
		Results []struct {
			Target, Check, Verdict, Reason string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "stdout is only JSON: %s", out)
	assert.False(t, rep.OK)
	assert.Equal(t, 1, rep.Failed)
	for _, r := range rep.Results {
		assert.Equal(t, "lambda-public", r.Target, "-target limits")
		if r.Check == smoke.CheckRoundTrip {
			assert.Equal(t, "FAIL", r.Verdict)
			assert.Contains(t, r.Reason, "sha256")
		}
	}
	assert.Regexp(t, `(?m)^lambda-public\s+roundtrip\s+FAIL`, errOut, "rows go to stderr with -json")

	b, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Equal(t, len(rep.Results), doc.Tests)
	assert.Equal(t, 1, doc.Failures)
}

func TestRunOutputsFile(t *testing.T) {
	fakeAWSEnv(t)
	path := filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(path, []byte(stackJSON(t, smoketest.Faults{})), 0o600))
	code, out, errOut := runCmd("", append(fast, "-outputs", path, "-target", "lambda-admin")...)
	require.Equal(t, 0, code, out+errOut)
	assert.NotContains(t, out, "lambda-public")
}

// TestRunStackPath exercises the -stack wiring with the Automation API
// adapter replaced; the adapter itself needs a Pulumi CLI.
func TestRunStackPath(t *testing.T) {
	fakeAWSEnv(t)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(stackJSON(t, smoketest.Faults{})), &m))
	om := auto.OutputMap{}
	for k, v := range m {
		om[k] = auto.OutputValue{Value: v, Secret: outputs.Secret(k)}
	}
	var gotStack, gotDir string
	old := stackSource
	stackSource = func(name, dir string) smoke.Source {
		gotStack, gotDir = name, dir
		return fixedSource(stacksource.FromAuto(om))
	}
	t.Cleanup(func() { stackSource = old })

	code, out, errOut := runCmd("", append(fast, "-stack", "dev", "-C", "/tmp/project", "-target", "lambda-public")...)
	require.Equal(t, 0, code, out+errOut)
	assert.Equal(t, "dev", gotStack)
	assert.Equal(t, "/tmp/project", gotDir)
}

type fixedSource smoke.RawOutputs

func (f fixedSource) Outputs(context.Context) (smoke.RawOutputs, error) {
	return smoke.RawOutputs(f), nil
}

func TestFromAuto(t *testing.T) {
	raw := stacksource.FromAuto(auto.OutputMap{"adminKey": {Value: "s", Secret: true}, "fargateDesiredCount": {Value: 0.0}})
	assert.Equal(t, smoke.Value{Value: "s", Secret: true}, raw["adminKey"])
	assert.Equal(t, smoke.Value{Value: 0.0}, raw["fargateDesiredCount"])
}

func TestRunUsageAndMalformed(t *testing.T) {
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no source", "", nil, "exactly one of -stack"},
		{"both sources", "", []string{"-stack", "dev", "-outputs", "-"}, "exactly one of -stack"},
		{"unknown flag", "", []string{"-nope"}, "flag provided but not defined"},
		{"stray argument", "", []string{"-outputs", "-", "extra"}, `unexpected argument "extra"`},
		{"bad attempts", "", []string{"-outputs", "-", "-attempts", "0"}, "-attempts"},
		{"bad readiness", "", []string{"-outputs", "-", "-readiness", "0s"}, "-readiness"},
		{"bad deadline", "", []string{"-outputs", "-", "-deadline", "-1s"}, "-deadline"},
		{"missing file", "", []string{"-outputs", "/nonexistent/outputs.json"}, "no such file"},
		{"not json", "pulumi: error", []string{"-outputs", "-"}, "stdin is not a JSON object"},
		{"bad scheme", `{"appVersion":"1","fargateUrl":"ftp://x"}`, []string{"-outputs", "-"}, `output "fargateUrl": has scheme "ftp"`},
		{"url implied", `{"appVersion":"1","ec2InstanceId":"i-1"}`, []string{"-outputs", "-"}, `output "ec2Url": missing, but "ec2InstanceId" is present`},
		{"masked secret", `{"appVersion":"1","fargateUrl":"http://x","adminKey":"[secret]"}`, []string{"-outputs", "-"}, `output "adminKey"`},
		{"unknown target", `{"appVersion":"1","fargateUrl":"http://x"}`, []string{"-outputs", "-", "-target", "fargat"}, `unknown target "fargat"`},
		{"absent target", `{"appVersion":"1","fargateUrl":"http://x"}`, []string{"-outputs", "-", "-target", "ec2"}, `output "ec2Url": missing, but -target ec2`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(c.stdin, c.args...)
			assert.Equal(t, 2, code, out+errOut)
			assert.Contains(t, errOut, c.want)
		})
	}
	code, _, errOut := runCmd("", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "usage: smoke")
}
