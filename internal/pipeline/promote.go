package pipeline

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Release copies into Target's (prod's) own registries the digest Source's (dev's)
// cycle passed, deploys that copy, smokes it, and rolls back to the previous good
// digest when that fails. Prod never runs a reference into dev's registries.
type Release struct {
	Target, Source Stack
	Smoke          SmokeFunc
	Ready          ReadyFunc
	Copier         ImageCopier
	Log            io.Writer
}

// ImageCopier copies src (digest form) into the repository dstRepo under the same
// digest and returns dstRepo@digest once it resolves there (imagecopy.Copier).
type ImageCopier interface {
	Copy(ctx context.Context, src, dstRepo string) (string, error)
}

// ReleaseSummary is the outcome; Runs is what the target runs at the end.
type ReleaseSummary struct {
	Promoted   release.Promotion // what dev tested (dev's references)
	Copied     release.Image     // the same digests in the target's own registries
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
	own, err := r.copyToTarget(ctx, p, release.Outputs(plain(before)).Registries())
	if err != nil {
		s.Err = err
		return s
	}
	s.Promoted, s.Copied = p, own

	r.logf("release %s: up with %s (copied from %s's passing cycle, %s)", r.Target.Name(), own, r.Source.Name(), p.PassedAt)
	passed, upErr := r.deploy(ctx, s, release.ImageOverrides(own))
	step, msg := release.AfterSmoke(own, upErr, passed, prev, havePrev)
	r.logf("release %s: %s", r.Target.Name(), msg)
	switch step {
	case release.Done:
		s.Passed, s.Runs, s.Message = true, own, msg
		if err := r.Target.SetTags(ctx, r.goodRecord(ctx, own, p.Version)); err != nil {
			s.Err = fmt.Errorf("prod passed but its good-digest record could not be written (the next rollback will use the previous one): %w", err)
		}
		return s
	case release.StopFailed:
		s.Runs, s.Message = own, "RELEASE FAILED: "+msg
		return s
	}
	s.RolledBack = true
	rbPassed, rbErr := r.deploy(ctx, s, release.ImageOverrides(prev.Image))
	s.Message = release.AfterRollback(own, prev, rbErr, rbPassed) + "; why: " + msg
	s.Runs = prev.Image
	if rbErr != nil {
		s.Runs = release.Image{}
	}
	return s
}

// goodRecord is the good-digest tags plus this release's pointers (what each target
// serves now), the record a later `cmd/release -rollback` flips back to.
func (r *Release) goodRecord(ctx context.Context, img release.Image, version string) map[string]string {
	tags := release.GoodTags(img, version)
	raw, err := r.Target.Outputs(ctx)
	if err != nil {
		r.logf("release %s: no pointers recorded (outputs: %v)", r.Target.Name(), err)
		return tags
	}
	p := release.Outputs(plain(raw)).Pointers()
	p.At = time.Now().UTC().Format(time.RFC3339)
	k, v, err := p.Tag()
	if err != nil {
		r.logf("release %s: no pointers recorded: %v", r.Target.Name(), err)
		return tags
	}
	tags[k] = v
	return tags
}

// copyToTarget copies the tested digests into the target's own registries and checks
// each copy carries the tested digest; nothing is deployed when it fails.
func (r *Release) copyToTarget(ctx context.Context, p release.Promotion, regs release.Registries) (release.Image, error) {
	own, err := release.ProdImage(r.Target.Name(), p.Image, regs)
	if err != nil {
		return release.Image{}, err
	}
	if r.Copier == nil {
		return release.Image{}, fmt.Errorf("promotion stopped: no image copier configured, and %s must not run %s from %s's registry", r.Target.Name(), p.Image, r.Source.Name())
	}
	pairs := [][2]string{{p.Ref, own.Ref}}
	if p.GcpRef != "" {
		pairs = append(pairs, [2]string{p.GcpRef, own.GcpRef})
	}
	for _, pr := range pairs {
		r.logf("release %s: copying %s into %s", r.Target.Name(), pr[0], release.RepoOf(pr[1]))
		got, err := r.Copier.Copy(ctx, pr[0], release.RepoOf(pr[1]))
		if err != nil {
			return release.Image{}, fmt.Errorf("promotion stopped: copying %s into %s's registry %s: %w", pr[0], r.Target.Name(), release.RepoOf(pr[1]), err)
		}
		if err := release.CheckCopy(pr[0], got, pr[1]); err != nil {
			return release.Image{}, fmt.Errorf("promotion stopped: %w", err)
		}
	}
	return own, nil
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
