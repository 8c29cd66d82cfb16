// Command gate judges the real engine's preview of a stack with the policies
// of the offline plan (internal/ops/gate) and exits 1 when a mandatory rule
// fails on a value the preview knows: CI runs it before every plain
// `pulumi up` (cmd/cycle and cmd/release gate their own ups).
//
//	go run ./cmd/gate -stack dev
//
// Exit codes: 0 the up may go on, 1 a rule fails (named with its resource),
// 2 usage or the preview itself failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack whose preview is judged")
	workDir := fs.String("C", ".", "Pulumi project directory")
	configFile := fs.String("config-file", "", "preview with this config file instead of Pulumi.<stack>.yaml")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: gate -stack STACK [-C dir] [-config-file file]")
		return 2
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(*workDir))
	if err != nil {
		fmt.Fprintf(stderr, "gate: %v\n", err)
		return 2
	}
	var extra []string
	if *configFile != "" {
		extra = append(extra, "--config-file", *configFile)
	}
	err = gate.GuardWorkspace(ctx, ws, *workDir, *stack, stdout, nil, extra...)
	var blocked *gate.Blocked
	switch {
	case errors.As(err, &blocked):
		fmt.Fprintln(stderr, err)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "gate: %v\n", err)
		return 2
	}
	return 0
}
