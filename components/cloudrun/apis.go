package cloudrun

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// apis are the project services this component needs switched on. A fresh
// project has none of them, and creating a resource before its API is on fails.
type apis struct {
	Run, SecretManager, IAM *projects.Service
}

func enableAPIs(ctx *pulumi.Context, name, project string, parent pulumi.ResourceOption) (*apis, error) {
	enable := func(suffix, api string) (*projects.Service, error) {
		return projects.NewService(ctx, name+"-api-"+suffix, &projects.ServiceArgs{
			Project: pulumi.String(project),
			Service: pulumi.String(api),
			// Other stacks and people use the same project: destroying this
			// stack must never switch an API off under them.
			DisableOnDestroy:         pulumi.Bool(false),
			DisableDependentServices: pulumi.Bool(false),
		}, parent)
	}
	var a apis
	var err error
	if a.Run, err = enable("run", "run.googleapis.com"); err != nil {
		return nil, err
	}
	if a.SecretManager, err = enable("secretmanager", "secretmanager.googleapis.com"); err != nil {
		return nil, err
	}
	if a.IAM, err = enable("iam", "iam.googleapis.com"); err != nil {
		return nil, err
	}
	return &a, nil
}
