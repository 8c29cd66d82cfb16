// Command release promotes to prod the exact digest that passed dev's test cycle: it
// copies that digest into prod's own ECR and Artifact Registry repositories (no
// rebuild, and nothing of prod's left in dev, which is destroyed nightly), deploys the
// copy (prebuiltImage/prebuiltGcpImage for this run only), smokes prod, and when the
// smoke fails deploys the previous good digest again and smokes it; the run then fails
// either way and says which digest prod runs.
//
//	go run ./cmd/release -stack prod -from dev
//	go run ./cmd/release -check-version 0.27.7     # validate a published version
//	go run ./cmd/release -stack prod -rollback     # flip every target to the last good release
//	go run ./cmd/release -stack prod -rollback-to sha256:<digest>
//
// Exit codes: 0 promoted and smoked, 1 the release failed (rolled back or not), 2
// refused (no passing cycle, a missing dev output) or usage.
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

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/imagecopy"
	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

const (
	exitOK      = 0
	exitFailed  = 1
	exitRefused = 2
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

var openStack = func(ctx context.Context, workDir, name string, progress io.Writer) (pipeline.Stack, error) {
	return pipeline.OpenAuto(ctx, workDir, name, progress)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to release to (prod)")
	from := fs.String("from", "dev", "stack whose passing cycle supplies the digest")
	workDir := fs.String("C", ".", "Pulumi project directory")
	checkVersion := fs.String("check-version", "", "only validate this app version (post-publish dispatch) and exit")
	junit := fs.String("junit", "", "also write the last smoke report as JUnit XML to this file")
	wait := fs.Duration("wait", 20*time.Minute, "how long targets may take to answer after up")
	tagOut := fs.String("tag-out", "", "on a passed release, write the annotated git tag to render to FILE.name and FILE.message (docs/releases.md)")
	commit := fs.String("commit", os.Getenv("GITHUB_SHA"), "program commit recorded in the release tag (default $GITHUB_SHA)")
	rollback := fs.Bool("rollback", false, "flip every target back to the last good release (pointers only: Lambda alias, Cloud Run traffic, ECS task definition), then smoke")
	rollbackTo := fs.String("rollback-to", "", "like -rollback, to the good release with this digest (sha256:<hex>, 12+ hex digits)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitRefused
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "release: unexpected argument %q\n", fs.Arg(0))
		return exitRefused
	}
	if isSet(fs, "check-version") {
		if err := release.CheckVersion(*checkVersion); err != nil {
			fmt.Fprintln(stderr, "release: refused:", err)
			return exitRefused
		}
		fmt.Fprintf(stdout, "app version %s is a release\n", *checkVersion)
		return exitOK
	}
	if *stack == "" {
		fmt.Fprintln(stderr, "usage: release -stack prod -from dev [-junit FILE] | release -stack prod -rollback | -rollback-to DIGEST | release -check-version X.Y.Z")
		return exitRefused
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	target, err := openStack(ctx, *workDir, *stack, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "release:", err)
		return exitRefused
	}
	ready := func(ctx context.Context, raw smoke.RawOutputs, ts []string) error {
		return pipeline.WaitReady(ctx, raw, ts, *wait, 10*time.Second)
	}
	if *rollback || *rollbackTo != "" {
		return runRollback(ctx, &pipeline.Rollback{Target: target, To: *rollbackTo, Log: stderr,
			Smoke: pipeline.InProcessSmoke(stdout), Ready: ready}, *junit, stdout, stderr)
	}
	source, err := openStack(ctx, *workDir, *from, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "release: promotion stopped:", err)
		return exitRefused
	}
	r := &pipeline.Release{
		Target: target, Source: source, Log: stderr,
		Copier: imagecopy.Copier{Keychain: imagecopy.Ambient(ctx)},
		Smoke:  pipeline.InProcessSmoke(stdout),
		Ready: func(ctx context.Context, raw smoke.RawOutputs, ts []string) error {
			return pipeline.WaitReady(ctx, raw, ts, *wait, 10*time.Second)
		},
	}
	s := r.Run(ctx)
	if s.Err != nil && s.Promoted.Ref == "" {
		fmt.Fprintln(stderr, "release:", s.Err)
		return exitRefused
	}
	if *junit != "" && len(s.Reports) > 0 {
		if err := smoke.WriteJUnitFile(*junit, s.Reports[len(s.Reports)-1]); err != nil {
			fmt.Fprintln(stderr, "release: writing JUnit:", err)
		}
	}
	fmt.Fprintf(stdout, "\n== release summary (%s from %s)\n%s\n", *stack, *from, s.Message)
	if s.Runs.Ref != "" {
		fmt.Fprintf(stdout, "%s runs: %s\n", *stack, s.Runs)
	}
	if s.Err != nil {
		fmt.Fprintln(stdout, "error:", s.Err)
	}
	if !s.Passed {
		return exitFailed
	}
	if *tagOut != "" {
		if err := writeTag(*tagOut, release.TagInput{Stack: *stack, From: *from, Promoted: s.Promoted, Commit: *commit, At: time.Now()}); err != nil {
			// Prod is released and smoked; only its record in git is missing.
			fmt.Fprintln(stderr, "release: passed, but no release tag:", err)
			return exitFailed
		}
	}
	return exitOK
}

// writeTag renders the release tag into prefix.name and prefix.message for
// the workflow, which creates it through the GitHub API.
func writeTag(prefix string, in release.TagInput) error {
	tag, err := release.ReleaseTag(in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(prefix+".name", []byte(tag.Name+"\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(prefix+".message", []byte(tag.Message), 0o644)
}

// runRollback flips, smokes and prints each target's flip time and verdict. Exit 0 only
// when every target came back; 2 when refused (no record); 1 otherwise.
func runRollback(ctx context.Context, r *pipeline.Rollback, junit string, stdout, stderr io.Writer) int {
	s := r.Run(ctx)
	if s.Err != nil && s.To.Digest == "" {
		fmt.Fprintln(stderr, "release:", s.Err)
		return exitRefused
	}
	if junit != "" && s.Report != nil {
		if err := smoke.WriteJUnitFile(junit, s.Report); err != nil {
			fmt.Fprintln(stderr, "release: writing JUnit:", err)
		}
	}
	fmt.Fprintf(stdout, "\n== rollback summary (%s to %s, good since %s)\n", r.Target.Name(), s.To.Digest, s.To.At)
	for _, f := range s.Flips {
		verdict := "BACK"
		if !f.Passed {
			verdict = "NOT BACK: " + f.Detail
		}
		fmt.Fprintf(stdout, "  %-14s flip %8s  %s\n", f.Target, f.Took.Round(time.Millisecond), verdict)
	}
	fmt.Fprintln(stdout, "  ec2            not flipped: an instance runs one app version; roll EC2 back with a release of the good digest (a replacement)")
	if s.Err != nil {
		fmt.Fprintln(stdout, "error:", s.Err)
		return exitFailed
	}
	fmt.Fprintln(stdout, s.Message)
	if !s.Passed {
		return exitFailed
	}
	return exitOK
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
