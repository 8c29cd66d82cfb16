// Command smoke proves a deployed stack works: it reads the stack outputs,
// checks every deployed target concurrently and exits 0 only when nothing
// failed.
//
//	go run ./cmd/smoke -stack dev
//	pulumi stack output --json --show-secrets | go run ./cmd/smoke -outputs -
//
// Exit codes: 0 all checks passed (or skipped), 1 a check failed, 2 usage
// error or malformed outputs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/browser"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/stacksource"
)

const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// stackSource is swapped in tests; production reads -stack through the
// Automation API (stack.go) or -outputs as JSON.
var stackSource = func(name, workDir string) smoke.Source { return stacksource.Auto{Stack: name, WorkDir: workDir} }

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

type options struct {
	stack, outputsPath, workDir, junit string
	targets                            listFlag
	json                               bool
	timeout, backoff, maxBackoff       time.Duration
	readiness, readinessEC2, deadline  time.Duration
	attempts                           int
	origin, expectVersion              string
	payload                            int
	browser                            browser.Flags
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	def := smoke.DefaultConfig()
	o := &options{}
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.stack, "stack", "", "read outputs of this stack through the Pulumi Automation API")
	fs.StringVar(&o.outputsPath, "outputs", "", "read outputs from this JSON file (`pulumi stack output --json --show-secrets`), - for stdin")
	fs.StringVar(&o.workDir, "C", ".", "Pulumi project directory for -stack")
	fs.Var(&o.targets, "target", "check only this target (repeatable or comma-separated): lambda-admin, lambda-public, fargate, ec2, cloudrun")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON on stdout (rows go to stderr)")
	fs.StringVar(&o.junit, "junit", "", "also write a JUnit XML report to this file")
	fs.DurationVar(&o.timeout, "timeout", def.CheckTimeout, "time budget of each check, retries included")
	fs.DurationVar(&o.readiness, "readiness", def.Readiness, "how long a target may take to answer at all before its checks start (all but ec2)")
	fs.DurationVar(&o.readinessEC2, "readiness-ec2", def.ReadinessEC2, "the same for ec2, whose fresh instance installs the app after up")
	fs.DurationVar(&o.deadline, "deadline", def.Deadline, "bound on the whole run; what is still running then fails with \"deadline\" (0: none)")
	fs.IntVar(&o.attempts, "attempts", def.Retry.Attempts, "tries per request on transient answers (refused, 502/503/504)")
	fs.DurationVar(&o.backoff, "backoff", def.Retry.Initial, "first retry backoff, doubling per try")
	fs.DurationVar(&o.maxBackoff, "max-backoff", def.Retry.Max, "retry backoff cap")
	fs.StringVar(&o.origin, "origin", def.Origin, "Origin sent in CORS preflights")
	fs.StringVar(&o.expectVersion, "expect-version", "", "app version to expect instead of the appVersion output")
	fs.IntVar(&o.payload, "payload-bytes", def.PayloadBytes, "size of the round-trip upload")
	o.browser.Register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: smoke (-stack NAME | -outputs FILE|-) [-target NAME]... [-json] [-junit FILE] [-browser]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case (o.stack == "") == (o.outputsPath == ""):
		return nil, errors.New("give exactly one of -stack NAME or -outputs FILE|-")
	case o.timeout <= 0:
		return nil, errors.New("-timeout must be positive")
	case o.readiness <= 0 || o.readinessEC2 <= 0:
		return nil, errors.New("-readiness and -readiness-ec2 must be positive")
	case o.deadline < 0:
		return nil, errors.New("-deadline must not be negative")
	case o.attempts < 1:
		return nil, errors.New("-attempts must be at least 1")
	case o.backoff < 0 || o.maxBackoff < 0:
		return nil, errors.New("-backoff and -max-backoff must not be negative")
	case o.payload < 1:
		return nil, errors.New("-payload-bytes must be at least 1")
	}
	return o, nil
}

// run is main without the process: tests call it with their own streams.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var src smoke.Source
	switch {
	case o.outputsPath == "-":
		src = smoke.JSONSource{R: stdin, Name: "stdin"}
	case o.outputsPath != "":
		f, err := os.Open(o.outputsPath)
		if err != nil {
			fmt.Fprintln(stderr, "smoke:", err)
			return exitUsage
		}
		defer f.Close()
		src = smoke.JSONSource{R: f, Name: o.outputsPath}
	default:
		src = stackSource(o.stack, o.workDir)
	}
	outs, err := smoke.Load(ctx, src)
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return exitUsage
	}

	// Rows stream to stdout, or to stderr when stdout carries the JSON.
	rows := stdout
	if o.json {
		rows = stderr
	}
	table := &smoke.TableWriter{W: rows}
	rep, err := smoke.Run(ctx, outs,
		smoke.WithTargets(o.targets...),
		smoke.WithCheckTimeout(o.timeout),
		smoke.WithReadiness(o.readiness, o.readinessEC2),
		smoke.WithDeadline(o.deadline),
		smoke.WithRetry(smoke.RetryPolicy{Attempts: o.attempts, Initial: o.backoff, Max: o.maxBackoff}),
		smoke.WithOrigin(o.origin),
		smoke.WithExpectVersion(o.expectVersion),
		smoke.WithPayloadBytes(o.payload),
		smoke.WithProgress(table.Row),
	)
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return exitUsage
	}
	o.browser.Journey(ctx, outs, o.targets, o.junit, rep, table.Row)
	table.Summary(rep)

	code := exitOK
	if rep.Failed() {
		code = exitFailed
	}
	if o.json {
		if err := smoke.WriteJSON(stdout, rep); err != nil {
			fmt.Fprintln(stderr, "smoke: writing JSON:", err)
			code = max(code, exitFailed)
		}
	}
	if o.junit != "" {
		if err := smoke.WriteJUnitFile(o.junit, rep); err != nil {
			fmt.Fprintln(stderr, "smoke: writing JUnit:", err)
			code = max(code, exitFailed)
		}
	}
	return code
}
