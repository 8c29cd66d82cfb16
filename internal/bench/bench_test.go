package bench_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

func TestStackFileAndProjectDefaultsReachTheProgram(t *testing.T) {
	var got struct{ region, env, retention, contract string }
	_, err := bench.Run(bench.Options{Stack: "prod", Program: func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
		got.region = config.Get(ctx, "aws:region")
		got.env = config.Get(ctx, "sgraph-send:environment")
		got.retention = config.Get(ctx, "sgraph-send:logRetentionDays")
		got.contract = config.Get(ctx, "sgraph-send:appContract") // only Pulumi.yaml sets it
		return nil, nil
	}})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-2", got.region)
	assert.Equal(t, "prod", got.env)
	assert.Equal(t, "90", got.retention)
	assert.Equal(t, "{}", got.contract, "Pulumi.yaml defaults apply where the stack file is silent")
}

func TestUnknownStackIsAnError(t *testing.T) {
	_, err := bench.Run(bench.Options{Stack: "nope"})
	assert.ErrorContains(t, err, `stack "nope"`)
}

func TestRecordsOptionsSecretsAndOutputs(t *testing.T) {
	r, err := bench.Run(bench.Options{
		Stack:   "dev",
		Secrets: map[string]string{"adminApiKey": "s3cr3t-value-for-test"},
		Program: func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
			key := config.GetSecret(ctx, "sgraph-send:adminApiKey")
			parent := &pulumi.ResourceState{}
			if err := ctx.RegisterComponentResource("test:index:Parent", "p", parent); err != nil {
				return nil, err
			}
			first, err := aws.NewProvider(ctx, "first", &aws.ProviderArgs{Region: pulumi.String("eu-west-2")}, pulumi.Parent(parent))
			if err != nil {
				return nil, err
			}
			_, err = aws.NewProvider(ctx, "second", &aws.ProviderArgs{
				Region:    pulumi.String("eu-west-2"),
				AccessKey: key,
			}, pulumi.Parent(parent), pulumi.DependsOn([]pulumi.Resource{first}), pulumi.Protect(true), pulumi.RetainOnDelete(true))
			return map[string]pulumi.Input{"key": key, "plain": pulumi.String("x")}, err
		},
	})
	require.NoError(t, err)
	require.Len(t, r.Resources, 3)
	second := r.Find("pulumi:providers:aws", "second")
	first := r.Find("pulumi:providers:aws", "first")
	require.NotNil(t, second)
	assert.Equal(t, "test:index:Parent", second.ParentType())
	assert.True(t, second.Protect)
	assert.True(t, second.RetainOnDelete)
	assert.False(t, first.Protect)
	assert.Contains(t, second.Dependencies, first.URN)
	assert.True(t, r.DependsOn(second, first))
	assert.False(t, r.DependsOn(first, second))
	assert.True(t, second.IsSecret("accessKey"), "secret inputs stay secret")
	assert.Equal(t, []string{"accessKey"}, second.SecretInputs())
	assert.Equal(t, "s3cr3t-value-for-test", second.Str("accessKey"))
	assert.Equal(t, "[secret]", bench.PlainMap(second.Inputs, true)["accessKey"])
	assert.True(t, r.Outputs["key"].Secret)
	assert.False(t, r.Outputs["plain"].Secret)
	assert.Contains(t, r.SecretValues, "s3cr3t-value-for-test")
	assert.Len(t, r.Children(r.Find("test:index:Parent", "p")), 2)
}

func TestPlaceholdersFillMissingSecrets(t *testing.T) {
	var got string
	r, err := bench.Run(bench.Options{Stack: "dev", Placeholders: true, Program: func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
		got, _ = ctx.GetConfig("sgraph-send:uploadToken")
		return nil, nil
	}})
	require.NoError(t, err)
	assert.Equal(t, bench.PlaceholderSecret, got)
	assert.ElementsMatch(t, []string{"sgraph-send:adminApiKey", "sgraph-send:uploadToken"}, r.Placeholders)
}

func TestUnmockedCallFailsLoudly(t *testing.T) {
	_, err := bench.Run(bench.Options{Stack: "dev", Program: func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
		_, err := aws.GetAvailabilityZones(ctx, nil)
		return nil, err
	}})
	assert.ErrorContains(t, err, "no mock for function aws:index/getAvailabilityZones")
}

func TestMockedCallsAreRealistic(t *testing.T) {
	_, err := bench.Run(bench.Options{Stack: "dev", Program: func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
		id, err := aws.GetCallerIdentity(ctx, nil)
		if err != nil {
			return nil, err
		}
		assert.Equal(t, bench.AwsAccount, id.AccountId)
		return nil, nil
	}})
	require.NoError(t, err)
}
