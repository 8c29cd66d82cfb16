package gate

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// RunCLI runs the pulumi CLI with args and returns its stdout, stderr and
// exit code; auto.PulumiCommand's Run fits it (see CLI).
type RunCLI func(ctx context.Context, args ...string) (stdout, stderr string, code int, err error)

// PreviewArgs are the CLI arguments of the preview the gate judges; extra
// are added as given (e.g. --config-file, or the inline program's --client).
func PreviewArgs(stack string, extra ...string) []string {
	return append([]string{"preview", "--json", "--show-sames", "--non-interactive", "--stack", stack}, extra...)
}

// Preview runs `pulumi preview --json` and parses its digest. A preview that
// fails (the program errors, a provider refuses) is an error with the
// CLI's diagnostics: there is nothing to judge.
func Preview(ctx context.Context, run RunCLI, stack string, extra ...string) (*Digest, error) {
	dir, err := os.MkdirTemp("", "sgraph-send-gate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	events := filepath.Join(dir, "events.jsonl")
	extra = append(append([]string{}, extra...), "--event-log", events)
	stdout, stderr, code, err := run(ctx, PreviewArgs(stack, extra...)...)
	d, perr := Parse([]byte(stdout))
	if d != nil {
		if d.StackOutputs, perr = stackOutputs(events); perr != nil {
			d = nil
		}
	}
	if code != 0 || (err != nil && perr != nil) {
		msg := strings.TrimSpace(stderr)
		if d != nil {
			for _, dg := range d.Diagnostics {
				if dg.Severity == "error" {
					msg += "\n" + strings.TrimSpace(dg.Message)
				}
			}
		}
		return nil, fmt.Errorf("pulumi preview --json --stack %s failed (exit %d): %v\n%s", stack, code, err, msg)
	}
	return d, perr
}

// Guard previews, judges and, only when no mandatory rule fails, runs up
// (nil: judge only). dir is the project folder: the bench runs the same
// stack there under mocks to fill what the preview cannot know (Record).
// The verdict is printed to log either way.
func Guard(ctx context.Context, preview func(context.Context) (*Digest, error), dir, stack string,
	conf map[string]string, secrets []string, log io.Writer, up func(context.Context) error) error {
	d, err := preview(ctx)
	if err != nil {
		return fmt.Errorf("policy gate: %w", err)
	}
	mock, merr := Mock(dir, stack, d)
	if merr != nil && log != nil {
		fmt.Fprintf(log, "policy gate: no mock run to fill unknowns (%v); unknown values stay undecided\n", merr)
	}
	v := Judge(d, stack, conf, secrets, mock)
	if log != nil {
		v.Print(log)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if up == nil {
		return nil
	}
	return up(ctx)
}

// Mock runs the program for stack under the bench's mocks in dir with the
// preview's effective config (its non-secret values; secrets get
// placeholders): the same resources, with the values the offline plan has.
func Mock(dir, stack string, d *Digest) (*bench.Result, error) {
	set := map[string]string{}
	for k, v := range d.Config {
		if v != maskedSecret {
			set[k] = v
		}
	}
	return bench.Run(bench.Options{Dir: dir, Stack: shortName(stack), Set: set, Placeholders: true})
}

// stackOutputs reads the stack's exports from the engine's event log: the
// last outputs event of the root stack resource.
func stackOutputs(path string) (map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the preview's event log: %w", err)
	}
	defer f.Close()
	var out map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var ev apitype.EngineEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.ResOutputsEvent == nil {
			continue
		}
		m := ev.ResOutputsEvent.Metadata
		if m.Type == "pulumi:pulumi:Stack" && m.New != nil {
			out = m.New.Outputs
		}
	}
	return out, sc.Err()
}
