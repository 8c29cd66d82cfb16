package fargate

import (
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// roles are the two identities of a task, kept apart on purpose: ECS itself
// uses the execution role to start the task (pull the image, fetch the
// secrets, create log streams); the app's code only ever sees the task role,
// which can touch the bucket's objects and nothing else.
type roles struct {
	execution *iam.Role
	task      *iam.Role
	// grants are the policies the service waits for, so the first task never
	// starts before its roles can pull, read secrets and reach the bucket.
	grants []pulumi.Resource
}

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// trustPolicy lets ECS tasks of this account only assume the role: ECS sets
// aws:SourceAccount when it assumes task and execution roles (ECS developer
// guide, task IAM role, confused deputy prevention).
func trustPolicy(account string) (string, error) {
	out, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "ecs-tasks.amazonaws.com"},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]string{"aws:SourceAccount": account}},
		}},
	})
	return string(out), err
}

func newRoles(ctx *pulumi.Context, name string, a *ServiceArgs, secrets []secretParameter, parent pulumi.ResourceOrInvokeOption) (*roles, error) {
	account := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, parent).AccountId()
	trust := account.ApplyT(trustPolicy).(pulumi.StringOutput)
	var err error
	r := &roles{}
	r.execution, err = iam.NewRole(ctx, name+"-execution", &iam.RoleArgs{
		Description:      pulumi.String("ECS starts SGraph Send tasks with it: pull the image, read the task's secrets, write logs"),
		AssumeRolePolicy: trust,
		Tags:             a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	// Inline and least privilege instead of the managed
	// AmazonECSTaskExecutionRolePolicy (ECR pull and logs on "*"):
	// execution_policy.go.
	start, err := iam.NewRolePolicy(ctx, name+"-execution", &iam.RolePolicyArgs{
		Role: r.execution.ID(),
		Policy: pulumi.All(account, a.Image.ToStringOutput()).ApplyT(func(v []any) (string, error) {
			return executionPolicy(a.Region, v[0].(string), logGroupName(a), v[1].(string))
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	r.grants = append(r.grants, start)
	if len(secrets) > 0 {
		// Only these parameters. They are SecureStrings under the AWS-managed
		// aws/ssm key, whose key policy lets SSM decrypt for any principal of
		// the account allowed to read the parameter: no kms:Decrypt grant is
		// needed (it would be, for a customer-managed key).
		arns := make(pulumi.StringArray, len(secrets))
		for i, s := range secrets {
			arns[i] = s.param.Arn
		}
		read, err := iam.NewRolePolicy(ctx, name+"-execution-secrets", &iam.RolePolicyArgs{
			Role: r.execution.ID(),
			Policy: arns.ToStringArrayOutput().ApplyT(func(arns []string) (string, error) {
				return policyJSON(statement{Sid: "ReadTaskSecrets", Actions: []string{"ssm:GetParameters"}, Resources: arns})
			}).(pulumi.StringOutput),
		}, parent)
		if err != nil {
			return nil, err
		}
		r.grants = append(r.grants, read)
	}

	r.task, err = iam.NewRole(ctx, name+"-task", &iam.RoleArgs{
		Description:      pulumi.String("The SGraph Send app in its ECS task: object access to the environment's bucket only"),
		AssumeRolePolicy: trust,
		Tags:             a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	bucket, err := iam.NewRolePolicy(ctx, name+"-task-bucket", &iam.RolePolicyArgs{
		Role: r.task.ID(),
		Policy: a.BucketArn.ToStringOutput().ApplyT(func(bucket string) (string, error) {
			return policyJSON(
				// The app's recorded s3 calls: PutObject, HeadObject and
				// GetObject (s3:GetObject); it deletes nothing.
				statement{Sid: "Objects", Actions: []string{"s3:GetObject", "s3:PutObject"}, Resources: []string{bucket + "/*"}},
				// ListBucket: the app lists transfer keys, and without it S3
				// answers a missing key with 403 instead of 404, which the app
				// would read as an error instead of "no such transfer".
				statement{Sid: "List", Actions: []string{"s3:ListBucket"}, Resources: []string{bucket}},
			)
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	r.grants = append(r.grants, bucket)
	return r, nil
}

// statement is one Allow statement of an IAM policy.
type statement struct {
	Sid       string
	Actions   []string
	Resources []string
}

func policyJSON(sts ...statement) (string, error) {
	doc := map[string]any{"Version": "2012-10-17"}
	var list []map[string]any
	for _, s := range sts {
		list = append(list, map[string]any{"Sid": s.Sid, "Effect": "Allow", "Action": s.Actions, "Resource": s.Resources})
	}
	doc["Statement"] = list
	out, err := json.Marshal(doc)
	return string(out), err
}
