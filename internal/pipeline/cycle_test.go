package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

func newCycle(st Stack) *Cycle {
	return &Cycle{Stack: st, Smoke: fastSmoke(), Ready: fastReady, ScaleDownTimeout: 10 * time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 30, 18, 4, 11, 0, time.UTC) }}
}

func TestCyclePassesInOrderAndScalesDown(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := devStack(a)
	s := newCycle(st).Run(context.Background())
	if s.Err != nil || !s.Passed {
		t.Fatalf("cycle did not pass: err=%v report=%v", s.Err, s.Checked)
	}
	want := []string{"config", "remove-tags", "up", "outputs", "up", "outputs", "set-tags"}
	if got := opNames(st.Ops()); !slices.Equal(got, want) {
		t.Fatalf("operations %q, want %q", st.Ops(), want)
	}
	ups := st.Ups()
	if ups[0]["fargateDesiredCount"] != 1 || !slices.Contains(ups[0]["targets"].([]string), "ec2") {
		t.Errorf("test up %s does not run Fargate and EC2", ups[0])
	}
	if ups[1]["fargateDesiredCount"] != 0 || slices.Contains(ups[1]["targets"].([]string), "ec2") ||
		slices.Contains(ups[1]["targets"].([]string), "fargate") || !slices.Contains(ups[1]["targets"].([]string), "lambda") {
		t.Errorf("tear-down %s must remove Fargate (its load balancer bills idle) and EC2, and keep the rest", ups[1])
	}
	if len(s.Unchecked) != 0 || len(s.Checked) != 3 {
		t.Errorf("checked %q, unchecked %q; want lambda-public, fargate and ec2 all checked", s.Checked, s.Unchecked)
	}
	if s.Record[release.TagCycleImage] != testImage || s.Record[release.TagCyclePassedAt] != "2026-11-30T18:04:11Z" {
		t.Errorf("record %v", s.Record)
	}
	tags, _ := st.Tags(context.Background())
	if tags[release.TagCycleImage] != testImage {
		t.Errorf("the pass record was not written: %v", tags)
	}
	var out strings.Builder
	s.Print(&out)
	for _, w := range []string{"fargate (1 task)", "ec2 (1 instance)", "fargate: ", "no Fargate task, no EC2 instance", "PASSED"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("summary lacks %q:\n%s", w, out.String())
		}
	}
}

func TestCycleScalesDownWhateverHappens(t *testing.T) {
	cases := []struct {
		name        string
		fargate     smoketest.Faults
		ec2         smoketest.Faults
		upHook      func(ctx context.Context, n int, o Overrides) error
		cancelAfter time.Duration
		wantErr     string
		interrupted bool
	}{
		{name: "smoke failure", fargate: smoketest.Faults{WrongVersion: true}},
		{name: "up error", upHook: func(_ context.Context, n int, _ Overrides) error {
			if n == 1 {
				return errors.New("creating ECS service: throttled")
			}
			return nil
		}, wantErr: "throttled"},
		{name: "target never ready", ec2: smoketest.Faults{Transient: 1 << 30}, wantErr: "not ready"},
		{name: "interrupt during smoke", ec2: smoketest.Faults{Hang: make(chan struct{})}, cancelAfter: 300 * time.Millisecond, wantErr: "interrupted", interrupted: true},
		{name: "interrupt during up", upHook: func(ctx context.Context, n int, _ Overrides) error {
			if n == 1 {
				<-ctx.Done() // the CLI is interrupted and stops
				return ctx.Err()
			}
			return nil
		}, cancelAfter: 50 * time.Millisecond, wantErr: "context canceled", interrupted: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newApps(t, c.fargate, c.ec2)
			if c.ec2.Hang != nil {
				t.Cleanup(func() { close(c.ec2.Hang) })
			}
			st := devStack(a)
			st.UpHook = c.upHook
			// A stale record from an earlier pass must not survive a failing cycle.
			_ = st.SetTags(context.Background(), release.CycleRecord{Image: release.Image{Ref: testImage}, Version: "0.27.5", PassedAt: "x"}.Tags())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.cancelAfter > 0 {
				time.AfterFunc(c.cancelAfter, cancel)
			}
			cy := newCycle(st)
			if c.ec2.Hang != nil {
				// Ready, then the harness hangs on every request until the interrupt.
				cy.Ready = func(context.Context, smoke.RawOutputs, []string) error { return nil }
			}
			if c.ec2.Transient > 0 {
				cy.Ready = func(ctx context.Context, raw smoke.RawOutputs, ts []string) error {
					return WaitReady(ctx, raw, ts, 200*time.Millisecond, 20*time.Millisecond)
				}
			}
			s := cy.Run(ctx)
			if s.Passed {
				t.Fatal("cycle passed")
			}
			if c.wantErr == "" && s.Err != nil {
				t.Fatalf("unexpected error %v", s.Err)
			}
			if c.wantErr != "" && (s.Err == nil || !strings.Contains(s.Err.Error(), c.wantErr)) {
				t.Fatalf("error %v, want one containing %q", s.Err, c.wantErr)
			}
			if s.Interrupted != c.interrupted {
				t.Errorf("interrupted=%v, want %v", s.Interrupted, c.interrupted)
			}
			ups := st.Ups()
			if len(ups) != 2 || ups[1]["fargateDesiredCount"] != 0 || slices.Contains(ups[1]["targets"].([]string), "ec2") {
				t.Fatalf("ups %v: want the test up then the scale-down (Fargate 0, no EC2)", ups)
			}
			if !s.ScaledDown {
				t.Errorf("scale-down did not complete: %v", s.Err)
			}
			tags, _ := st.Tags(context.Background())
			for _, k := range release.CycleTags {
				if _, ok := tags[k]; ok {
					t.Errorf("tag %s survived a cycle that did not pass", k)
				}
			}
		})
	}
}

func TestCycleRefusesProd(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	for _, name := range []string{"prod", "acme/sgraph-send/prod", "staging-by-config"} {
		st := devStack(a)
		st.StackName = name
		if name == "staging-by-config" {
			st.Conf["sgraph-send:environment"] = "prod"
		}
		s := newCycle(st).Run(context.Background())
		if !errors.Is(s.Err, ErrRefused) || !strings.Contains(s.Err.Error(), "never runs on prod") {
			t.Errorf("%s: err %v, want a refusal", name, s.Err)
		}
		if len(st.Ups()) != 0 {
			t.Errorf("%s: ran %d ups", name, len(st.Ups()))
		}
	}
}

func TestCycleFailsWhenTheOverrideDidNotTake(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := devStack(a)
	inner := st.OutputsFor
	st.OutputsFor = func(conf map[string]any) smoke.RawOutputs {
		conf["sgraph-send:fargateDesiredCount"] = 0 // the program ignored the override
		return inner(conf)
	}
	s := newCycle(st).Run(context.Background())
	if s.Passed || s.Err == nil || !strings.Contains(s.Err.Error(), "fargateDesiredCount") {
		t.Fatalf("passed=%v err=%v: a cycle with Fargate at 0 must fail, naming it", s.Passed, s.Err)
	}
	if len(st.Ups()) != 2 {
		t.Errorf("no scale-down after the failure: %v", st.Ops())
	}
}

func TestCycleReportsAFailedScaleDown(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := devStack(a)
	st.UpHook = func(_ context.Context, n int, _ Overrides) error {
		if n == 2 {
			return errors.New("ec2 TerminateInstances: UnauthorizedOperation")
		}
		return nil
	}
	s := newCycle(st).Run(context.Background())
	if s.Passed || s.ScaledDown || s.Err == nil || !strings.Contains(s.Err.Error(), "SCALE-DOWN FAILED") {
		t.Fatalf("passed=%v scaledDown=%v err=%v", s.Passed, s.ScaledDown, s.Err)
	}
	if slices.Contains(opNames(st.Ops()), "set-tags") {
		t.Error("a cycle whose scale-down failed wrote a pass record")
	}
	var out strings.Builder
	s.Print(&out)
	if !strings.Contains(out.String(), "left running: UNKNOWN") {
		t.Errorf("summary hides the failed scale-down:\n%s", out.String())
	}
}

func TestCycleAppVersionOverrideLivesInBothUps(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := devStack(a)
	cy := newCycle(st)
	cy.AppVersion = "0.27.6" // the fake app reports v0.27.6
	s := cy.Run(context.Background())
	if !s.Passed {
		t.Fatalf("cycle failed: %v", s.Err)
	}
	for i, o := range st.Ups() {
		if o["appVersion"] != "0.27.6" {
			t.Errorf("up %d: %s lacks the appVersion override", i, o)
		}
	}
	if st.Conf["sgraph-send:appVersion"] != "0.27.6" {
		t.Error("the committed config changed")
	}
}
