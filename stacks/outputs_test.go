package stacks_test

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// The outputs package is the contract with the smoke harness: with every
// target on, the program exports every key the harness's target table names,
// with values of the shape the harness parses.
func TestProgramExportsTheHarnessContract(t *testing.T) {
	url := regexp.MustCompile(`^https?://[^/\s]+/?$`)
	for _, stack := range bench.Stacks {
		r := bench.MustRun(t, bench.Options{Stack: stack})
		for _, target := range outputs.Targets {
			keys := append([]string{target.URLKey, target.DesiredCountKey, target.SelfSignedKey, target.PublicKey}, target.DeployedKeys...)
			for _, k := range keys {
				if k == "" {
					continue
				}
				v, ok := r.Output(k)
				if assert.True(t, ok, "%s: target %s needs output %s", stack, target.Name, k) {
					assert.True(t, v.Known, "%s: %s", stack, k)
				}
			}
			if v, ok := r.Output(target.URLKey); ok {
				assert.Regexp(t, url, v.Value, "%s: %s", stack, target.URLKey)
			}
		}
		for _, k := range []string{outputs.AdminKey, outputs.UploadToken} {
			v, ok := r.Output(k)
			if assert.True(t, ok, k) {
				assert.True(t, v.Secret, "%s must be exported as a secret", k)
				assert.Equal(t, bench.TestSecrets[map[string]string{outputs.AdminKey: "adminApiKey", outputs.UploadToken: "uploadToken"}[k]], v.Value)
			}
		}
		count, _ := r.Output(outputs.FargateDesiredCount)
		raw, err := json.Marshal(count.Value)
		assert.NoError(t, err)
		assert.Regexp(t, `^[0-9]+$`, string(raw), "desired count is a JSON number")
		selfSigned, _ := r.Output(outputs.EC2TLSSelfSigned)
		assert.IsType(t, true, selfSigned.Value)
	}
}
