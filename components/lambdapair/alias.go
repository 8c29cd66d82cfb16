package lambdapair

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// LiveAlias is the alias both Function URLs serve.
const LiveAlias = "live"

// liveAlias points the live alias at the version this deploy published, or at
// rollback (an earlier published version) when set. Rolling back changes only
// this alias's functionVersion: an in-place update, no replacement
// (docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html).
func liveAlias(ctx *pulumi.Context, name string, fn *lambda.Function, rollback string,
	opts ...pulumi.ResourceOption) (*lambda.Alias, error) {
	version := fn.Version
	if rollback != "" {
		version = pulumi.String(rollback).ToStringOutput()
	}
	return lambda.NewAlias(ctx, name+"-live", &lambda.AliasArgs{
		Name:            pulumi.String(LiveAlias),
		FunctionName:    fn.Name,
		FunctionVersion: version,
		Description:     pulumi.String("what the Function URL serves; cmd/release -rollback moves it"),
	}, opts...)
}
