package ec2

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ec2AssumeRole lets EC2 instances (and Image Builder's build instances) assume a role.
const ec2AssumeRole = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// newProfile creates a role for EC2 with the given AWS managed policies, and
// its instance profile. The role is returned for inline policies.
func newProfile(ctx *pulumi.Context, name, region string, managed []string, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*iam.Role, *iam.InstanceProfile, error) {
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(ec2AssumeRole),
		Tags:             tags,
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	for _, policy := range managed {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+strings.ToLower(policy), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/%s", partition(region), policy),
		}, opts...); err != nil {
			return nil, nil, err
		}
	}
	profile, err := iam.NewInstanceProfile(ctx, name, &iam.InstanceProfileArgs{
		Role: role.Name,
		Tags: tags,
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	return role, profile, nil
}

// newServerProfile is the instance's identity: Session Manager (instead of
// SSH), object access to the environment's bucket only, and read access to
// its own secret parameters (and the TLS parameters when configured). No AWS
// managed policy: AmazonSSMManagedInstanceCore grants ssm:GetParameter(s) on
// every parameter of the account, so this internet-facing instance could read
// (and, through the aws/ssm key, decrypt) every SecureString.
func newServerProfile(ctx *pulumi.Context, name string, args *ServerArgs, params *secretParameters, opts ...pulumi.ResourceOption) (*iam.InstanceProfile, error) {
	role, profile, err := newProfile(ctx, name, args.Region, nil, args.Tags, opts...)
	if err != nil {
		return nil, err
	}
	if err := newAcmePolicy(ctx, name, args, role, opts...); err != nil {
		return nil, err
	}
	doc := pulumi.All(args.BucketArn, role.Arn, params.arns.ToStringArrayOutput()).ApplyT(func(v []any) (string, error) {
		return serverPolicy(v[0].(string), v[1].(string), v[2].([]string), args.Region, args.TLSParameter)
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: doc,
	}, opts...); err != nil {
		return nil, err
	}
	return profile, nil
}

// serverPolicy is the inline policy document. ListBucket is on the bucket
// itself: without it S3 answers 403 instead of 404 for a missing object, which
// the app reports as an error instead of "unknown transfer". No CreateBucket:
// the bucket is ours, created by the storage component.
func serverPolicy(bucketArn, roleArn string, paramArns []string, region, tlsParameter string) (string, error) {
	statements := []map[string]any{
		// Session Manager's documented minimum for the SSM Agent (Session
		// Manager user guide, "custom IAM role for Session Manager"), plus
		// ec2messages, which the agent uses to register and take commands.
		// These APIs act on the calling instance only and take no resource
		// ARN, hence "*".
		{
			"Sid":    "SessionManager",
			"Effect": "Allow",
			"Action": []string{
				"ssm:UpdateInstanceInformation",
				"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
				"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
				"ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
				"ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
			},
			"Resource": "*",
		},
		{
			"Sid":      "TransferObjects",
			"Effect":   "Allow",
			"Action":   []string{"s3:GetObject", "s3:PutObject"}, // recorded calls; no deletes
			"Resource": bucketArn + "/*",
		},
		{
			"Sid":      "TransferListing",
			"Effect":   "Allow",
			"Action":   "s3:ListBucket",
			"Resource": bucketArn,
		},
	}
	var params []string
	params = append(params, paramArns...)
	if tlsParameter != "" {
		account, err := accountOf(roleArn)
		if err != nil {
			return "", err
		}
		params = append(params, fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s/*", partition(region), region, account, tlsParameter))
	}
	// The SecureStrings use the AWS-managed aws/ssm key, whose key policy
	// lets SSM decrypt for any principal of the account allowed to read the
	// parameter: no kms:Decrypt grant (a customer-managed key would need one,
	// conditioned on kms:ViaService ssm.<region>.amazonaws.com).
	if len(params) > 0 {
		statements = append(statements, map[string]any{
			"Sid":      "OwnParameters",
			"Effect":   "Allow",
			"Action":   "ssm:GetParameter",
			"Resource": params,
		})
	}
	out, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(out), err
}

// accountOf reads the account id from an ARN (arn:partition:service:region:account:...).
func accountOf(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[4] == "" {
		return "", fmt.Errorf("ec2: cannot read the account from ARN %q", arn)
	}
	return parts[4], nil
}
