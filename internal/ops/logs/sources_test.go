package logs

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// The log groups cmd/logs reads are the ones the program creates, for every
// stack: derived from the outputs as Sources does, compared with the
// bench's log group resources.
func TestSourcesAreTheProgramsLogGroups(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack, Placeholders: true})
			outs := map[string]any{}
			for k, v := range r.Outputs {
				outs[k] = v.Value
			}
			var derived []string
			for _, s := range Sources(outs) {
				if s.Group != "" {
					derived = append(derived, s.Group)
				}
			}
			var created []string
			for _, lg := range r.OfType("aws:cloudwatch/logGroup:LogGroup") {
				created = append(created, lg.Str("name"))
			}
			sort.Strings(derived)
			sort.Strings(created)
			require.NotEmpty(t, derived)
			assert.Equal(t, created, derived, "cmd/logs would read other log groups than %s creates", stack)
		})
	}
}

func TestOnly(t *testing.T) {
	srcs := []Source{{Target: "lambda-admin"}, {Target: "fargate"}}
	got, err := Only(srcs, "fargate")
	require.NoError(t, err)
	assert.Equal(t, []Source{{Target: "fargate"}}, got)
	_, err = Only(srcs, "ec3")
	assert.ErrorContains(t, err, `-target "ec3": this stack has logs for [lambda-admin fargate]`)
}
