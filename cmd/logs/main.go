// Command logs prints the logs of a stack's targets (internal/ops/logs),
// found from its outputs, with the upload token and admin key redacted.
//
//	go run ./cmd/logs -stack dev
//	go run ./cmd/logs -stack dev -target lambda-public -since 1h -follow
//	go run ./cmd/logs -stack dev -json          # one JSON object per line
//
// CloudWatch Logs only for now: Cloud Run's logs are named (the Cloud
// Logging filter) but not read. Exit codes: 0 done, 1 a read failed, 2 usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/logs"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/stacksource"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Swapped in tests: the stack's outputs and the CloudWatch Logs client.
var (
	readOutputs = func(ctx context.Context, stack, workDir string) (smoke.RawOutputs, error) {
		return stacksource.Auto{Stack: stack, WorkDir: workDir}.Outputs(ctx)
	}
	newAPI = func(ctx context.Context, region string) (logs.FilterAPI, error) {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			return nil, err
		}
		return cloudwatchlogs.NewFromConfig(cfg), nil
	}
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack whose targets' logs to read")
	workDir := fs.String("C", ".", "Pulumi project directory")
	target := fs.String("target", "", "only this target (lambda-admin, lambda-public, fargate, ec2, cloudrun)")
	since := fs.Duration("since", 10*time.Minute, "from this long ago")
	follow := fs.Bool("follow", false, "keep polling for new events until interrupted")
	poll := fs.Duration("poll", 5*time.Second, "with -follow: how often to poll")
	asJSON := fs.Bool("json", false, "one JSON object per line, the message passed through (redacted)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: logs -stack STACK [-target T] [-since 10m] [-follow] [-json]")
		return 2
	}
	raw, err := readOutputs(ctx, *stack, *workDir)
	if err != nil {
		fmt.Fprintf(stderr, "logs: %v\n", err)
		return 2
	}
	plain, secrets := raw.Split()
	srcs, err := logs.Only(logs.Sources(plain), *target)
	if err != nil {
		fmt.Fprintf(stderr, "logs: %v\n", err)
		return 2
	}
	var cw []logs.Source
	for _, s := range srcs {
		if s.Group == "" {
			fmt.Fprintf(stderr, "logs: %s: Cloud Logging is not read yet; filter: %s\n", s.Target, s.Filter)
			continue
		}
		cw = append(cw, s)
	}
	if len(cw) == 0 {
		return 0
	}
	region, _ := plain[outputs.AwsRegion].(string)
	api, err := newAPI(ctx, region)
	if err != nil {
		fmt.Fprintf(stderr, "logs: %v\n", err)
		return 2
	}
	emit := func(l logs.Line) { fmt.Fprintln(stdout, logs.Render(l, secrets, *asJSON)) }
	from := time.Now().Add(-*since)
	if *follow {
		if err := logs.Follow(ctx, api, cw, from, *poll, emit); err != nil {
			fmt.Fprintf(stderr, "logs: %v\n", err)
			return 1
		}
		return 0
	}
	rc := 0
	for _, s := range cw {
		lines, err := logs.Fetch(ctx, api, s, from)
		if err != nil {
			fmt.Fprintf(stderr, "logs: %v\n", err)
			rc = 1
			continue
		}
		for _, l := range lines {
			emit(l)
		}
	}
	return rc
}
