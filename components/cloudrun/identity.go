package cloudrun

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newAccount creates the service's own identity. It gets no project-level
// role at all: only secretAccessor on its own secrets (see secrets.go). The
// default compute service account, which Cloud Run would use otherwise, often
// holds Editor on the whole project.
func newAccount(ctx *pulumi.Context, name string, args *ServiceArgs, a *apis, parent pulumi.ResourceOption) (*serviceaccount.Account, error) {
	return serviceaccount.NewAccount(ctx, name, &serviceaccount.AccountArgs{
		Project:     pulumi.String(args.Project),
		AccountId:   pulumi.String(args.AccountID),
		DisplayName: pulumi.String("SGraph Send Cloud Run service " + args.ServiceName),
		Description: pulumi.String("Runtime identity of Cloud Run service " + args.ServiceName + "; reads only its own secrets."),
	}, parent, pulumi.DependsOn([]pulumi.Resource{a.IAM}))
}
