package main

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// fakeDev is dev in memory, its Fargate and EC2 served by fake apps on 127.0.0.1.
func fakeDev(t *testing.T, ec2 smoketest.Faults) *pipeline.FakeStack {
	return fakeDevPages(t, ec2, smoketest.PageFaults{}, smoketest.Token)
}

// fakeDevPages is fakeDev whose targets also serve the fixture UI pages, broken as pf
// says, behind token tok (the real UI refuses a token with capitals).
func fakeDevPages(t *testing.T, ec2 smoketest.Faults, pf smoketest.PageFaults, tok string) *pipeline.FakeStack {
	fg := httptest.NewServer(smoketest.NewPages(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithTokenValue(tok), pf))
	vm := httptest.NewTLSServer(smoketest.NewPages(smoketest.NewApp(outputs.ContainerApp, ec2).WithTokenValue(tok), pf))
	t.Cleanup(func() { fg.Close(); vm.Close() })
	return &pipeline.FakeStack{
		StackName: "dev",
		Conf:      map[string]string{"sgraph-send:environment": "dev", "sgraph-send:targets": `["fargate","ec2"]`},
		OutputsFor: func(conf map[string]any) smoke.RawOutputs {
			str := func(v string) smoke.Value { return smoke.Value{Value: v} }
			raw := smoke.RawOutputs{
				outputs.Stack: str("dev"), outputs.AppVersion: str("0.27.6"), outputs.AwsRegion: str("eu-west-2"),
				outputs.UploadTokenHeader: str(smoketest.TokenHeader), outputs.UploadToken: {Value: tok, Secret: true},
				outputs.ImageRef: str("r.example/app@sha256:" + strings.Repeat("a", 64)),
			}
			ts, _ := conf["sgraph-send:targets"].([]string)
			if contains(ts, "fargate") {
				raw[outputs.FargateURL], raw[outputs.FargateClusterName], raw[outputs.FargateServiceName] = str(fg.URL), str("c"), str("s")
				n, _ := conf["sgraph-send:fargateDesiredCount"].(int)
				raw[outputs.FargateDesiredCount] = smoke.Value{Value: float64(n)}
			}
			if contains(ts, "ec2") {
				raw[outputs.EC2URL] = str(vm.URL)
				raw[outputs.EC2InstanceID] = str("i-0123456789abcdef0")
				raw[outputs.EC2AmiID] = str("ami-0123456789abcdef0")
				raw[outputs.EC2TLSSelfSigned] = smoke.Value{Value: true}
			}
			return raw
		},
	}
}

func contains(ts []string, s string) bool {
	for _, x := range ts {
		if x == s {
			return true
		}
	}
	return false
}

func useFake(t *testing.T, st *pipeline.FakeStack) {
	oldOpen, oldReady := openStack, ready
	openStack = func(context.Context, string, string, io.Writer) (pipeline.Stack, error) { return st, nil }
	ready = func(time.Duration) pipeline.ReadyFunc {
		return func(context.Context, smoke.RawOutputs, []string) error { return nil }
	}
	t.Cleanup(func() { openStack, ready = oldOpen, oldReady })
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		args []string
		ec2  smoketest.Faults
		want int
		says string
	}{
		{"pass", []string{"-stack", "dev"}, smoketest.Faults{}, exitPassed, "verdict:      PASSED"},
		{"smoke fails", []string{"-stack", "dev"}, smoketest.Faults{WrongVersion: true}, exitFailed, "verdict:      FAILED"},
		{"prod refused", []string{"-stack", "prod"}, smoketest.Faults{}, exitError, "never runs on prod"},
		{"no stack", nil, smoketest.Faults{}, exitError, ""},
		{"bad version", []string{"-stack", "dev", "-app-version", "0.27.x"}, smoketest.Faults{}, exitError, `"0.27.x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := fakeDev(t, c.ec2)
			if len(c.args) > 1 {
				st.StackName = c.args[1]
			}
			useFake(t, st)
			var out, errb strings.Builder
			junit := filepath.Join(t.TempDir(), "smoke-junit.xml")
			got := run(context.Background(), append(c.args, "-junit", junit), &out, &errb)
			if got != c.want {
				t.Fatalf("exit %d, want %d\n%s\n%s", got, c.want, out.String(), errb.String())
			}
			if !strings.Contains(out.String()+errb.String(), c.says) {
				t.Errorf("output lacks %q:\n%s\n%s", c.says, out.String(), errb.String())
			}
			if c.want == exitPassed || c.want == exitFailed {
				if _, err := os.Stat(junit); err != nil {
					t.Errorf("no JUnit file: %v", err)
				}
			}
		})
	}
}

// TestSIGTERMScalesDown sends the process a real SIGTERM while the harness hangs: the
// command must catch it, scale down and exit 130.
func TestSIGTERMScalesDown(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	st := fakeDev(t, smoketest.Faults{Hang: hang})
	useFake(t, st)
	time.AfterFunc(500*time.Millisecond, func() { _ = syscall.Kill(os.Getpid(), syscall.SIGTERM) })
	var out strings.Builder
	got := run(context.Background(), []string{"-stack", "dev"}, &out, io.Discard)
	if got != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", got, exitInterrupted, out.String())
	}
	ups := st.Ups()
	if len(ups) != 2 || ups[1]["fargateDesiredCount"] != 0 || contains(ups[1]["targets"].([]string), "ec2") || contains(ups[1]["targets"].([]string), "fargate") {
		t.Fatalf("ups %v: the scale-down did not run after SIGTERM", ups)
	}
	if !strings.Contains(out.String(), "INTERRUPTED") || !strings.Contains(out.String(), "no Fargate task, no EC2 instance") {
		t.Errorf("summary:\n%s", out.String())
	}
}
