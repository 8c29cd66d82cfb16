package stacks_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

func TestEC2BootsThePublishedAmi(t *testing.T) {
	r := bench.MustRun(t, ec2On("dev", map[string]string{"ec2BakedAmiParameter": "/sgraph-send/dev/ami"}))
	assert.Equal(t, bench.PublishedAmi, ec2Instance(t, r).Str("ami"))
	assert.Equal(t, bench.PublishedAmi, ec2OutputStr(t, r, outputs.EC2AmiID))

	// Without it, the stock AL2023 parameter decides (the broken variant of the above).
	r = bench.MustRun(t, ec2On("dev", nil))
	assert.Equal(t, bench.AL2023Ami, ec2Instance(t, r).Str("ami"))
}

func TestEC2BakedAmiParameterValidated(t *testing.T) {
	cases := []struct {
		name     string
		set      map[string]string
		fragment string
	}{
		{"not a path", map[string]string{"ec2BakedAmiParameter": "sgraph-send/dev/ami"}, "/sgraph-send/dev/ami"},
		{"with a pinned AMI", map[string]string{"ec2BakedAmiParameter": "/sgraph-send/dev/ami", "ec2AmiId": "ami-0123456789abcdef0"}, "set only one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ce, _ := configErr(t, ec2On("dev", c.set))
			require.NotEmpty(t, ce)
			found := false
			for _, e := range ce {
				if e.Key == "sgraph-send:ec2BakedAmiParameter" || e.Key == "ec2BakedAmiParameter" {
					found = true
					assert.Contains(t, e.Error(), c.fragment)
				}
			}
			assert.True(t, found, "no error names ec2BakedAmiParameter: %v", ce)
		})
	}
}
