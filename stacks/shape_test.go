package stacks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// Components follow one shape: every cloud resource is a child of a
// component of ours (so `pulumi stack` shows a tree and aliases stay
// possible), and component types live in the project's namespace.
func TestEveryResourceLivesInAComponent(t *testing.T) {
	for _, stack := range bench.Stacks {
		r := bench.MustRun(t, bench.Options{Stack: stack})
		for _, res := range r.Resources {
			if res.Custom {
				assert.True(t, strings.HasPrefix(res.ParentType(), "sgraph-send:"),
					"%s: %s is parented to %q, not to a component", stack, res, res.ParentType())
				continue
			}
			assert.Regexp(t, `^sgraph-send:[a-z0-9]+:[A-Z][A-Za-z]+$`, res.Type, "%s: component type token", stack)
		}
	}
}
