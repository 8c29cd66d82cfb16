package lambdapair

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// FunctionType is the component type token of one function with its URL.
const FunctionType = "sgraph-send:lambdapair:Function"

// Function is one container-image Lambda function with its own log group,
// execution role and Function URL.
type Function struct {
	pulumi.ResourceState

	Name         pulumi.StringOutput `pulumi:"name"`
	Arn          pulumi.StringOutput `pulumi:"arn"`
	URL          pulumi.StringOutput `pulumi:"url"`
	RoleArn      pulumi.StringOutput `pulumi:"roleArn"`
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// LiveVersion is the published version the live alias, and so the URL, serves.
	LiveVersion pulumi.StringOutput `pulumi:"liveVersion"`
}

// NewFunction creates the function. The component's logical name is also the
// physical function name's default (args.FunctionName wins when set).
func NewFunction(ctx *pulumi.Context, name string, args *FunctionArgs, opts ...pulumi.ResourceOption) (*Function, error) {
	if args == nil {
		return nil, errors.New("lambdapair: FunctionArgs is required")
	}
	a := *args
	if a.FunctionName == "" {
		a.FunctionName = name
	}
	if err := a.validate(); err != nil {
		return nil, err
	}
	f := &Function{}
	if err := ctx.RegisterComponentResource(FunctionType, name, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)

	// Created by us, before the function, with retention: otherwise Lambda
	// creates /aws/lambda/<name> itself on first start, never-expiring and
	// unknown to Pulumi, and `destroy` leaves it behind.
	logGroup, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/lambda/" + a.FunctionName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            a.Tags,
	}, parent, pulumi.Protect(a.RetainLogs), pulumi.RetainOnDelete(a.RetainLogs))
	if err != nil {
		return nil, err
	}
	secrets, err := newSecretParameters(ctx, name, &a, parent) // secrets.go: SSM, not the environment
	if err != nil {
		return nil, err
	}
	role, rolePolicy, err := executionRole(ctx, name, &a, logGroup.Arn, secrets, parent)
	if err != nil {
		return nil, err
	}
	env, err := environment(a.Runtime, secrets)
	if err != nil {
		return nil, err
	}

	fn, err := lambda.NewFunction(ctx, name, &lambda.FunctionArgs{
		Name:          pulumi.String(a.FunctionName),
		Description:   pulumi.String("SGraph Send " + string(a.Runtime.Mode) + " API " + a.Runtime.Version),
		PackageType:   pulumi.String("Image"),
		ImageUri:      a.ImageRef,
		Role:          role.Arn,
		Architectures: pulumi.StringArray{pulumi.String(a.Sizing.Architecture)},
		MemorySize:    pulumi.Int(a.Sizing.MemoryMb),
		Timeout:       pulumi.Int(a.Sizing.TimeoutSeconds),
		// -1 is the provider's "unreserved"; always sent so removing a
		// reservation from config actually removes it.
		ReservedConcurrentExecutions: pulumi.Int(a.Sizing.ReservedConcurrency),
		Environment:                  &lambda.FunctionEnvironmentArgs{Variables: env},
		// JSON: the image already writes JSON lines (docker/log_config.json),
		// which Lambda keeps as structured fields; its own platform records
		// become JSON too. INFO on both: the app's access lines, and the
		// platform's REPORT records (duration, memory used) operators size by.
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{
			LogFormat:           pulumi.String("JSON"),
			ApplicationLogLevel: pulumi.String("INFO"),
			SystemLogLevel:      pulumi.String("INFO"),
			LogGroup:            logGroup.Name,
		},
		Tags: a.Tags,
		// Every deploy that changes the function publishes an immutable version;
		// the URL serves the live alias, so a rollback only moves the alias.
		Publish: pulumi.Bool(true),
	}, parent,
		// The log group must exist before the first start, and the role's
		// policy before the first call, or the first logs and S3 calls fail.
		pulumi.DependsOn([]pulumi.Resource{logGroup, rolePolicy}))
	if err != nil {
		return nil, err
	}

	alias, err := liveAlias(ctx, name, fn, a.RollbackVersion, parent)
	if err != nil {
		return nil, err
	}
	url, err := functionURL(ctx, name, fn, alias, a.URLAuth, parent)
	if err != nil {
		return nil, err
	}
	if _, err := urlPermissions(ctx, name, fn, alias, a.URLAuth, a.Invokers, parent); err != nil {
		return nil, err
	}

	f.Name = fn.Name
	f.Arn = fn.Arn
	f.URL = url.FunctionUrl
	f.RoleArn = role.Arn
	f.LogGroupName = logGroup.Name
	f.LiveVersion = alias.FunctionVersion
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"name": f.Name, "arn": f.Arn, "url": f.URL, "roleArn": f.RoleArn, "logGroupName": f.LogGroupName,
		"liveVersion": f.LiveVersion,
	}); err != nil {
		return nil, err
	}
	return f, nil
}
