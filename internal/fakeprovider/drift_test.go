package fakeprovider

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Read answers with the injected drift for the named resource only, in state
// and inputs, and with the recorded state again once cleared.
func TestReadReportsInjectedDrift(t *testing.T) {
	s := start(t, Options{})
	c := client(t, s, "aws")
	const fn = "urn:pulumi:dev::sgraph-send::aws:lambda/function:Function::sgraph-send-dev-public"
	const other = "urn:pulumi:dev::sgraph-send::aws:lambda/function:Function::sgraph-send-dev-admin"
	const sameName = "urn:pulumi:dev::sgraph-send::aws:cloudwatch/logGroup:LogGroup::sgraph-send-dev-public"
	recorded := map[string]any{"memorySize": 512.0, "timeout": 30.0}
	// Read answers from the fake cloud's inventory: the three exist there.
	for _, urn := range []string{fn, other, sameName} {
		s.inv.add(urn, "id", resource.NewPropertyMapFromMap(recorded))
	}
	read := func(urn string) (resource.PropertyMap, resource.PropertyMap) {
		resp, err := c.Read(ctx(t), &pulumirpc.ReadRequest{Id: "id", Urn: urn, Properties: props(t, recorded), Inputs: props(t, recorded)})
		require.NoError(t, err)
		st, err := plugin.UnmarshalProperties(resp.GetProperties(), unmarshal)
		require.NoError(t, err)
		in, err := plugin.UnmarshalProperties(resp.GetInputs(), unmarshal)
		require.NoError(t, err)
		return st, in
	}
	tests := []struct {
		name  string
		drift bool
		urn   string
		want  float64
	}{
		{"no drift echoes the state", false, fn, 512},
		{"drifted resource reads the changed value", true, fn, 1024},
		{"another resource is untouched", true, other, 512},
		{"another type of the same name is untouched", true, sameName, 512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.ClearDrift()
			if tt.drift {
				s.Drift("aws:lambda/function:Function", "sgraph-send-dev-public", "memorySize", 1024)
			}
			st, in := read(tt.urn)
			assert.Equal(t, tt.want, st["memorySize"].NumberValue(), "state")
			assert.Equal(t, tt.want, in["memorySize"].NumberValue(), "inputs")
			assert.Equal(t, 30.0, st["timeout"].NumberValue(), "other properties keep their value")
		})
	}
}
