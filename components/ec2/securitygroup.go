package ec2

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newSecurityGroup opens HTTPS only. There is no SSH rule: operators reach the
// instance with SSM Session Manager through the instance profile.
func newSecurityGroup(ctx *pulumi.Context, name, vpcID string, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*ec2.SecurityGroup, error) {
	return ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Description: pulumi.String("SGraph Send on EC2: HTTPS in, everything out; no SSH (use Session Manager)"),
		VpcId:       pulumi.String(vpcID),
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
			Description:    pulumi.String("HTTPS (nginx terminates TLS)"),
			Protocol:       pulumi.String("tcp"),
			FromPort:       pulumi.Int(443),
			ToPort:         pulumi.Int(443),
			CidrBlocks:     pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			Ipv6CidrBlocks: pulumi.StringArray{pulumi.String("::/0")},
		}},
		// pip, dnf, SSM (Session Manager, parameters) and S3 are all reached outbound.
		Egress: ec2.SecurityGroupEgressArray{&ec2.SecurityGroupEgressArgs{
			Description:    pulumi.String("all outbound"),
			Protocol:       pulumi.String("-1"),
			FromPort:       pulumi.Int(0),
			ToPort:         pulumi.Int(0),
			CidrBlocks:     pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			Ipv6CidrBlocks: pulumi.StringArray{pulumi.String("::/0")},
		}},
		Tags: tags,
	}, opts...)
}
