// Command bake bakes the app into an AMI with EC2 Image Builder, boots a test instance
// from it, runs the smoke harness against that instance (service started, TLS on 443,
// health, version, round trip), removes it, and only then publishes the AMI id to the
// SSM parameter /sgraph-send/<stack>/ami, which the ec2 target reads when
// ec2BakedAmiParameter names it. No hand copy of AMI ids.
//
//	go run ./cmd/bake -stack dev
//
// Exit codes: 0 published, 1 the AMI failed its smoke (nothing published), 2 usage,
// refusal (prod) or an operation error, 130 interrupted.
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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

var openStack = func(ctx context.Context, workDir, name string, progress io.Writer) (pipeline.Stack, error) {
	return pipeline.OpenAuto(ctx, workDir, name, progress)
}

// ssmPublisher writes the AMI id as a plain String parameter (an AMI id is not a
// secret) in the stack's region, overwriting the previous one.
type ssmPublisher struct{ region string }

func (p ssmPublisher) Publish(ctx context.Context, name, ami string) error {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(p.region))
	if err != nil {
		return err
	}
	_, err = ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name:        aws.String(name),
		Value:       aws.String(ami),
		Type:        ssmtypes.ParameterTypeString,
		DataType:    aws.String("aws:ec2:image"), // SSM checks the AMI exists before storing it
		Overwrite:   aws.Bool(true),
		Description: aws.String("SGraph Send AMI that passed the smoke harness on a test instance (cmd/bake)"),
	})
	return err
}

// newPublisher is swapped in tests.
var newPublisher = func(region string) pipeline.Publisher { return ssmPublisher{region: region} }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack whose ec2 target bakes and tests the AMI (never prod)")
	workDir := fs.String("C", ".", "Pulumi project directory")
	param := fs.String("parameter", "", "SSM parameter to publish to (default /sgraph-send/<stack>/ami)")
	wait := fs.Duration("wait", 20*time.Minute, "how long the test instance may take to answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: bake -stack NAME [-parameter /sgraph-send/NAME/ami]")
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStack(ctx, *workDir, *stack, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "bake:", err)
		return 2
	}
	conf, err := st.Config(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "bake:", err)
		return 2
	}
	b := &pipeline.Bake{
		Stack: st, Parameter: *param, Log: stderr,
		Publisher: newPublisher(conf["aws:region"]),
		Smoke:     pipeline.InProcessSmoke(stdout),
		Ready: func(ctx context.Context, raw smoke.RawOutputs, ts []string) error {
			return pipeline.WaitReady(ctx, raw, ts, *wait, 10*time.Second)
		},
	}
	s := b.Run(ctx)
	s.Print(stdout)
	switch {
	case s.Interrupted:
		return 130
	case s.Err != nil:
		return 2
	case !s.Published:
		return 1
	}
	fmt.Fprintf(stdout, "the ec2 target boots it on its next up when %s is set to %s\n", "ec2BakedAmiParameter", s.Parameter)
	return 0
}
