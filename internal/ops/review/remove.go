package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

// Remove destroys a review stack and removes it: `pulumi destroy`, then
// `pulumi stack rm`. A review stack's Pulumi.pr-<n>.yaml is generated, so
// stack rm may delete it; should that file ever be tracked (committed by
// mistake), --preserve-config keeps it, since a remove must never change
// the repository. Any stack that is not pr-<n> is refused before anything runs.
func Remove(ctx context.Context, run gate.RunCLI, stack string, tracked bool) error {
	if _, ok := PR(stack); !ok {
		return fmt.Errorf("refusing to remove stack %q: only review stacks (pr-<number>) are removed here", stack)
	}
	// The config file is generated per run, so a later job (the close, the
	// sweeper) restores it from the last deployment first: the provider
	// settings and, with a self-managed backend, the stack's encryption
	// settings the destroy needs. A stack never deployed has none to restore.
	if _, _, _, err := run(ctx, "config", "refresh", "--force", "--stack", stack); err != nil {
		_ = err // nothing to restore: destroy works on the state alone
	}
	steps := [][]string{
		{"destroy", "--yes", "--non-interactive", "--skip-preview", "--stack", stack},
		RmArgs(stack, tracked),
	}
	for _, args := range steps {
		if _, stderr, code, err := run(ctx, args...); err != nil || code != 0 {
			return fmt.Errorf("pulumi %s (exit %d): %v\n%s", strings.Join(args, " "), code, err, strings.TrimSpace(stderr))
		}
	}
	return nil
}

// RmArgs are the arguments of the stack rm: --preserve-config when the
// stack's config file is tracked by git.
func RmArgs(stack string, tracked bool) []string {
	args := []string{"stack", "rm", "--yes", "--non-interactive", "--stack", stack}
	if tracked {
		args = append(args, "--preserve-config")
	}
	return args
}
