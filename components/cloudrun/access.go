package cloudrun

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// grantPublicInvoker lets anyone call the service. An organisation policy
// (Domain Restricted Sharing, constraints/iam.allowedPolicyMemberDomains)
// rejects this binding with "Error 400: One or more users named in the policy
// do not belong to a permitted customer"; the operator then turns Public off
// and callers use roles/run.invoker plus a Google identity token.
func grantPublicInvoker(ctx *pulumi.Context, name string, args *ServiceArgs, run *cloudrunv2.Service, parent pulumi.ResourceOption) error {
	_, err := cloudrunv2.NewServiceIamMember(ctx, name+"-public", &cloudrunv2.ServiceIamMemberArgs{
		Project:  pulumi.String(args.Project),
		Location: pulumi.String(args.Region),
		Name:     run.Name,
		Role:     pulumi.String("roles/run.invoker"),
		Member:   pulumi.String("allUsers"),
	}, parent)
	return err
}
