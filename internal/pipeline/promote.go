package pipeline

import (
	"context"
	"fmt"
	"io"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Release deploys to Target (prod) the digest Source's (dev's) cycle passed, smokes
// it, and rolls back to the previous good digest when that fails.
type Release struct {
	Target, Source Stack
	Smoke          SmokeFunc
	Ready          ReadyFunc
	Log            io.Writer
}

// ReleaseSummary is the outcome; Runs is what the target runs at the end.
type ReleaseSummary struct {
	Promoted   release.Promotion
	Runs       release.Image
	Message    string
	Passed     bool // the promoted digest passed and is recorded as good
	RolledBack bool
	Reports    []*smoke.Report
	Err        error // promotion refused or a setup error: nothing was deployed
}

// Run promotes. It deploys nothing when the decision refuses.
func (r *Release) Run(ctx context.Context) *ReleaseSummary {
	s := &ReleaseSummary{}
	if r.Source.Name() == r.Target.Name() {
		s.Err = fmt.Errorf("%w: source and target are both %s", ErrRefused, r.Target.Name())
		return s
	}
	devRaw, err := r.Source.Outputs(ctx)
	if err != nil {
		s.Err = fmt.Errorf("promotion stopped: %w", err)
		return s
	}
	devTags, err := r.Source.Tags(ctx)
	if err != nil {
		s.Err = fmt.Errorf("promotion stopped: %w", err)
		return s
	}
	p, err := release.DecidePromotion(r.Source.Name(), plain(devRaw), devTags)
	if err != nil {
		s.Err = err
		return s
	}
	s.Promoted = p
	prodTags, err := r.Target.Tags(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	before, err := r.Target.Outputs(ctx)
	if err != nil {
		before = nil // a new stack has no outputs yet: nothing to roll back to
	}
	prev, havePrev := release.PreviousGood(prodTags, plain(before))

	r.logf("release %s: up with %s from %s's passing cycle (%s)", r.Target.Name(), p.Image, r.Source.Name(), p.PassedAt)
	passed, upErr := r.deploy(ctx, s, p.Overrides())
	step, msg := release.AfterSmoke(p.Image, upErr, passed, prev, havePrev)
	r.logf("release %s: %s", r.Target.Name(), msg)
	switch step {
	case release.Done:
		s.Passed, s.Runs, s.Message = true, p.Image, msg
		if err := r.Target.SetTags(ctx, release.GoodTags(p.Image, p.Version)); err != nil {
			s.Err = fmt.Errorf("prod passed but its good-digest record could not be written (the next rollback will use the previous one): %w", err)
		}
		return s
	case release.StopFailed:
		s.Runs, s.Message = p.Image, "RELEASE FAILED: "+msg
		return s
	}
	s.RolledBack = true
	rbPassed, rbErr := r.deploy(ctx, s, release.ImageOverrides(prev.Image))
	s.Message = release.AfterRollback(p.Image, prev, rbErr, rbPassed) + "; why: " + msg
	s.Runs = prev.Image
	if rbErr != nil {
		s.Runs = release.Image{}
	}
	return s
}

// deploy runs up with the overrides, waits and smokes; upErr covers every step but a
// failed check, which is passed=false.
func (r *Release) deploy(ctx context.Context, s *ReleaseSummary, o Overrides) (passed bool, upErr error) {
	if err := r.Target.Up(ctx, o); err != nil {
		return false, err
	}
	raw, err := r.Target.Outputs(ctx)
	if err != nil {
		return false, err
	}
	if got := release.Outputs(plain(raw)).Image().Ref; got != o["prebuiltImage"] {
		return false, fmt.Errorf("after up, %s is %q, not the digest deployed (%v)", outputs.ImageRef, got, o["prebuiltImage"])
	}
	if err := r.Ready(ctx, raw, nil); err != nil {
		return false, err
	}
	rep, err := r.Smoke(ctx, raw, nil)
	if err != nil {
		return false, err
	}
	s.Reports = append(s.Reports, rep)
	return !rep.Failed(), nil
}

func (r *Release) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", args...)
	}
}
