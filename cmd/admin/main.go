// Command admin is a local console for the admin app behind an AWS_IAM
// Function URL, which no browser can open by itself:
//
//	go run ./cmd/admin -stack dev
//
// It listens on 127.0.0.1 only and prints a URL with a one-time secret; the
// browser that opens it gets a session cookie and lands on /admin. Every
// request of that browser goes to the stack's admin URL only, signed with
// SigV4 (service lambda) with the operator's own AWS credentials (the
// standard chain: env, profile, SSO...) and with the admin key header from
// the stack outputs. Stop it with Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/stacksource"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Swapped in tests: the stack source and the credential chain.
var (
	stackSource = func(name, workDir string) smoke.Source { return stacksource.Auto{Stack: name, WorkDir: workDir} }
	loadCreds   = func(ctx context.Context, region string) (aws.CredentialsProvider, error) {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			return nil, fmt.Errorf("loading the AWS credential chain: %w", err)
		}
		return cfg.Credentials, nil
	}
	// started is told the console once it listens (tests use it).
	started = func(*console) {}
)

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "read outputs of this stack through the Pulumi Automation API")
	outputsPath := fs.String("outputs", "", "read outputs from this JSON file (`pulumi stack output --json --show-secrets`), - for stdin")
	workDir := fs.String("C", ".", "Pulumi project directory for -stack")
	port := fs.Int("port", 0, "local port on 127.0.0.1 (0: any free port)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (*stack == "") == (*outputsPath == "") {
		fmt.Fprintln(stderr, "admin: give exactly one of -stack NAME or -outputs FILE|-")
		return 2
	}
	var src smoke.Source
	switch {
	case *outputsPath == "-":
		src = smoke.JSONSource{R: stdin, Name: "stdin"}
	case *outputsPath != "":
		f, err := os.Open(*outputsPath)
		if err != nil {
			fmt.Fprintln(stderr, "admin:", err)
			return 2
		}
		defer f.Close()
		src = smoke.JSONSource{R: f, Name: *outputsPath}
	default:
		src = stackSource(*stack, *workDir)
	}
	outs, err := smoke.Load(ctx, src)
	if err != nil {
		fmt.Fprintln(stderr, "admin:", err)
		return 2
	}
	ep, err := adminEndpoint(outs)
	if err != nil {
		fmt.Fprintln(stderr, "admin:", err)
		return 2
	}
	creds, err := loadCreds(ctx, outs.AwsRegion)
	if err != nil {
		fmt.Fprintln(stderr, "admin:", err)
		return 1
	}
	ln, err := listenLoopback(*port)
	if err != nil {
		fmt.Fprintln(stderr, "admin:", err)
		return 1
	}
	logger := log.New(stderr, "admin: ", log.LstdFlags)
	c := newConsole(ep.URL, outs.AwsRegion, creds, outs.AdminKeyHeader, outs.AdminKey, ln.Addr().String(), logger.Printf)
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "admin console for %s (%s), signed as your AWS identity.\nOpen once, in your browser: %s\n", ep.URL.Host, outs.AwsRegion, c.LoginURL())
	started(c)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		return 0
	case err := <-done:
		fmt.Fprintln(stderr, "admin:", err)
		return 1
	}
}

// adminEndpoint finds the IAM-protected admin URL and what signing needs.
func adminEndpoint(o *smoke.Outputs) (smoke.Endpoint, error) {
	for _, ep := range o.Endpoints {
		if ep.Kind != outputs.AdminAPI {
			continue
		}
		switch {
		case !ep.IAMAuth:
			return ep, fmt.Errorf("target %s is not behind AWS_IAM; open it directly", ep.Name)
		case o.AwsRegion == "":
			return ep, &smoke.OutputError{Key: outputs.AwsRegion, Msg: "missing; SigV4 needs the region"}
		case o.AdminKeyHeader == "":
			return ep, &smoke.OutputError{Key: outputs.AdminKeyHeader, Msg: "missing; the console adds the admin key under it"}
		case o.AdminKey == "":
			return ep, &smoke.OutputError{Key: outputs.AdminKey, Msg: "missing (read the outputs with --show-secrets)"}
		}
		return ep, nil
	}
	return smoke.Endpoint{}, &smoke.OutputError{Key: outputs.LambdaAdminURL, Msg: "missing: this stack deploys no admin app"}
}
