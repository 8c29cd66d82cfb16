// Command review runs the review stacks of pull requests (internal/ops/review).
//
//	go run ./cmd/review -pr 42 -config [-gcp]          # write Pulumi.pr-42.yaml (generated, never committed)
//	go run ./cmd/review -pr 42 -comment smoke.json -outputs outputs.json -sha "$SHA"   # the PR comment
//	go run ./cmd/review -pr 42 -remove                 # pulumi destroy, then stack rm
//	go run ./cmd/review -sweep -open 12,42 -ttl 168h   # remove review stacks of closed or stale PRs
//
// It acts on pr-<number> stacks only. Exit codes: 0 done, 1 a removal
// failed, 2 usage.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/review"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// cli runs the pulumi CLI in workDir; tests replace it.
var cli = func(ctx context.Context, workDir string) (gate.RunCLI, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(workDir))
	if err != nil {
		return nil, err
	}
	return gate.WorkspaceCLI(ws, workDir), nil
}

// tracked reports whether git tracks path (then stack rm keeps it).
var tracked = func(workDir, path string) bool {
	cmd := exec.Command("git", "ls-files", "--error-unmatch", path)
	cmd.Dir = workDir
	return cmd.Run() == nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pr := fs.Int("pr", 0, "pull request number")
	workDir := fs.String("C", ".", "Pulumi project directory")
	config := fs.Bool("config", false, "write Pulumi.pr-<n>.yaml from Pulumi.dev.yaml")
	gcp := fs.Bool("gcp", false, "with -config: add Cloud Run (GCP is configured)")
	comment := fs.String("comment", "", "render the PR comment from this smoke report (cmd/smoke -json)")
	outs := fs.String("outputs", "", "with -comment: the stack's outputs (pulumi stack output --json)")
	sha := fs.String("sha", "", "with -comment: the commit deployed")
	remove := fs.Bool("remove", false, "destroy the review stack of -pr and remove it")
	sweep := fs.Bool("sweep", false, "remove every review stack whose PR is not in -open or not updated within -ttl")
	open := fs.String("open", "", "with -sweep: comma-separated numbers of the open pull requests")
	ttl := fs.Duration("ttl", 7*24*time.Hour, "with -sweep: remove review stacks not updated for this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "review: "+format+"\n", a...)
		return 2
	}
	if *sweep {
		return doSweep(ctx, *workDir, *open, *ttl, stdout, stderr)
	}
	stack, err := review.StackName(*pr)
	if err != nil {
		return fail("-pr: %v", err)
	}
	switch {
	case *config:
		dev, err := os.ReadFile(filepath.Join(*workDir, "Pulumi.dev.yaml"))
		if err != nil {
			return fail("%v", err)
		}
		b, err := review.Config(dev, *pr, review.Options{GCP: *gcp})
		if err != nil {
			return fail("%v", err)
		}
		path := filepath.Join(*workDir, "Pulumi."+stack+".yaml")
		if old, err := os.ReadFile(path); err == nil {
			if b, err = review.KeepStackSettings(old, b); err != nil {
				return fail("%v", err)
			}
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintln(stdout, path)
	case *comment != "":
		var rep smoke.Report
		if err := readJSON(*comment, &rep); err != nil {
			return fail("-comment: %v", err)
		}
		values := map[string]any{}
		if *outs != "" {
			if err := readJSON(*outs, &values); err != nil {
				return fail("-outputs: %v", err)
			}
		}
		fmt.Fprint(stdout, review.Comment(*pr, stack, *sha, values, &rep))
	case *remove:
		run, err := cli(ctx, *workDir)
		if err != nil {
			return fail("%v", err)
		}
		if err := review.Remove(ctx, run, stack, tracked(*workDir, "Pulumi."+stack+".yaml")); err != nil {
			fmt.Fprintf(stderr, "review: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "removed %s\n", stack)
	default:
		return fail("one of -config, -comment, -remove or -sweep")
	}
	return 0
}

func doSweep(ctx context.Context, workDir, open string, ttl time.Duration, stdout, stderr io.Writer) int {
	openPRs := map[int]bool{}
	for _, f := range strings.FieldsFunc(open, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			fmt.Fprintf(stderr, "review: -open: %q is no PR number\n", f)
			return 2
		}
		openPRs[n] = true
	}
	run, err := cli(ctx, workDir)
	if err != nil {
		fmt.Fprintf(stderr, "review: %v\n", err)
		return 2
	}
	out, errOut, code, err := run(ctx, "stack", "ls", "--json")
	if err != nil || code != 0 {
		fmt.Fprintf(stderr, "review: pulumi stack ls --json: %v\n%s\n", err, errOut)
		return 2
	}
	var listed []review.Listed
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		fmt.Fprintf(stderr, "review: pulumi stack ls --json: %v\n", err)
		return 2
	}
	rc := 0
	for _, r := range review.Sweep(listed, openPRs, time.Now(), ttl) {
		fmt.Fprintf(stdout, "removing %s: %s\n", r.Stack, r.Why)
		if err := review.Remove(ctx, run, r.Stack, tracked(workDir, "Pulumi."+r.Stack+".yaml")); err != nil {
			fmt.Fprintf(stderr, "review: %v\n", err)
			rc = 1
		}
	}
	return rc
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
