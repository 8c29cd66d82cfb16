package ec2

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newLogShipping creates the log group the instance's CloudWatch agent ships
// the app's journal and nginx's logs to, and lets the instance role write log
// streams in that group only. Nothing when args.LogGroupName is empty.
func newLogShipping(ctx *pulumi.Context, name string, args *ServerArgs, profile *iam.InstanceProfile, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	if args.LogGroupName == "" {
		return nil, nil
	}
	// Ours, with retention: the logs outlive the instance (dev's nightly
	// teardown, spot interruptions) but not the retention period.
	group, err := cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.LogGroupName),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		Tags:            args.Tags,
	}, parent, pulumi.Protect(args.RetainLogs), pulumi.RetainOnDelete(args.RetainLogs))
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-logs", &iam.RolePolicyArgs{
		Role:   profile.Role,
		Policy: group.Arn.ApplyT(logsPolicy).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{group, policy}, nil
}

// logsPolicy allows creating streams and putting events in one group. The
// group exists already, so no logs:CreateLogGroup.
func logsPolicy(groupArn string) (string, error) {
	out, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid":      "ShipLogs",
			"Effect":   "Allow",
			"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": groupArn + ":log-stream:*",
		}},
	})
	return string(out), err
}
