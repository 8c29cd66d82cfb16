package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/idle"
	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// ErrRefused marks a run the pipeline will not start (a cycle on prod).
var ErrRefused = errors.New("refused")

// Cycle is the dev test cycle: up with every target live (Fargate at least one task,
// EC2 on), wait until they answer, run the harness with nothing skipped for being
// scaled to zero, then tear down to what costs nothing idle (Fargate and EC2
// removed, internal/idle) whatever happened.
type Cycle struct {
	Stack Stack
	Smoke SmokeFunc
	Ready ReadyFunc
	// AppVersion overrides appVersion for this run (post-publish); "" keeps the stack's.
	AppVersion string
	// ScaleDownTimeout bounds the scale-down, which runs on its own context so an
	// interrupt or a cancelled run still reaches it.
	ScaleDownTimeout time.Duration
	Log              io.Writer
	Now              func() time.Time
}

// CycleSummary is what the cycle did, for the summary and the exit code.
type CycleSummary struct {
	Stack       string
	BroughtUp   []string
	TestUp      Overrides
	Down        Overrides
	Report      *smoke.Report
	Checked     []string
	Unchecked   []string // scaled to zero despite the overrides
	LeftRunning []string
	Record      map[string]string // tags written when the cycle passed
	Passed      bool
	ScaledDown  bool
	Err         error // the first error (setup, up, wait, smoke, scale-down)
	Interrupted bool
}

// Run runs the cycle. The summary is always returned; Err says what went wrong besides
// a failed smoke.
func (c *Cycle) Run(ctx context.Context) *CycleSummary {
	s := &CycleSummary{Stack: c.Stack.Name()}
	conf, err := c.Stack.Config(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	if isProd(c.Stack.Name(), conf) {
		s.Err = fmt.Errorf("%w: the test cycle scales targets up and down and removes EC2; it never runs on prod (stack %s). Prod gets a tested digest with `go run ./cmd/release -stack prod -from dev`", ErrRefused, c.Stack.Name())
		return s
	}
	committed, err := targetsOf(conf)
	if err != nil {
		s.Err = err
		return s
	}
	up := with(committed, "fargate", "ec2")
	s.TestUp = CycleUp(committed)
	// Between cycles dev keeps only what costs nothing idle (internal/idle):
	// Fargate's load balancer and EC2's address bill at zero traffic, so both
	// go, not only their tasks and instance.
	s.Down = Overrides(idle.Overrides(committed))
	if c.AppVersion != "" {
		s.TestUp["appVersion"] = c.AppVersion
		s.Down["appVersion"] = c.AppVersion // scaling down must not roll the version back
	}
	for _, t := range up {
		switch t {
		case "fargate":
			s.BroughtUp = append(s.BroughtUp, "fargate (1 task)")
		case "ec2":
			s.BroughtUp = append(s.BroughtUp, "ec2 (1 instance)")
		default:
			s.BroughtUp = append(s.BroughtUp, t)
		}
	}

	// A record of an earlier pass must not outlive a cycle that does not pass.
	if err := c.Stack.RemoveTags(ctx, release.CycleTags); err != nil {
		s.Err = err
		return s
	}
	defer c.scaleDown(ctx, s)

	c.logf("cycle %s: up with %s", s.Stack, s.TestUp)
	if err := c.Stack.Up(ctx, s.TestUp); err != nil {
		s.Err = err
		return s
	}
	raw, err := c.Stack.Outputs(ctx)
	if err != nil {
		s.Err = err
		return s
	}
	if err := liveCheck(raw); err != nil {
		s.Err = err
		return s
	}
	c.logf("cycle %s: waiting until every target answers", s.Stack)
	if err := c.Ready(ctx, raw, nil); err != nil {
		s.Err = err
		return s
	}
	c.logf("cycle %s: smoke", s.Stack)
	rep, err := c.Smoke(ctx, raw, nil)
	if err != nil {
		s.Err = err
		return s
	}
	s.Report = rep
	s.Checked = checked(rep)
	s.Unchecked = scaledToZero(rep)
	if ctx.Err() != nil {
		s.Err = fmt.Errorf("interrupted during the smoke: %w", ctx.Err())
		return s
	}
	s.Passed = !rep.Failed() && len(s.Unchecked) == 0
	if s.Passed {
		img := release.Outputs(plain(raw)).Image()
		version, _ := raw[outputs.AppVersion].Value.(string)
		if img.Ref != "" {
			s.Record = release.CycleRecord{Image: img, Version: version, PassedAt: c.now().UTC().Format(time.RFC3339)}.Tags()
		}
	}
	return s
}

// scaleDown always runs once the first up was attempted: after a pass, a failed
// smoke, an error or an interrupt. It uses a context of its own (ctx's values, not its
// cancellation), bounded by ScaleDownTimeout. The pass record is written only after it.
func (c *Cycle) scaleDown(ctx context.Context, s *CycleSummary) {
	if ctx.Err() != nil {
		s.Interrupted = true
	}
	timeout := c.ScaleDownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	c.logf("cycle %s: scaling down with %s", s.Stack, s.Down)
	if err := c.Stack.Up(dctx, s.Down); err != nil {
		s.Err = errors.Join(s.Err, fmt.Errorf("SCALE-DOWN FAILED, dev may still run Fargate tasks or an EC2 instance: %w; run the teardown workflow", err))
		s.Passed = false
		return
	}
	raw, err := c.Stack.Outputs(dctx)
	if err != nil {
		s.Err = errors.Join(s.Err, err)
		s.Passed = false
		return
	}
	s.LeftRunning, err = leftRunning(raw)
	if err != nil {
		s.Err = errors.Join(s.Err, err)
		s.Passed = false
		return
	}
	s.ScaledDown = true
	if s.Passed && s.Record != nil && !s.Interrupted {
		if err := c.Stack.SetTags(dctx, s.Record); err != nil {
			s.Err = errors.Join(s.Err, fmt.Errorf("the cycle passed but its record could not be written (promotion will refuse): %w", err))
			s.Passed = false
		}
	} else {
		s.Record = nil
	}
}

// liveCheck confirms the test overrides took: a scaled-to-zero Fargate or a missing
// EC2 instance would make the smoke skip what the cycle exists to test.
func liveCheck(raw smoke.RawOutputs) error {
	var problems []string
	if n, ok := number(raw, outputs.FargateDesiredCount); !ok || n < 1 {
		problems = append(problems, fmt.Sprintf("%s is %v, want >= 1", outputs.FargateDesiredCount, raw[outputs.FargateDesiredCount].Value))
	}
	if s, _ := raw[outputs.EC2URL].Value.(string); s == "" {
		problems = append(problems, outputs.EC2URL+" is missing")
	}
	if len(problems) > 0 {
		return fmt.Errorf("after the test up: %s", strings.Join(problems, "; "))
	}
	return nil
}

// leftRunning lists what stays deployed after the scale-down and fails when anything
// costly is left: a Fargate task or an EC2 instance.
func leftRunning(raw smoke.RawOutputs) ([]string, error) {
	var left, costly []string
	if _, ok := raw[outputs.LambdaPublicURL]; ok {
		left = append(left, "lambda (pay per request)")
	}
	if _, ok := raw[outputs.FargateURL]; ok {
		n, _ := number(raw, outputs.FargateDesiredCount)
		costly = append(costly, fmt.Sprintf("fargate with %d tasks and its load balancer", n))
	}
	if id, _ := raw[outputs.EC2InstanceID].Value.(string); id != "" {
		costly = append(costly, "ec2 instance "+id)
	}
	if _, ok := raw[outputs.CloudRunURL]; ok {
		left = append(left, "cloudrun (min instances 0)")
	}
	if _, ok := raw[outputs.BucketName]; ok {
		left = append(left, "storage bucket")
	}
	if len(costly) > 0 {
		return left, fmt.Errorf("scale-down left costly resources running: %s", strings.Join(costly, ", "))
	}
	return left, nil
}

func number(raw smoke.RawOutputs, key string) (int, bool) {
	switch v := raw[key].Value.(type) {
	case float64:
		return int(v), true
	case int:
		return v, true
	case interface{ Int64() (int64, error) }:
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}

func (c *Cycle) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

func (c *Cycle) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Print writes the summary: what the cycle brought up, checked and left running.
func (s *CycleSummary) Print(w io.Writer) {
	fmt.Fprintf(w, "\n== cycle summary (%s)\n", s.Stack)
	fmt.Fprintf(w, "brought up:   %s\n", orNone(s.BroughtUp))
	fmt.Fprintf(w, "checked:      %s\n", orNone(s.Checked))
	if len(s.Unchecked) > 0 {
		fmt.Fprintf(w, "UNCHECKED:    %s (scaled to zero despite the test overrides)\n", strings.Join(s.Unchecked, ", "))
	}
	if s.ScaledDown {
		fmt.Fprintf(w, "left running: %s; no Fargate task, no EC2 instance, no load balancer (what that costs: go run ./cmd/plan -stack %s)\n", orNone(s.LeftRunning), s.Stack)
	} else {
		fmt.Fprintf(w, "left running: UNKNOWN, the scale-down did not complete: check the stack and run the teardown workflow\n")
	}
	switch {
	case s.Record != nil:
		fmt.Fprintf(w, "record:       %s=%s (promotion reads it)\n", release.TagCycleImage, s.Record[release.TagCycleImage])
	case s.Passed:
		fmt.Fprintf(w, "record:       none (no container target, so no image to promote)\n")
	}
	verdict := "FAILED"
	if s.Passed {
		verdict = "PASSED"
	}
	if s.Interrupted {
		verdict = "INTERRUPTED"
	}
	fmt.Fprintf(w, "verdict:      %s\n", verdict)
	if s.Err != nil {
		fmt.Fprintf(w, "error:        %v\n", s.Err)
	}
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, "; ")
}

// CycleUp is what the test cycle deploys on top of a stack's committed
// targets: every target up, Fargate with one task. internal/parity compares
// prod with the dev stack under exactly these overrides.
func CycleUp(committed []string) Overrides {
	return Overrides{"targets": with(committed, "fargate", "ec2"), "fargateDesiredCount": 1}
}
