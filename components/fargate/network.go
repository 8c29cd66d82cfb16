package fargate

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// network is where the load balancer and the tasks live.
//
// Why the default VPC: every region has one with a public default subnet per
// availability zone. Tasks there get a public IP and pull the image, read SSM
// and write logs straight over the internet gateway, so dev pays for no NAT
// gateway (~35 USD/month each) and no VPC endpoints. The tasks are still not
// reachable from the internet: their security group admits only the load
// balancer's security group, on the app port. Prod may move the tasks into
// private subnets of the same VPC (TaskSubnetIds) that have a NAT or endpoints.
type network struct {
	vpcID       string
	albSubnets  []string
	taskSubnets []string
	publicIP    bool
	albSG       *ec2.SecurityGroup
	taskSG      *ec2.SecurityGroup
}

func newNetwork(ctx *pulumi.Context, name string, a *ServiceArgs, parent pulumi.ResourceOrInvokeOption) (*network, error) {
	v, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)}, parent)
	if err != nil {
		return nil, fmt.Errorf("fargate: looking up the default VPC (recreate it with `aws ec2 create-default-vpc` if it was deleted): %w", err)
	}
	subnets, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{
		{Name: "vpc-id", Values: []string{v.Id}},
		{Name: "default-for-az", Values: []string{"true"}},
	}}, parent)
	if err != nil {
		return nil, fmt.Errorf("fargate: listing the default subnets of %s: %w", v.Id, err)
	}
	if len(subnets.Ids) < 2 {
		return nil, fmt.Errorf("fargate: the default VPC %s has %d default subnets; an application load balancer needs two availability zones", v.Id, len(subnets.Ids))
	}
	n := &network{vpcID: v.Id, albSubnets: subnets.Ids, taskSubnets: subnets.Ids, publicIP: true}
	if len(a.TaskSubnetIds) > 0 {
		n.taskSubnets, n.publicIP = a.TaskSubnetIds, false
	}
	if err := n.securityGroups(ctx, name, a, parent); err != nil {
		return nil, err
	}
	return n, nil
}

// securityGroups: the ALB accepts the web from anywhere on 80 (and 443 when it
// serves HTTPS) and talks only to the tasks; the tasks accept only the ALB, on
// the app port, and may reach only HTTPS outbound (ECR, S3, SSM, logs). Rules
// are separate resources, never inline, so each one is its own diffable,
// taggable resource and policies can read them one by one.
func (n *network) securityGroups(ctx *pulumi.Context, name string, a *ServiceArgs, parent pulumi.ResourceOrInvokeOption) error {
	var err error
	n.albSG, err = ec2.NewSecurityGroup(ctx, name+"-alb", &ec2.SecurityGroupArgs{
		Description: pulumi.String("SGraph Send load balancer: web in, app port out to the tasks"),
		VpcId:       pulumi.String(n.vpcID),
		Tags:        a.Tags,
	}, parent)
	if err != nil {
		return err
	}
	n.taskSG, err = ec2.NewSecurityGroup(ctx, name+"-tasks", &ec2.SecurityGroupArgs{
		Description: pulumi.String("SGraph Send tasks: app port from the load balancer only"),
		VpcId:       pulumi.String(n.vpcID),
		Tags:        a.Tags,
	}, parent)
	if err != nil {
		return err
	}

	// HTTP: serves in dev, redirects to HTTPS with a certificate. 443 opens
	// whenever a 443 listener exists (a brought certificate or a managed
	// domain): a listener behind a closed security group times out.
	webPorts := []int{80}
	if a.servesHTTPS() {
		webPorts = append(webPorts, 443)
	}
	for _, port := range webPorts {
		for _, cidr := range []struct{ suffix, v4, v6 string }{{"ipv4", "0.0.0.0/0", ""}, {"ipv6", "", "::/0"}} {
			in := &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: n.albSG.ID(),
				Description:     pulumi.Sprintf("web on %d from anywhere", port),
				IpProtocol:      pulumi.String("tcp"),
				FromPort:        pulumi.Int(port),
				ToPort:          pulumi.Int(port),
				Tags:            a.Tags,
			}
			if cidr.v4 != "" {
				in.CidrIpv4 = pulumi.String(cidr.v4)
			} else {
				in.CidrIpv6 = pulumi.String(cidr.v6)
			}
			if _, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-alb-%d-%s", name, port, cidr.suffix), in, parent); err != nil {
				return err
			}
		}
	}
	port := pulumi.Int(a.Runtime.Port)
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-alb-to-tasks", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           n.albSG.ID(),
		Description:               pulumi.String("forward to the tasks on the app port"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: n.taskSG.ID(),
		Tags:                      a.Tags,
	}, parent); err != nil {
		return err
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-tasks-from-alb", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           n.taskSG.ID(),
		Description:               pulumi.String("app port from the load balancer only"),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: n.albSG.ID(),
		Tags:                      a.Tags,
	}, parent); err != nil {
		return err
	}
	// Outbound HTTPS to anywhere: image pulls from ECR, S3, SSM and CloudWatch
	// Logs over their public endpoints (no NAT, no VPC endpoints in dev). The
	// app calls nothing else; DNS to the VPC resolver is never filtered by
	// security groups.
	_, err = vpc.NewSecurityGroupEgressRule(ctx, name+"-tasks-https-out", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: n.taskSG.ID(),
		Description:     pulumi.String("HTTPS to AWS APIs (ECR, S3, SSM, logs)"),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		Tags:            a.Tags,
	}, parent)
	return err
}
