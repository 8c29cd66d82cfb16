// Command status prints what a stack runs now against its records
// (internal/ops/status): per target the URL, the running image digest against
// the recorded good one (MATCH / DIFFERS / unknown), desired/running; the
// stack's alarms in ALARM; month-to-date cost and forecast against the budget.
//
//	go run ./cmd/status -stack dev
//	go run ./cmd/status -stack prod -json
//
// Reads: the stack's outputs, tags and config (monthlyBudgetUsd,
// tags.cost-center) through the Automation API; ECS, Lambda, CloudWatch and
// Cost Explorer through aws-sdk-go-v2 with the default credential chain.
// Cloud Run and EC2 are listed with their URL only. Secret outputs are never
// printed. Exit codes: 0 read, 1 a read failed (its row says why), 2 usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/status"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/stacksource"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// stackInfo is what the stack says about itself besides its outputs.
type stackInfo struct {
	Tags       map[string]string
	BudgetUSD  int
	CostCenter string
}

// Swapped in tests: the stack's outputs, tags/config and the AWS clients.
var (
	readOutputs = func(ctx context.Context, stack, workDir string) (smoke.RawOutputs, error) {
		return stacksource.Auto{Stack: stack, WorkDir: workDir}.Outputs(ctx)
	}
	readStack = func(ctx context.Context, stack, workDir string) (stackInfo, error) {
		ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(workDir))
		if err != nil {
			return stackInfo{}, err
		}
		tags, err := ws.ListTags(ctx, stack)
		if err != nil {
			return stackInfo{}, fmt.Errorf("reading tags of stack %q: %w", stack, err)
		}
		info := stackInfo{Tags: tags}
		// A key that is not set is an error from `pulumi config get`: unknown.
		if v, err := ws.GetConfigWithOptions(ctx, stack, "sgraph-send:monthlyBudgetUsd", nil); err == nil {
			info.BudgetUSD, _ = strconv.Atoi(v.Value)
		}
		if v, err := ws.GetConfigWithOptions(ctx, stack, "sgraph-send:tags.cost-center", &auto.ConfigOptions{Path: true}); err == nil {
			info.CostCenter = v.Value
		}
		return info, nil
	}
	newClients = func(ctx context.Context, region string) (status.Clients, error) {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			return status.Clients{}, err
		}
		// Cost Explorer's one endpoint is in us-east-1.
		ce := cfg.Copy()
		ce.Region = "us-east-1"
		return status.Clients{ECS: ecs.NewFromConfig(cfg), Lambda: lambda.NewFromConfig(cfg),
			Alarms: cloudwatch.NewFromConfig(cfg), Cost: costexplorer.NewFromConfig(ce)}, nil
	}
	now = time.Now
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to report on")
	workDir := fs.String("C", ".", "Pulumi project directory")
	asJSON := fs.Bool("json", false, "one JSON object")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: status -stack STACK [-json]")
		return 2
	}
	raw, err := readOutputs(ctx, *stack, *workDir)
	if err != nil {
		fmt.Fprintf(stderr, "status: %v\n", err)
		return 2
	}
	plain, secrets := raw.Split()
	info, err := readStack(ctx, *stack, *workDir)
	if err != nil {
		fmt.Fprintf(stderr, "status: %v\n", err)
		return 2
	}
	region, _ := plain[outputs.AwsRegion].(string)
	clients, err := newClients(ctx, region)
	if err != nil {
		fmt.Fprintf(stderr, "status: %v\n", err)
		return 2
	}
	r := status.Collect(ctx, status.Input{Outputs: plain, Tags: info.Tags, BudgetUSD: info.BudgetUSD,
		CostCenter: info.CostCenter, Now: now()}, clients)
	if *asJSON {
		js, err := status.JSON(r, secrets)
		if err != nil {
			fmt.Fprintf(stderr, "status: %v\n", err)
			return 1
		}
		fmt.Fprint(stdout, js)
	} else {
		fmt.Fprint(stdout, status.Text(r, secrets))
	}
	if r.Failed() {
		return 1
	}
	return 0
}
