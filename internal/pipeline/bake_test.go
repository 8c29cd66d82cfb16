package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

type recordingPublisher struct {
	mu    sync.Mutex
	calls []string
	err   error
	stack *FakeStack // to record the order against the stack's operations
}

func (p *recordingPublisher) Publish(_ context.Context, param, ami string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, param+"="+ami)
	if p.stack != nil {
		p.stack.log("publish " + param)
	}
	return p.err
}

func newBake(st *FakeStack, pub Publisher) *Bake {
	return &Bake{Stack: st, Publisher: pub, Smoke: fastSmoke(), Ready: fastReady, ScaleDownTimeout: 10 * time.Second}
}

func TestBakeSmokesTheAmiThenPublishes(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := devStack(a)
	pub := &recordingPublisher{stack: st}
	s := newBake(st, pub).Run(context.Background())
	if s.Err != nil || !s.Published {
		t.Fatalf("err=%v published=%v checked=%v", s.Err, s.Published, checked(s.Report))
	}
	want := []string{"config", "up", "outputs", "up", "outputs", "up", "outputs", "publish"}
	if got := opNames(st.Ops()); !slices.Equal(got, want) {
		t.Fatalf("operations %q, want %q (publish last, after the test instance is gone)", st.Ops(), want)
	}
	ups := st.Ups()
	if ups[0]["ec2BakeAmi"] != true || ups[1]["ec2AmiId"] != "ami-0badc0ffee0000001" || ups[1]["ec2BakedAmiParameter"] != "" {
		t.Errorf("bake ups %v", ups)
	}
	if slices.Contains(ups[2]["targets"].([]string), "ec2") {
		t.Errorf("the test instance is not removed: %v", ups[2])
	}
	if len(pub.calls) != 1 || pub.calls[0] != "/sgraph-send/dev/ami=ami-0badc0ffee0000001" {
		t.Errorf("published %v", pub.calls)
	}
	if s.Report == nil || len(checked(s.Report)) != 1 || !strings.HasPrefix(checked(s.Report)[0], "ec2:") {
		t.Errorf("the harness must check the test instance only: %v", checked(s.Report))
	}
}

func TestBakeDoesNotPublishAFailingAmi(t *testing.T) {
	cases := []struct {
		name        string
		ec2         smoketest.Faults
		upHook      func(ctx context.Context, n int, o Overrides) error
		cancelAfter time.Duration
	}{
		{name: "smoke fails on the test instance", ec2: smoketest.Faults{CorruptDownload: true}},
		{name: "test instance up fails", upHook: func(_ context.Context, n int, _ Overrides) error {
			if n == 2 {
				return errors.New("InvalidAMIID.NotFound")
			}
			return nil
		}},
		{name: "interrupted", ec2: smoketest.Faults{Hang: make(chan struct{})}, cancelAfter: 300 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newApps(t, smoketest.Faults{}, c.ec2)
			if c.ec2.Hang != nil {
				t.Cleanup(func() { close(c.ec2.Hang) })
			}
			st := devStack(a)
			st.UpHook = c.upHook
			pub := &recordingPublisher{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.cancelAfter > 0 {
				time.AfterFunc(c.cancelAfter, cancel)
			}
			b := newBake(st, pub)
			if c.ec2.Hang != nil {
				b.Ready = func(context.Context, smoke.RawOutputs, []string) error { return nil }
			}
			s := b.Run(ctx)
			if s.Published || len(pub.calls) != 0 {
				t.Fatalf("published %v", pub.calls)
			}
			ups := st.Ups()
			if last := ups[len(ups)-1]; slices.Contains(last["targets"].([]string), "ec2") || !s.ScaledDown {
				t.Errorf("the test instance was not removed: ups %v, err %v", ups, s.Err)
			}
		})
	}
}

func TestBakeRefusesProd(t *testing.T) {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := devStack(a)
	st.StackName = "prod"
	s := newBake(st, &recordingPublisher{}).Run(context.Background())
	if !errors.Is(s.Err, ErrRefused) || len(st.Ups()) != 0 {
		t.Fatalf("err=%v ups=%v", s.Err, st.Ups())
	}
}
