package drift

import (
	"context"
	"fmt"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

// Args are the preview's arguments: refresh first, and fail on any change.
func Args(stack string) []string {
	return gate.PreviewArgs(stack, "--refresh", "--expect-no-changes")
}

// Preview runs the drift preview and parses its digest. With drift the CLI
// exits non-zero (--expect-no-changes) after printing the digest, so the
// exit code alone is no error; output that is no digest is.
func Preview(ctx context.Context, run gate.RunCLI, stack string) (*gate.Digest, error) {
	stdout, stderr, code, err := run(ctx, Args(stack)...)
	d, perr := gate.Parse([]byte(stdout))
	if perr != nil {
		return nil, fmt.Errorf("pulumi %s (exit %d, %v): %w\n%s", strings.Join(Args(stack), " "), code, err, perr, strings.TrimSpace(stderr))
	}
	for _, dg := range d.Diagnostics {
		if dg.Severity == "error" && !strings.Contains(dg.Message, "no changes were expected") {
			return nil, fmt.Errorf("pulumi %s: %s", strings.Join(Args(stack), " "), strings.TrimSpace(dg.Message))
		}
	}
	return d, nil
}
