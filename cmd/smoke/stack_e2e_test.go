package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/stacksource"
)

const (
	e2eProject = "smoke-e2e"
	e2eStack   = "dev"
	// e2eBudget bounds every Pulumi operation of the test (a local file
	// backend and an outputs-only program take seconds).
	e2eBudget = 3 * time.Minute
)

// pulumiCLIForTest finds the Pulumi CLI: $PULUMI_CLI (the binary, or the
// folder holding it), else `pulumi` on PATH; none skips the test. It returns
// a folder whose `pulumi` is that CLI, for the front of PATH: the Automation
// API runs `pulumi` from PATH.
func pulumiCLIForTest(t *testing.T) string {
	t.Helper()
	cli := os.Getenv("PULUMI_CLI")
	if cli != "" {
		if fi, err := os.Stat(cli); err == nil && fi.IsDir() {
			cli = filepath.Join(cli, "pulumi")
		}
		fi, err := os.Stat(cli)
		// Asked for explicitly: a wrong path is an error, not a skip.
		require.NoError(t, err, "PULUMI_CLI=%s", os.Getenv("PULUMI_CLI"))
		require.False(t, fi.IsDir(), "PULUMI_CLI=%s: no pulumi binary there", os.Getenv("PULUMI_CLI"))
	} else if p, err := exec.LookPath("pulumi"); err == nil {
		cli = p
	} else {
		t.Skip("no Pulumi CLI (set PULUMI_CLI or put pulumi on PATH); to run the -stack path end to end: " +
			"bash scripts/build-pulumi-cli.sh /tmp/pulumi-cli && PULUMI_CLI=/tmp/pulumi-cli/pulumi go test ./cmd/smoke/")
	}
	cli, err := filepath.Abs(cli)
	require.NoError(t, err)
	if filepath.Base(cli) == "pulumi" {
		return filepath.Dir(cli)
	}
	bin := t.TempDir()
	require.NoError(t, os.Symlink(cli, filepath.Join(bin, "pulumi")))
	return bin
}

// pulumiEnv points this test process at the CLI and at a throwaway local
// file backend, passphrase secrets and Pulumi home: nothing outside temp
// dirs is read or written, nothing reaches the network. t.Setenv also keeps
// the test from running in parallel with others.
func pulumiEnv(t *testing.T, cliDir string) (projectDir string) {
	t.Helper()
	backend, home := t.TempDir(), t.TempDir()
	projectDir = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(projectDir, "Pulumi.yaml"), []byte(
		"name: "+e2eProject+"\nruntime: go\ndescription: outputs-only stack for the smoke harness end-to-end test\n"), 0o644))
	t.Setenv("PATH", cliDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("PULUMI_BACKEND_URL", "file://"+filepath.ToSlash(backend))
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "smoke-e2e-passphrase")
	t.Setenv("PULUMI_HOME", home)
	t.Setenv("PULUMI_SKIP_UPDATE_CHECK", "true")
	t.Setenv("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true")
	// Unset, not empty: an empty PULUMI_STACK reads as "no stack selected".
	for _, k := range []string{"PULUMI_STACK", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE"} {
		t.Setenv(k, "") // restored after the test
		require.NoError(t, os.Unsetenv(k))
	}
	return projectDir
}

// outputsProgram exports what the real program (stacks.Program) exports for
// a stack with only the Fargate target, pointing it at url.
func outputsProgram(url string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for k, v := range map[string]pulumi.Input{
			outputs.Stack:               pulumi.String(e2eStack),
			outputs.Environment:         pulumi.String("dev"),
			outputs.AppVersion:          pulumi.String(strings.TrimPrefix(smoketest.Version, "v")),
			outputs.AwsRegion:           pulumi.String(smoketest.Region),
			outputs.BucketName:          pulumi.String("sgraph-send-dev-e2e"),
			outputs.BucketArn:           pulumi.String("arn:aws:s3:::sgraph-send-dev-e2e"),
			outputs.HealthPath:          pulumi.String("/info/health"),
			outputs.AdminKeyHeader:      pulumi.String(smoketest.KeyHeader),
			outputs.AdminKey:            pulumi.ToSecret(pulumi.String(smoketest.Key)),
			outputs.UploadTokenHeader:   pulumi.String(smoketest.TokenHeader),
			outputs.UploadToken:         pulumi.ToSecret(pulumi.String(smoketest.Token)),
			outputs.ImageRef:            pulumi.String("123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send@sha256:" + strings.Repeat("0", 64)),
			outputs.FargateURL:          pulumi.String(url),
			outputs.FargateClusterName:  pulumi.String("sgraph-send-dev"),
			outputs.FargateServiceName:  pulumi.String("sgraph-send-dev-app"),
			outputs.FargateDesiredCount: pulumi.Int(1),
		} {
			ctx.Export(k, v)
		}
		return nil
	}
}

// upStack deploys the outputs-only program to the e2e stack (created on first
// use) and returns the stack.
func upStack(ctx context.Context, t *testing.T, projectDir, url string) auto.Stack {
	t.Helper()
	st, err := auto.UpsertStackInlineSource(ctx, e2eStack, e2eProject, outputsProgram(url), auto.WorkDir(projectDir))
	require.NoError(t, err)
	var log bytes.Buffer
	res, err := st.Up(ctx, optup.ProgressStreams(&log), optup.ErrorProgressStreams(&log))
	require.NoError(t, err, "pulumi up:\n%s", log.String())
	require.Equal(t, url, res.Outputs[outputs.FargateURL].Value)
	return st
}

// seen records what the fake app was asked, before it answers.
type seen struct {
	mu   sync.Mutex
	reqs []string // "METHOD /path token=ok|missing|wrong"
}

func (s *seen) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := "missing"
		switch got := r.Header.Get(smoketest.TokenHeader); {
		case got == smoketest.Token:
			tok = "ok"
		case got != "":
			tok = "wrong"
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, fmt.Sprintf("%s %s token=%s", r.Method, r.URL.Path, tok))
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (s *seen) matching(re string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.reqs {
		if regexp.MustCompile(re).MatchString(r) {
			out = append(out, r)
		}
	}
	return out
}

// closedURL is an http URL on 127.0.0.1 where nothing listens.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// TestStackE2E runs the -stack path for real: a Pulumi CLI, a stack on a
// local file backend whose inline program only exports outputs shaped like
// the real program's, the Automation API adapter (stack.go) reading them
// with secrets, and the checks against the fake app on 127.0.0.1.
func TestStackE2E(t *testing.T) {
	cliDir := pulumiCLIForTest(t)
	projectDir := pulumiEnv(t, cliDir)

	// The container app with the static upload token on, as the stack
	// configures it: create, upload and complete need the token.
	app := smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithToken()
	var log seen
	srv := httptest.NewServer(log.wrap(app))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), e2eBudget)
	defer cancel()
	st := upStack(ctx, t, projectDir, srv.URL)
	t.Cleanup(func() {
		// Own budget: ctx may be spent by now. The temp dirs go anyway.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := st.Destroy(ctx, optdestroy.ProgressStreams(&bytes.Buffer{})); err != nil {
			t.Errorf("destroy: %v", err)
		}
		if err := st.Workspace().RemoveStack(ctx, e2eStack); err != nil {
			t.Errorf("remove stack: %v", err)
		}
	})

	args := append(append([]string{}, fast...), "-stack", e2eStack, "-C", projectDir)

	t.Run("adapter", func(t *testing.T) {
		// The adapter alone: secrets arrive decrypted and marked secret.
		raw, err := stacksource.Auto{Stack: e2eStack, WorkDir: projectDir}.Outputs(ctx)
		require.NoError(t, err)
		assert.Equal(t, smoke.Value{Value: smoketest.Token, Secret: true}, raw[outputs.UploadToken])
		assert.Equal(t, smoke.Value{Value: smoketest.Key, Secret: true}, raw[outputs.AdminKey])
		assert.Equal(t, smoke.Value{Value: srv.URL}, raw[outputs.FargateURL])
		assert.Equal(t, smoke.Value{Value: 1.0}, raw[outputs.FargateDesiredCount])
		assert.Equal(t, smoke.Value{Value: "0.27.6"}, raw[outputs.AppVersion])
	})

	t.Run("pass", func(t *testing.T) {
		hits := app.Hits()
		code, out, errOut := runCmd("", args...)
		require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		t.Logf("smoke -stack %s:\n%s", e2eStack, out)

		for _, c := range []string{smoke.CheckHealth, smoke.CheckVersion, smoke.CheckCORS, smoke.CheckUploadAuth, smoke.CheckRoundTrip} {
			assert.Regexp(t, `(?m)^fargate\s+`+c+`\s+PASS`, out)
		}
		assert.Regexp(t, `(?m)^fargate\s+tls\s+WARN\s+\S+\s+plain http: the upload token`, out, "http target with a token")
		assert.Regexp(t, `(?m)^\d+ passed, 0 failed, \d+ skipped, \d+ warned in `, out)

		// The fake answered the checks: a full transfer round trip, made with
		// the token the stack holds as a secret, and the refusal without it.
		assert.Greater(t, app.Hits(), hits)
		assert.NotEmpty(t, log.matching(`^GET /info/health `))
		assert.NotEmpty(t, log.matching(`^GET /api/openapi\.json `))
		assert.NotEmpty(t, log.matching(`^POST /api/transfers/create token=missing$`), "upload-auth probes without the token")
		assert.NotEmpty(t, log.matching(`^POST /api/transfers/create token=ok$`))
		assert.NotEmpty(t, log.matching(`^POST /api/transfers/upload/\w+ token=ok$`))
		assert.NotEmpty(t, log.matching(`^POST /api/transfers/complete/\w+ token=ok$`))
		assert.NotEmpty(t, log.matching(`^GET /api/transfers/download/\w+ `))
		assert.NotEmpty(t, log.matching(`^GET /api/transfers/info/\w+ `))
		assert.Empty(t, log.matching(`token=wrong$`))

		assert.NotContains(t, out+errOut, smoketest.Token)
		assert.NotContains(t, out+errOut, smoketest.Key)
	})

	t.Run("json", func(t *testing.T) {
		code, out, errOut := runCmd("", append(args, "-json")...)
		require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		assert.Contains(t, out, `"ok": true`)
		assert.NotContains(t, out+errOut, smoketest.Token)
		assert.NotContains(t, out+errOut, smoketest.Key)
	})

	t.Run("read-only", func(t *testing.T) {
		// Reading outputs must not change the stack an operator has selected
		// in the project: their next `pulumi up` would go to the wrong stack.
		ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(projectDir))
		require.NoError(t, err)
		const other = "other"
		require.NoError(t, ws.CreateStack(ctx, other), "creates and selects it")
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			assert.NoError(t, ws.RemoveStack(ctx, other))
		})
		code, out, errOut := runCmd("", args...)
		require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		cur, err := ws.Stack(ctx)
		require.NoError(t, err)
		require.NotNil(t, cur, "no stack selected")
		assert.Equal(t, other, cur.Name, "smoke -stack %s changed the selected stack", e2eStack)
	})

	t.Run("unknown-stack", func(t *testing.T) {
		code, out, errOut := runCmd("", append(append([]string{}, fast...), "-stack", "nope", "-C", projectDir)...)
		assert.Equal(t, exitUsage, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		assert.Contains(t, errOut, `smoke: reading outputs of stack "nope"`)
		assert.Contains(t, errOut, `no stack named 'nope' found`)
	})

	t.Run("refused", func(t *testing.T) {
		dead := closedURL(t)
		upStack(ctx, t, projectDir, dead)
		hits := app.Hits()
		code, out, errOut := runCmd("", args...)
		require.Equal(t, exitFailed, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
		t.Logf("smoke -stack %s (fargateUrl %s):\n%s", e2eStack, dead, out)
		// A refused connection is the readiness row's verdict; the other checks are skipped.
		assert.Regexp(t, `(?m)^fargate\s+ready\s+FAIL\s+.*refused`, out)
		assert.Regexp(t, `(?m)^fargate\s+health\s+SKIP\s+`, out)
		assert.Regexp(t, `(?m)^\d+ passed, [1-9]\d* failed, `, out)
		assert.Equal(t, hits, app.Hits(), "the old URL is no longer used")
		assert.NotContains(t, out+errOut, smoketest.Token)
		assert.NotContains(t, out+errOut, smoketest.Key)
	})
}
