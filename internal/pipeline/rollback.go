package pipeline

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Rollback flips every target of Target back to a good release's pointers (the
// Lambda live aliases, Cloud Run traffic, the ECS service's task definition) with one
// `up` whose only changes are those pointers, then waits for each target and smokes.
type Rollback struct {
	Target Stack
	To     string // digest of the good release; "" is the newest one prod does not serve
	Smoke  SmokeFunc
	Ready  ReadyFunc
	Log    io.Writer
	Now    func() time.Time // for tests; nil is time.Now
}

// Flip is one target's outcome.
type Flip struct {
	Target string
	Moved  bool          // the output says it serves the good pointer now
	Took   time.Duration // from the start of the up until the target answered
	Passed bool          // moved, answered and its smoke checks passed
	Detail string
}

// RollbackSummary is what cmd/release prints; Passed only when every target came back.
type RollbackSummary struct {
	To      release.Pointers
	Flips   []Flip
	Passed  bool
	Report  *smoke.Report
	Message string
	Err     error // refused or the up failed
}

func (r *Rollback) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Rollback) Run(ctx context.Context) *RollbackSummary {
	s := &RollbackSummary{}
	raw, err := r.Target.Outputs(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	tags, err := r.Target.Tags(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	before := release.Outputs(plain(raw))
	to, err := release.PickRollback(before, tags, r.To)
	if err != nil {
		s.Err = err
		return s
	}
	s.To = to
	o, err := release.FlipOverrides(before, to)
	if err != nil {
		s.Err = err
		return s
	}
	fmt.Fprintf(logOr(r.Log), "rollback %s: flipping to %s (good since %s): %v\n", r.Target.Name(), to.Digest, to.At, o["rollback"])
	start := r.now()
	if err := r.Target.Up(ctx, Overrides(o)); err != nil {
		s.Err = fmt.Errorf("ROLLBACK FAILED: the flip's up failed, prod may be in between: %w", err)
		return s
	}
	upTook := r.now().Sub(start)
	raw, err = r.Target.Outputs(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	moved := release.Flipped(release.Outputs(plain(raw)), to)
	names := make([]string, 0, len(moved))
	for n := range moved {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := Flip{Target: n, Moved: moved[n], Took: upTook}
		if !f.Moved {
			f.Detail = "still serves another pointer after the up"
		} else if err := r.Ready(ctx, raw, []string{n}); err != nil {
			f.Detail = "did not answer: " + err.Error()
		} else {
			f.Took = r.now().Sub(start)
		}
		s.Flips = append(s.Flips, f)
	}
	rep, err := r.Smoke(ctx, raw, nil)
	if err != nil {
		s.Err = err
		return s
	}
	s.Report = rep
	failed := map[string]bool{}
	for _, res := range rep.Results {
		if res.Verdict == smoke.Fail {
			failed[res.Target] = true
		}
	}
	s.Passed = len(s.Flips) > 0
	for i := range s.Flips {
		f := &s.Flips[i]
		f.Passed = f.Moved && f.Detail == "" && !failed[f.Target]
		if f.Moved && f.Detail == "" && failed[f.Target] {
			f.Detail = "smoke failed"
		}
		s.Passed = s.Passed && f.Passed
	}
	if rep.Failed() {
		s.Passed = false
	}
	verdict := "ROLLED BACK"
	if !s.Passed {
		verdict = "ROLLBACK INCOMPLETE"
	}
	s.Message = fmt.Sprintf("%s: %s serves %s again (up %s)", verdict, r.Target.Name(), to.Digest, upTook.Round(time.Millisecond))
	return s
}

func logOr(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
