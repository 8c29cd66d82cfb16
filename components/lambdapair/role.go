package lambdapair

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// policyDoc and statement are an IAM policy document, marshalled to JSON here
// rather than through a provider call, so it is built offline and testable.
type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string            `json:"Sid,omitempty"`
	Effect    string            `json:"Effect"`
	Principal map[string]string `json:"Principal,omitempty"`
	Action    []string          `json:"Action"`
	Resource  []string          `json:"Resource,omitempty"`
}

func (d policyDoc) json() (string, error) {
	out, err := json.Marshal(d)
	return string(out), err
}

// trustPolicy lets only the Lambda service assume the execution role.
func trustPolicy() (string, error) {
	return policyDoc{Version: "2012-10-17", Statement: []statement{{
		Sid:       "LambdaAssume",
		Effect:    "Allow",
		Principal: map[string]string{"Service": "lambda.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
	}}}.json()
}

// executionPolicy is everything the function may do, and nothing else:
//   - write its own log streams. We create the log group, so no
//     logs:CreateLogGroup; "<group arn>:*" is the log-stream scope Lambda
//     logging needs (stream names are generated per execution environment).
//   - read and write objects in the environment's bucket (the real app's
//     recorded s3 calls: PutObject, HeadObject, GetObject; no deletes). The
//     app keeps transfers, tokens and users under keys we do not control, so
//     the scope is the whole bucket, which holds nothing but this app's data.
//     Only the admin API may also delete: its s3 calls are not recorded yet
//     (internal/iamcheck lists that as unrecorded, not proven).
//   - ssm:GetParameters on the function's own secret parameters (secrets.go),
//     which the entry point reads at cold start. SecureStrings under the
//     AWS-managed aws/ssm key, whose key policy lets SSM decrypt for any
//     principal of the account allowed to read the parameter: no kms:Decrypt
//     grant is needed (it would be for a customer-managed key).
//   - s3:ListBucket on the bucket itself: HeadBucket (the app's "does my bucket
//     exist" check before it would try to create it) needs it, and without it
//     S3 answers 403 instead of 404 for a missing object, which turns the
//     app's "unknown transfer" 404 into a 500. No s3:CreateBucket: we create
//     the bucket.
func executionPolicy(logGroupArn, bucketArn string, deletes bool, parameterArns []string) (string, error) {
	objects := []string{"s3:GetObject", "s3:PutObject"}
	if deletes {
		objects = append(objects, "s3:DeleteObject")
	}
	doc := policyDoc{Version: "2012-10-17", Statement: []statement{
		{
			Sid:      "OwnLogStreams",
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{logGroupArn + ":*"},
		},
		{
			Sid:      "BucketObjects",
			Effect:   "Allow",
			Action:   objects,
			Resource: []string{bucketArn + "/*"},
		},
		{
			Sid:      "BucketExistsAndMissingKeys",
			Effect:   "Allow",
			Action:   []string{"s3:ListBucket"},
			Resource: []string{bucketArn},
		},
	}}
	if len(parameterArns) > 0 {
		doc.Statement = append(doc.Statement, statement{
			Sid:      "OwnSecretParameters",
			Effect:   "Allow",
			Action:   []string{"ssm:GetParameters"},
			Resource: parameterArns,
		})
	}
	return doc.json()
}

// executionRole creates the role and its one inline policy. An inline policy
// lives and dies with the role, so nothing is left attached after destroy.
func executionRole(ctx *pulumi.Context, name string, args *FunctionArgs, logGroupArn pulumi.StringOutput,
	secrets []secretParameter, opts ...pulumi.ResourceOption) (*iam.Role, *iam.RolePolicy, error) {
	trust, err := trustPolicy()
	if err != nil {
		return nil, nil, err
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("Execution role of Lambda function " + args.FunctionName),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             args.Tags,
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	doc := pulumi.All(logGroupArn, args.BucketArn, parameterArns(secrets)).ApplyT(func(v []any) (string, error) {
		return executionPolicy(v[0].(string), v[1].(string), args.Runtime.Mode == appspec.AdminAPI, v[2].([]string))
	}).(pulumi.StringOutput)
	policy, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: doc,
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	return role, policy, nil
}
