package stacks_test

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// User data stays under our 12 KiB budget in every stack, with the settings
// that make it longest (a domain, ACME, a log group), leaving a quarter of
// EC2's 16 KiB free. The size EC2 counts is the raw (gzipped) bytes, before
// base64. Broken variant: the same script sent as plain text is over budget
// in prod, which is why it is gzipped.
func TestEC2UserDataUnderBudget(t *testing.T) {
	cases := []struct {
		stack string
		set   map[string]string
	}{
		{"dev", nil},
		{"prod", nil}, // Pulumi.prod.yaml sets a domain: acme.sh is rendered in
		{"local", nil},
		{"dev", map[string]string{"domain": "send.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ", "ec2DomainName": "ec2.send.example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(tc.stack, tc.set))
			raw, err := base64.StdEncoding.DecodeString(ec2Instance(t, r).Str("userDataBase64"))
			require.NoError(t, err)
			script := ec2UserData(t, r)
			assert.Less(t, len(raw), ec2.UserDataBudget, "gzipped user data")
			t.Logf("%s: user data %d bytes gzipped (%d plain) of %d budget, %d EC2 limit", tc.stack, len(raw), len(script), ec2.UserDataBudget, 16*1024)
			if tc.stack == "prod" {
				assert.Greater(t, len(script), ec2.UserDataBudget, "broken variant: plain text would be over budget")
			}
		})
	}
}
