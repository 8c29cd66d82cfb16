// Package rehearsal runs the real program (stacks.Run) on the real Pulumi
// engine, offline: the CLI the Automation API drives, a file backend with
// passphrase secrets, copies of the real Pulumi.yaml and stack files, and
// the fake providers of internal/fakeprovider attached through
// PULUMI_DEBUG_PROVIDERS. Its checks (state.go, steps.go, protected.go) return errors naming the
// resource, property or secret at fault, so the test can prove each one
// catches its violation.
package rehearsal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/internal/fakeprovider"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// Project is the Pulumi project name in Pulumi.yaml.
const Project = "sgraph-send"

// Passphrase encrypts the rehearsal stacks' secrets (throwaway state only).
const Passphrase = "rehearsal-passphrase"

// Engine is everything around the real engine for one rehearsal.
type Engine struct {
	// Dir is the project directory: copies of Pulumi.yaml, the stack files
	// and docker/ (the image build context), so `config set` never touches
	// the repository.
	Dir string
	// Backend is the file backend's folder (the state files live under it).
	Backend string
	// Vars is the environment of every CLI run: backend, passphrase, a
	// private PULUMI_HOME and PULUMI_DEBUG_PROVIDERS.
	Vars      map[string]string
	Providers *fakeprovider.Set
}

// FindCLI returns the folder holding the `pulumi` binary named by
// $PULUMI_CLI (the binary or its folder), or "" when PULUMI_CLI is unset.
func FindCLI() (string, error) {
	cli := os.Getenv("PULUMI_CLI")
	if cli == "" {
		return "", nil
	}
	fi, err := os.Stat(cli)
	if err != nil {
		return "", fmt.Errorf("PULUMI_CLI=%s: %w", cli, err)
	}
	if fi.IsDir() {
		cli = filepath.Join(cli, "pulumi")
	}
	if filepath.Base(cli) != "pulumi" {
		return "", fmt.Errorf("PULUMI_CLI=%s: the binary must be named pulumi (the Automation API runs `pulumi`)", cli)
	}
	if _, err := os.Stat(cli); err != nil {
		return "", fmt.Errorf("PULUMI_CLI=%s: %w", os.Getenv("PULUMI_CLI"), err)
	}
	return filepath.Abs(filepath.Dir(cli))
}

// Start copies the project from root into work/project, makes a file
// backend in work/backend and starts the fake providers. Close stops them.
func Start(root, work string, opts fakeprovider.Options) (*Engine, error) {
	e := &Engine{Dir: filepath.Join(work, "project"), Backend: filepath.Join(work, "backend")}
	home := filepath.Join(work, "home")
	for _, d := range []string{e.Dir, e.Backend, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "Pulumi*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := copyFile(f, filepath.Join(e.Dir, filepath.Base(f))); err != nil {
			return nil, err
		}
	}
	if err := copyTree(filepath.Join(root, "docker"), filepath.Join(e.Dir, "docker")); err != nil {
		return nil, err
	}
	p, err := fakeprovider.Start(opts)
	if err != nil {
		return nil, err
	}
	e.Providers = p
	e.Vars = map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + filepath.ToSlash(e.Backend),
		"PULUMI_CONFIG_PASSPHRASE":                    Passphrase,
		"PULUMI_HOME":                                 home,
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_DEBUG_PROVIDERS":                      p.DebugProviders(),
	}
	return e, nil
}

// Close stops the fake providers.
func (e *Engine) Close() {
	if e.Providers != nil {
		e.Providers.Close()
	}
}

// Stack creates (or selects) stack name, whose config is the real
// Pulumi.<name>.yaml (the CLI applies Pulumi.yaml's defaults and types as
// for an operator), with secrets set as Pulumi secrets, running program.
func (e *Engine) Stack(ctx context.Context, name string, program pulumi.RunFunc, secrets map[string]string) (auto.Stack, error) {
	st, err := auto.UpsertStackInlineSource(ctx, name, Project, program, auto.WorkDir(e.Dir), auto.EnvVars(e.Vars))
	if err != nil {
		return st, fmt.Errorf("stack %s: %w", name, err)
	}
	for k, v := range secrets {
		if err := st.SetConfig(ctx, Project+":"+k, auto.ConfigValue{Value: v, Secret: true}); err != nil {
			return st, fmt.Errorf("stack %s: config set --secret %s: %w", name, k, err)
		}
	}
	// As an operator must before the first preview of prod: it refuses its
	// committed placeholders (stacks/placeholders.go). internal/bench uses the
	// same stand-ins, so the engine and the mocks see one graph.
	for _, p := range stacks.PlaceholderKeys {
		v, err := st.GetConfig(ctx, Project+":"+p.Key)
		if err != nil || stacks.PlaceholderProblem(p.Key, v.Value) == "" {
			continue
		}
		standIn := map[string]string{"domain": stacks.OfflineDomain, "hostedZoneId": stacks.OfflineHostedZoneID}[p.Key]
		if err := st.SetConfig(ctx, Project+":"+p.Key, auto.ConfigValue{Value: standIn}); err != nil {
			return st, fmt.Errorf("stack %s: config set %s: %w", name, p.Key, err)
		}
	}
	return st, nil
}

// CLI runs the pulumi CLI in the project with the engine's environment, for
// commands the Automation API does not wrap (state unprotect).
func (e *Engine) CLI(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "pulumi", args...)
	cmd.Dir = e.Dir
	cmd.Env = os.Environ()
	for k, v := range e.Vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("pulumi %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o700)
		case d.Type().IsRegular():
			return copyFile(path, dst)
		default:
			return errors.New("unexpected non-regular file " + path)
		}
	})
}
