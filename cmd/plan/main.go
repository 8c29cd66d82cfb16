// Command plan is the offline plan: it runs the real program for one stack
// under mocks (no cloud, no Pulumi CLI), prints the resource tree with its key
// settings and the policy verdicts, or the same as JSON with -json.
//
//	go run ./cmd/plan -stack dev
//	go run ./cmd/plan -stack prod -json
//
// Exit codes: 0 the program ran, every policy passed and every endpoint is
// reachable (internal/reachability), 1 a policy failed or a path is broken,
// 2 a config or program error (or bad usage).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/cost"
	"github.com/sgraph-ai/sgraph-send-infra/internal/idle"
	"github.com/sgraph-ai/sgraph-send-infra/internal/plan"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// rules is every policy; tests swap it to prove a failing policy exits 1.
var rules = policy.All

// reach proves every endpoint's path; tests swap it to prove a broken path exits 1.
var reach = func(r *bench.Result) reachability.Report {
	return reachability.Check(reachability.FromBench(r))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "dev", "stack to plan: the name in Pulumi.<stack>.yaml")
	asJSON := fs.Bool("json", false, "print the plan as one JSON document")
	dir := fs.String("dir", "", "folder holding Pulumi.yaml (default: search upwards)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "plan: unexpected arguments %v\n", fs.Args())
		return 2
	}
	r, err := bench.Run(bench.Options{Dir: *dir, Stack: *stack, Placeholders: true})
	if err != nil {
		fmt.Fprintf(stderr, "plan: stack %s: %v\n", *stack, describe(err))
		return 2
	}
	doc := plan.Build(r, policy.Evaluate(r, rules()...))
	rep := reach(r)
	doc.Reachability = &rep
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return 2
		}
	} else {
		plan.WriteTree(stdout, doc)
		writeBetweenCycles(stdout, stderr, r, *dir, *stack)
	}
	if len(doc.Placeholders) > 0 {
		fmt.Fprintf(stderr, "plan: secrets replaced by placeholders: %v (set them with `pulumi config set --secret <key> <value>` before `pulumi up`)\n", doc.Placeholders)
	}
	if len(r.StandIns) > 0 {
		// The program refuses these in prod (stacks/placeholders.go); the plan
		// shows the graph with offline stand-ins and says what to set.
		fmt.Fprintf(stderr, "plan: placeholders replaced by offline stand-ins: %v (prod refuses them at preview and up: `pulumi config set domain send.<your-domain>` and `pulumi config set hostedZoneId <Z...>`)\n", r.StandIns)
	}
	if !doc.Passed() {
		return 1
	}
	return 0
}

// describe unwraps the runtime's error wrapping so a config error reads as the
// list of problems the program reported.
func describe(err error) error {
	var ce interface{ Keys() []string }
	if errors.As(err, &ce) {
		if e, ok := ce.(error); ok {
			return e
		}
	}
	return err
}

// writeBetweenCycles prints what a dev stack costs between test cycles, after
// cmd/cycle's tear-down (internal/idle); prod has no cycle.
func writeBetweenCycles(stdout, stderr io.Writer, r *bench.Result, dir, stack string) {
	if r.Config["sgraph-send:environment"] != "dev" {
		return
	}
	committed, err := cost.CommittedTargets(r)
	if err == nil {
		var b *cost.Between
		if b, err = cost.BetweenCycles(bench.Options{Dir: dir, Stack: stack, Placeholders: true}, committed); err == nil {
			fmt.Fprintf(stdout, "Between cycles (after `go run ./cmd/cycle -stack %s`: targets %v, Fargate and EC2 off): %.2f USD/month idle (budget %.2f)\n",
				stack, b.Targets, b.Estimate.IdleUSD, idle.BudgetUSD)
			return
		}
	}
	fmt.Fprintf(stderr, "plan: between-cycles estimate unavailable: %v\n", err)
}
