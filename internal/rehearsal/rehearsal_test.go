package rehearsal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/fakeprovider"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// budget bounds the whole rehearsal; it takes well under a minute.
const budget = 6 * time.Minute

// Secrets per stack. Dev's are the fake apps' own key and token, so the smoke
// harness, reading them back through the CLI, authenticates for real.
var secretsFor = map[string]map[string]string{
	"dev":  {"adminApiKey": smoketest.Key, "uploadToken": devToken},
	"prod": {"adminApiKey": "prod-admin-key-rehearsal-7f3a9c", "uploadToken": "prod-upload-token-rehearsal-51d0e2"},
}

// phases times each phase and prints a summary at the end.
type phases struct {
	t    *testing.T
	rows []string
	all  time.Time
}

func (p *phases) run(name string, f func()) {
	p.t.Helper()
	start := time.Now()
	f()
	d := time.Since(start).Round(time.Millisecond)
	p.t.Logf("phase %-36s %8s", name, d)
	p.rows = append(p.rows, fmt.Sprintf("%-36s %8s", name, d))
}

// summary logs the phase times and appends them to $REHEARSAL_TIMES when
// set (CI prints that file: go test hides a passing test's log).
func (p *phases) summary() {
	text := fmt.Sprintf("%s wall time %s:\n  %s\n", p.t.Name(), time.Since(p.all).Round(time.Millisecond), strings.Join(p.rows, "\n  "))
	p.t.Log(text)
	if path := os.Getenv("REHEARSAL_TIMES"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = f.WriteString(text)
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			p.t.Errorf("REHEARSAL_TIMES: %v", err)
		}
	}
}

type rig struct {
	ctx     context.Context
	root    string
	eng     *Engine
	apps    *fakeApps
	cliDir  string
	smoke   string // the built cmd/smoke binary
	phases  *phases
	secrets map[string]map[string]string
}

func newRig(t *testing.T) *rig {
	cliDir, err := FindCLI()
	require.NoError(t, err)
	if cliDir == "" {
		t.Skip("PULUMI_CLI unset: the rehearsal on the real engine needs the Pulumi CLI; " +
			"bash scripts/build-pulumi-cli.sh /tmp/pulumi-cli && PULUMI_CLI=/tmp/pulumi-cli/pulumi go test ./internal/rehearsal/")
	}
	t.Setenv("PATH", cliDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, k := range []string{"PULUMI_STACK", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_BACKEND_URL"} {
		t.Setenv(k, "")
		require.NoError(t, os.Unsetenv(k))
	}
	root, err := bench.FindRoot()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	t.Cleanup(cancel)

	r := &rig{ctx: ctx, root: root, cliDir: cliDir, phases: &phases{t: t, all: time.Now()}, secrets: secretsFor}
	r.apps = startApps(t)
	r.eng, err = Start(root, t.TempDir(), fakeprovider.Options{Rewrite: r.apps.rewrite})
	require.NoError(t, err)
	t.Cleanup(r.eng.Close)
	// An inline program runs in this process, and the Automation API leaves
	// ctx.RootDirectory() empty for it (auto/stack.go builds RunInfo without
	// it), so the program resolves docker/ against the working directory, as
	// the Go language host's cwd (the project folder) does for an operator.
	t.Chdir(r.eng.Dir)
	return r
}

// TestRehearsal runs every operator path of both real stacks on the real
// engine: preview, up, a no-change up, a config change, the smoke harness
// through the CLI (dev), destroy; and checks the state files for secrets.
func TestRehearsal(t *testing.T) {
	r := newRig(t)
	defer r.phases.summary()
	t.Run("dev", r.dev)
	t.Run("prod", r.prod)
}

// deploy is preview + up + state checks + a no-change up, shared by both stacks.
func (r *rig) deploy(t *testing.T, stack string, program pulumi.RunFunc) (auto.Stack, []apitype.ResourceV3) {
	st, err := r.eng.Stack(r.ctx, stack, program, r.secrets[stack])
	require.NoError(t, err)
	graph := bench.MustRun(t, bench.Options{Dir: r.root, Stack: stack})

	r.phases.run(stack+": preview", func() {
		ch, steps := Watch()
		_, err := st.Preview(r.ctx, optpreview.EventStreams(ch), optpreview.ProgressStreams(&bytes.Buffer{}))
		require.NoError(t, err)
		// The engine plans exactly the resources the mocks see.
		assert.Equal(t, graphKeys(graph), stepKeys(Changes(steps())), "preview of %s plans other resources than the program registers under mocks", stack)
	})

	var up auto.UpResult
	r.phases.run(stack+": up", func() {
		ch, steps := Watch()
		var log bytes.Buffer
		up, err = st.Up(r.ctx, optup.EventStreams(ch), optup.ProgressStreams(&log), optup.ErrorProgressStreams(&log))
		require.NoError(t, err, "pulumi up %s:\n%s", stack, log.String())
		assert.Equal(t, graphKeys(graph), stepKeys(Changes(steps())))
	})

	// The outputs contract, read back through the CLI: the same names as the
	// program exports under mocks, the secrets still secrets.
	got, want := sortedKeys(up.Outputs), graph.OutputKeys()
	assert.Equal(t, want, got, "outputs of %s through the CLI", stack)
	for _, k := range []string{outputs.AdminKey, outputs.UploadToken} {
		assert.True(t, up.Outputs[k].Secret, "output %s of %s is not a secret", k, stack)
	}
	assert.Equal(t, r.secrets[stack]["adminApiKey"], up.Outputs[outputs.AdminKey].Value)

	r.phases.run(stack+": secrets in state", func() {
		require.NoError(t, ScanSecrets(r.eng.Backend, r.secrets[stack]))
	})

	r.phases.run(stack+": up again, no change", func() {
		assert.NoError(t, NoChanges(r.up(t, st)))
	})
	before, err := State(r.ctx, st)
	require.NoError(t, err)
	return st, before
}

// up runs `pulumi up` and returns its steps.
func (r *rig) up(t *testing.T, st auto.Stack) []Step {
	ch, steps := Watch()
	var log bytes.Buffer
	_, err := st.Up(r.ctx, optup.EventStreams(ch), optup.ProgressStreams(&log), optup.ErrorProgressStreams(&log))
	require.NoError(t, err, "pulumi up %s:\n%s", st.Name(), log.String())
	return steps()
}

func (r *rig) dev(t *testing.T) {
	st, before := r.deploy(t, "dev", stacks.Run)

	r.phases.run("dev: smoke harness via CLI", func() { r.smokeDev(t) })

	r.phases.run("dev: config change", func() {
		// A bigger Fargate task: a task definition revision is immutable, so
		// it is replaced, and the service moves to the new revision.
		for k, v := range map[string]string{"fargateCpu": "512", "fargateMemoryMb": "1024"} {
			require.NoError(t, st.SetConfig(r.ctx, Project+":"+k, auto.ConfigValue{Value: v}))
		}
		r.eng.Providers.Reset()
		got := typeOps(t, r.up(t, st))
		assert.Equal(t, map[string]string{
			"aws:ecs/taskDefinition:TaskDefinition": "replace",
			"aws:ecs/service:Service":               "update",
		}, got, "steps of the Fargate size change")
		var why []string
		for _, c := range r.eng.Providers.Calls() {
			if c.Method == "Diff" && len(c.Replaces) > 0 {
				why = append(why, fmt.Sprintf("%s %s replaces on %v", c.Type, c.Name, c.Replaces))
			}
		}
		assert.Equal(t, 1, len(why), "replacements: %v", why)
		t.Logf("config change: %v", why)
	})

	r.phases.run("dev: destroy", func() {
		r.eng.Providers.Reset()
		var log bytes.Buffer
		_, err := st.Destroy(r.ctx, optdestroy.ProgressStreams(&log), optdestroy.ErrorProgressStreams(&log))
		require.NoError(t, err, "pulumi destroy dev:\n%s", log.String())
		after, err := State(r.ctx, st)
		require.NoError(t, err)
		assert.Empty(t, names(CloudResources(after)), "dev destroy left resources behind")
		deleted := 0
		for _, c := range r.eng.Providers.Calls() {
			if c.Method == "Delete" {
				deleted++
			}
		}
		assert.Equal(t, len(CloudResources(before)), deleted, "every dev resource is deleted through its provider (none retained)")
	})
}

func (r *rig) prod(t *testing.T) {
	st, before := r.deploy(t, "prod", stacks.Run)
	want := ExpectedKept(before, MustSurvive)

	keep := map[string]Kept{}
	for _, k := range want {
		keep[k.URN] = k
	}

	r.phases.run("prod: pulumi destroy refuses", func() {
		// The operator's `pulumi destroy` previews first, and the engine
		// checks protect while it plans: it refuses before anything is
		// deleted, naming each protected resource it would have to delete.
		r.eng.Providers.Reset()
		_, err := r.eng.CLI(r.ctx, "destroy", "--yes", "--non-interactive", "--stack", "prod")
		require.Error(t, err, "a plain prod destroy must refuse: protected resources")
		r.assertRefused(t, err, keep)
		for _, c := range r.eng.Providers.Calls() {
			assert.NotEqual(t, "Delete", c.Method, "pulumi destroy deleted %s %s before refusing", c.Type, c.Name)
		}
		after, err := State(r.ctx, st)
		require.NoError(t, err)
		assert.Equal(t, names(CloudResources(before)), names(CloudResources(after)), "pulumi destroy changed the state before refusing")
	})

	r.phases.run("prod: destroy --exclude-protected", func() {
		// The operator's prod teardown (README, security section).
		r.eng.Providers.Reset()
		_, err := r.eng.CLI(r.ctx, "destroy", "--exclude-protected", "--yes", "--non-interactive", "--stack", "prod")
		require.NoError(t, err, "destroy --exclude-protected must run to the end")
		after, err := State(r.ctx, st)
		require.NoError(t, err)
		require.NoError(t, KeptExactly(want, after))
		for _, k := range want {
			t.Logf("kept %s %s: %s", k.Type, k.Name, k.Why)
		}
	})

	r.phases.run("prod: up, automation destroy", func() {
		require.Empty(t, typeOpsExcept(t, r.up(t, st), "create"), "the up after a partial destroy only recreates")
		// The Automation API's Destroy runs `destroy --skip-preview`: with
		// no preview the engine does NOT refuse up front; it deletes what is
		// unprotected and fails at each protected resource it reaches. With
		// --continue-on-error the end state is deterministic: exactly the
		// kept set (a tool driving destroy this way still keeps the data).
		after, err := r.destroyProd(t, st)
		require.Error(t, err, "an automation destroy of prod must fail at the protected resources")
		r.assertRefused(t, err, keep)
		require.NoError(t, KeptExactly(want, after))
	})

	r.phases.run("prod: unprotect + destroy retains", func() {
		_, err := r.eng.CLI(r.ctx, "state", "unprotect", "--all", "--yes", "--stack", "prod")
		require.NoError(t, err)
		r.eng.Providers.Reset()
		_, err = st.Destroy(r.ctx, optdestroy.ProgressStreams(&bytes.Buffer{}))
		require.NoError(t, err)
		after, err := State(r.ctx, st)
		require.NoError(t, err)
		assert.Empty(t, names(CloudResources(after)))
		retained := map[string]bool{}
		for _, res := range CloudResources(before) {
			if res.RetainOnDelete {
				retained[string(res.URN)] = true
			}
		}
		require.NotEmpty(t, retained, "prod retains nothing on delete")
		for _, c := range r.eng.Providers.Calls() {
			// retainOnDelete: gone from the state, never deleted in the cloud.
			assert.False(t, c.Method == "Delete" && retained[c.URN], "the retained prod %s was deleted: %s", c.Type, c.URN)
		}
		for _, c := range r.eng.Providers.Calls() {
			if c.Method == "Delete" && c.Type == "aws:s3/bucketV2:BucketV2" {
				t.Errorf("the prod bucket was deleted: %s", c.URN)
			}
		}
	})
}

// refusedRE matches the engine's refusal of one protected resource.
var refusedRE = regexp.MustCompile(`resource "(urn:pulumi:[^"]+)" cannot be deleted\s+because it is protected`)

// refusedURNs are the resources the engine refused to delete, each once.
func refusedURNs(msg string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range refusedRE.FindAllStringSubmatch(msg, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// assertRefused checks the engine's refusal: it names protected resources,
// each one of the kept set the rule names itself.
func (r *rig) assertRefused(t *testing.T, err error, keep map[string]Kept) {
	t.Helper()
	refused := refusedURNs(err.Error())
	t.Logf("engine refused %d protected resources", len(refused))
	require.NotEmpty(t, refused, "the refusal names no protected resource:\n%s", err)
	for _, u := range refused {
		k, ok := keep[u]
		assert.True(t, ok && k.Rule, "the engine refused %s, which is not data or a guard of data", u)
	}
	for _, c := range r.eng.Providers.Calls() {
		_, kept := keep[c.URN]
		assert.False(t, c.Method == "Delete" && kept, "destroy deleted %s, which must survive", c.URN)
	}
}

// destroyProd destroys through the Automation API with --continue-on-error,
// so everything that can go goes, and returns what is left and the error.
func (r *rig) destroyProd(t *testing.T, st auto.Stack) ([]apitype.ResourceV3, error) {
	r.eng.Providers.Reset()
	var log bytes.Buffer
	_, destroyErr := st.Destroy(r.ctx, optdestroy.ContinueOnError(), optdestroy.ProgressStreams(&log), optdestroy.ErrorProgressStreams(&log))
	after, err := State(r.ctx, st)
	require.NoError(t, err)
	return after, destroyErr
}

// typeOpsExcept lists the changes whose op is not op.
func typeOpsExcept(t *testing.T, steps []Step, op string) []string {
	var out []string
	for _, s := range Changes(steps) {
		if s.Op != op {
			out = append(out, s.String())
		}
	}
	return out
}

// smokeDev runs the operator's command, `smoke -stack dev`, built from
// cmd/smoke, reading the outputs through the CLI; then again with a broken app.
func (r *rig) smokeDev(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "smoke")
	build := exec.CommandContext(r.ctx, "go", "build", "-o", bin, "./cmd/smoke")
	build.Dir = r.root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/smoke:\n%s", out)

	run := func() (int, string) {
		cmd := exec.CommandContext(r.ctx, bin, "-stack", "dev", "-C", r.eng.Dir, "-attempts", "2", "-backoff", "10ms", "-timeout", "20s")
		cmd.Env = os.Environ()
		for k, v := range r.eng.Vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		// The harness signs with the standard credential chain: the fake IAM
		// front's keys, and no shared config or instance metadata.
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+smoketest.Creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+smoketest.Creds.SecretAccessKey,
			"AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return code, buf.String()
	}

	code, out2 := run()
	require.Equal(t, 0, code, "smoke -stack dev:\n%s", out2)
	t.Logf("smoke -stack dev:\n%s", out2)
	for _, target := range []string{"lambda-admin", "lambda-public", "ec2", "cloudrun"} {
		assert.Regexp(t, `(?m)^`+target+`\s+health\s+PASS`, out2)
	}
	assert.Regexp(t, `(?m)^lambda-admin\s+iam-unsigned\s+PASS`, out2)
	assert.Regexp(t, `(?m)^fargate\s.*SKIP`, out2, "dev Fargate runs 0 tasks")
	for _, s := range secretsFor["dev"] {
		assert.NotContains(t, out2, s)
	}

	// The same path fails when a deployed app is broken.
	r.apps.publicApp.set(smoketest.NewApp(outputs.UserAPI, smoketest.Faults{WrongVersion: true}).WithTokenValue(devToken))
	defer r.apps.publicApp.set(smoketest.NewApp(outputs.UserAPI, smoketest.Faults{}).WithTokenValue(devToken))
	code, out2 = run()
	assert.Equal(t, 1, code, "smoke -stack dev with a broken public app:\n%s", out2)
	assert.Regexp(t, `(?m)^lambda-public\s+version\s+FAIL`, out2)
}

// typeOps maps each changed resource's type to its op, failing on a type
// that changes twice (the expectation is per type).
func typeOps(t *testing.T, steps []Step) map[string]string {
	out := map[string]string{}
	for _, s := range Changes(steps) {
		_, dup := out[s.Type]
		require.False(t, dup, "two %s resources changed", s.Type)
		out[s.Type] = s.Op
		t.Logf("step %s", s)
	}
	return out
}

func graphKeys(g *bench.Result) []string {
	var out []string
	for _, r := range g.Resources {
		out = append(out, r.Type+"::"+r.Name)
	}
	sort.Strings(out)
	return out
}

func stepKeys(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Type+"::"+s.Name)
	}
	sort.Strings(out)
	return out
}

func names(rs []apitype.ResourceV3) []string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r.Type)+"::"+r.URN.Name())
	}
	return out
}

func sortedKeys(m auto.OutputMap) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
