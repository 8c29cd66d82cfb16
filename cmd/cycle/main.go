// Command cycle is the dev test cycle: `up` with test-time overrides (Fargate at least
// one task, EC2 on) that live for this run only, wait until every target answers, run
// the smoke harness in-process with nothing skipped for being scaled to zero, then
// scale back down (Fargate 0, EC2 removed) whatever happened: a failed smoke, an error,
// SIGINT or SIGTERM. On a pass it records the tested digest on the stack (tag
// sgraph-send:cycle-image) for promotion.
//
//	go run ./cmd/cycle -stack dev
//	go run ./cmd/cycle -stack dev -browser   # also the user UI in headless Chromium
//
// Exit codes: 0 the smoke passed and the stack is scaled down, 1 the smoke failed (or
// a target went unchecked), 2 usage, refusal (prod) or an operation error, 130
// interrupted. Overrides are written to a temporary copy of Pulumi.<stack>.yaml passed
// with --config-file: the committed stack file never changes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/browser"
)

const (
	exitPassed      = 0
	exitFailed      = 1
	exitError       = 2
	exitInterrupted = 130
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// openStack is swapped in tests for a pipeline.FakeStack.
var openStack = func(ctx context.Context, workDir, name string, progress io.Writer) (pipeline.Stack, error) {
	return pipeline.OpenAuto(ctx, workDir, name, progress)
}

// ready is swapped in tests for a short deadline.
var ready = func(wait time.Duration) pipeline.ReadyFunc {
	return func(ctx context.Context, raw smoke.RawOutputs, targets []string) error {
		return pipeline.WaitReady(ctx, raw, targets, wait, 10*time.Second)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cycle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to cycle (never prod)")
	workDir := fs.String("C", ".", "Pulumi project directory")
	appVersion := fs.String("app-version", "", "run this sgraph-ai-app-send version for this cycle only (post-publish), e.g. 0.27.7")
	junit := fs.String("junit", "", "also write the smoke report as JUnit XML to this file")
	wait := fs.Duration("wait", 20*time.Minute, "how long targets may take to answer after up (an EC2 boot installs the app)")
	var br browser.Flags
	br.Register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPassed
		}
		return exitError
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: cycle -stack NAME [-app-version X.Y.Z] [-junit FILE] [-browser]")
		return exitError
	}
	if *appVersion != "" {
		if err := release.CheckVersion(*appVersion); err != nil {
			fmt.Fprintln(stderr, "cycle: -app-version:", err)
			return exitError
		}
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := openStack(ctx, *workDir, *stack, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "cycle:", err)
		return exitError
	}
	c := &pipeline.Cycle{
		Stack: st, AppVersion: *appVersion, Log: stderr,
		Smoke: pipeline.InProcessSmokeThen(stdout, journey(&br, *junit)),
		Ready: ready(*wait),
	}
	s := c.Run(ctx)
	s.Print(stdout)
	if *junit != "" && s.Report != nil {
		if err := smoke.WriteJUnitFile(*junit, s.Report); err != nil {
			fmt.Fprintln(stderr, "cycle: writing JUnit:", err)
		}
	}
	switch {
	case s.Interrupted:
		return exitInterrupted
	case s.Err != nil:
		return exitError
	case !s.Passed:
		return exitFailed
	}
	return exitPassed
}

// journey runs the browser journey inside the smoke step (everything is still up
// then: after the cycle, Fargate is at 0 and EC2 gone); nil without -browser.
func journey(br *browser.Flags, junit string) pipeline.AfterChecks {
	if !br.On {
		return nil
	}
	return func(ctx context.Context, o *smoke.Outputs, targets []string, rep *smoke.Report, row func(smoke.Result)) {
		br.Journey(ctx, o, targets, junit, rep, row)
	}
}
