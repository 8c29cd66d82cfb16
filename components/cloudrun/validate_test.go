package cloudrun_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/components/cloudrun"
)

func TestCheckResources(t *testing.T) {
	cases := []struct {
		cpu, mem string
		ok       bool
	}{
		{"1", "512Mi", true},
		{"1", "4Gi", true},
		{"1", "4097Mi", false}, // more than 4Gi needs 2 CPUs
		{"2", "8Gi", true},
		{"2", "9Gi", false},
		{"4", "16Gi", true},
		{"4", "1Gi", false}, // 4 CPUs need at least 2Gi
		{"4", "2Gi", true},
		{"1", "256Mi", false}, // second-generation minimum is 512Mi
		{"3", "1Gi", false},
		{"0.5", "512Mi", false},
		{"1", "512M", false},
		{"1", "1.5Gi", false},
		{"1", "", false},
	}
	for _, tc := range cases {
		err := cloudrun.CheckResources(tc.cpu, tc.mem)
		assert.Equal(t, tc.ok, err == nil, "cpu %s memory %s: %v", tc.cpu, tc.mem, err)
	}
}

func TestCheckScaling(t *testing.T) {
	assert.NoError(t, cloudrun.CheckScaling(0, 1))
	assert.NoError(t, cloudrun.CheckScaling(2, 2))
	assert.Error(t, cloudrun.CheckScaling(3, 2))
	assert.Error(t, cloudrun.CheckScaling(-1, 1))
	assert.Error(t, cloudrun.CheckScaling(0, 0))
	assert.Error(t, cloudrun.CheckScaling(0, 1001))
}

func TestAccountID(t *testing.T) {
	cases := map[string]string{
		"sgraph-send-dev-run":       "sgraph-send-dev-run",
		"sgraph-send-prod-run":      "sgraph-send-prod-run",
		"sgraph-send-Feature_X-run": "sgraph-send-feature-x-run",
	}
	for in, want := range cases {
		assert.Equal(t, want, cloudrun.AccountID(in))
	}
	long := cloudrun.AccountID("sgraph-send-a-very-long-feature-branch-stack-run")
	assert.True(t, cloudrun.ValidAccountID(long), long)
	assert.LessOrEqual(t, len(long), 30)
	assert.Equal(t, long, cloudrun.AccountID("sgraph-send-a-very-long-feature-branch-stack-run"), "stable")
	assert.NotEqual(t, long, cloudrun.AccountID("sgraph-send-a-very-long-feature-branch-stack2-run"), "distinct")
	assert.True(t, cloudrun.ValidAccountID(cloudrun.AccountID("9")), "short or digit-first ids are fixed")
}

func TestProjectAndRegion(t *testing.T) {
	for _, p := range []string{"sgraph-send-dev", "my-project-123456"} {
		assert.True(t, cloudrun.ValidProject(p), p)
	}
	for _, p := range []string{"abc", "My_Project", "1project", "project-", "a-very-long-project-id-over-thirty-chars"} {
		assert.False(t, cloudrun.ValidProject(p), p)
	}
	for _, r := range []string{"europe-west2", "us-central1", "northamerica-northeast1"} {
		assert.True(t, cloudrun.ValidRegion(r), r)
	}
	for _, r := range []string{"eu-west-2", "europe", "EUROPE-WEST2"} {
		assert.False(t, cloudrun.ValidRegion(r), r)
	}
}
