// Command drift reports what changed in the cloud behind the code's back,
// from `pulumi preview --refresh --expect-no-changes --json`, and writes the
// body of the drift issue the scheduled workflow opens or updates.
//
//	go run ./cmd/drift -stack prod                              # runs the preview
//	go run ./cmd/drift -stack prod -preview prod.json -body drift.md
//	go run ./cmd/drift -stack prod -merge current.md -body drift.md  # the workflow: one issue, a section per stack
//
// Exit codes: 0 no drift (no body is written), 1 drift, 2 usage or the
// preview failed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/drift"
	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// preview runs the CLI in workDir; tests replace it.
var preview = func(ctx context.Context, workDir, stack string) (*gate.Digest, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(workDir))
	if err != nil {
		return nil, err
	}
	return drift.Preview(ctx, gate.WorkspaceCLI(ws, workDir), stack)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to check (prod, dev)")
	workDir := fs.String("C", ".", "Pulumi project directory")
	from := fs.String("preview", "", "read this `pulumi preview --refresh --json` output instead of running it")
	body := fs.String("body", "", "write the issue body (markdown) to this file when there is drift")
	merge := fs.String("merge", "", "merge into this issue body (the open drift issue's; other stacks' sections are kept) and always write -body; an empty result means no drift left")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: drift -stack STACK [-preview file] [-body file] [-json]")
		return 2
	}
	var d *gate.Digest
	var err error
	if *from != "" {
		var b []byte
		if b, err = os.ReadFile(*from); err == nil {
			d, err = gate.Parse(b)
		}
	} else {
		d, err = preview(ctx, *workDir, *stack)
	}
	if err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return 2
	}
	rep := drift.Find(*stack, d)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		rep.Print(stdout)
	}
	out, write := drift.Body([]*drift.Report{rep}), rep.Drifted()
	if *merge != "" {
		existing, err := os.ReadFile(*merge)
		if err != nil && !os.IsNotExist(err) {
			fmt.Fprintf(stderr, "drift: %v\n", err)
			return 2
		}
		out, write = drift.Merge(string(existing), rep), true
	}
	if *body != "" && write {
		if err := os.WriteFile(*body, []byte(out), 0o644); err != nil {
			fmt.Fprintf(stderr, "drift: %v\n", err)
			return 2
		}
	}
	if rep.Drifted() {
		return 1
	}
	return 0
}
