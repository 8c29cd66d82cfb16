package stacks_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// CI previews every pull request. In a preview providers compute nothing:
// ids, ARNs, URLs and image digests are unknown (pulumi-docker does not even
// build). The program must still register the same graph without errors.
// Policies judge the graph with values (the offline plan), not the preview.
func TestPreviewRegistersTheSameGraph(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			up := bench.MustRun(t, bench.Options{Stack: stack})
			preview := bench.MustRun(t, bench.Options{Stack: stack, Preview: true})
			names := func(r *bench.Result) []string {
				var out []string
				for _, res := range r.Resources {
					out = append(out, res.String())
				}
				return out
			}
			require.Equal(t, names(up), names(preview))

			for _, key := range []string{outputs.ImageRef, outputs.LambdaAdminURL, outputs.FargateURL, outputs.EC2URL, outputs.CloudRunURL} {
				v, ok := preview.Output(key)
				require.True(t, ok, "%s exported in preview", key)
				if up.Config["sgraph-send:domain"] != "" && (key == outputs.FargateURL || key == outputs.EC2URL) {
					// Names under the stack's domain come from config: known ahead.
					assert.Equal(t, up.Outputs[key].Value, v.Value, "%s is the configured name", key)
					continue
				}
				assert.False(t, v.Known, "%s is only known after an update", key)
			}
			appVersion, _ := preview.Output(outputs.AppVersion)
			assert.Equal(t, up.Outputs[outputs.AppVersion].Value, appVersion.Value, "config-derived outputs are known in preview")
		})
	}
}
