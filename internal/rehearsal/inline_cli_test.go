package rehearsal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

// inlineRuntime serves an inline program to a plain CLI run, as the
// Automation API does for its own commands (auto/stack.go,
// languageRuntimeServer): `pulumi <cmd> --client=ADDR --exec-kind=auto.inline`.
// The Automation API has no way to add --json to a preview, and the gate
// reads `pulumi preview --json`, so the rehearsal runs the CLI itself.
type inlineRuntime struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	fn pulumi.RunFunc
}

func (s *inlineRuntime) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (s *inlineRuntime) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

func (s *inlineRuntime) InstallDependencies(*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

func (s *inlineRuntime) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	var engine string
	if len(req.Args) > 0 {
		engine = req.Args[0]
	}
	pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{
		EngineAddr: engine, MonitorAddr: req.GetMonitorAddress(), Config: req.GetConfig(),
		ConfigSecretKeys: req.GetConfigSecretKeys(), Project: req.GetProject(), Stack: req.GetStack(),
		Parallel: req.GetParallel(), DryRun: req.GetDryRun(), Organization: req.GetOrganization(),
	})
	if err != nil {
		return nil, err
	}
	defer pctx.Close()
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("inline program panicked: %v", r)
			}
		}()
		return pulumi.RunWithContext(pctx, s.fn)
	}()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// inlineCLI returns a gate.RunCLI that runs the CLI in the engine's project
// with program served inline; stop ends the runtime.
func (e *Engine) inlineCLI(program pulumi.RunFunc) (gate.RunCLI, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 << 20))
	pulumirpc.RegisterLanguageRuntimeServer(srv, &inlineRuntime{fn: program})
	go func() { _ = srv.Serve(l) }()
	run := func(ctx context.Context, args ...string) (string, string, int, error) {
		args = append(args, "--client="+l.Addr().String(), "--exec-kind=auto.inline")
		cmd := exec.CommandContext(ctx, "pulumi", args...)
		cmd.Dir = e.Dir
		cmd.Env = append(os.Environ(), gate.DebugCommands)
		for k, v := range e.Vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		return out.String(), errOut.String(), code, err
	}
	return run, srv.Stop, nil
}
