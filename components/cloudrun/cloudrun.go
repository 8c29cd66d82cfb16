// Package cloudrun runs the shared container image on GCP Cloud Run: the
// service, its dedicated service account, its secrets in Secret Manager, the
// project APIs it needs and, when public, the allUsers invoker binding.
package cloudrun

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// ServiceArgs configures one Cloud Run service. Every field is required unless
// it says otherwise; NewService validates them all before registering anything.
type ServiceArgs struct {
	// Project and Region place every resource; they match the default GCP
	// provider's gcp:project and gcp:region.
	Project string
	Region  string
	// ServiceName is the Cloud Run service id: lowercase letters, digits and
	// hyphens, starting with a letter, at most 49 characters.
	ServiceName string
	// AccountID is the service account id: 6-30 characters, [a-z][a-z0-9-]*[a-z0-9].
	AccountID string
	// Image is the Artifact Registry image in digest form (repo@sha256:...).
	Image pulumi.StringInput
	// Runtime is the app process: port, health path, plain and secret env.
	Runtime appspec.Runtime
	// MinInstances 0 lets the service scale to zero; MaxInstances caps cost.
	MinInstances int
	MaxInstances int
	// CPU ("1", "2" or "4") and Memory ("512Mi", "2Gi", ...) per instance.
	CPU    string
	Memory string
	// Public grants allUsers roles/run.invoker. Off, callers need the role and
	// a Google identity token (an org policy may forbid allUsers).
	Public bool
	// Protect guards the service against deletion (prod). pulumi-gcp v7 has no
	// deletionProtection on cloudrunv2.Service, so this is Pulumi's protect.
	Protect bool
	// Labels go on every labelable resource (GCP label rules: lowercase).
	Labels pulumi.StringMap
	// Storage, when set, mounts a Cloud Storage bucket (optional; see storage.go).
	Storage *BucketMount
	// RollbackRevision, when set, sends 100 % of traffic to this earlier
	// revision (<ServiceName>-...) instead of this deploy's (revision.go).
	RollbackRevision string
}

// Service is the deployed Cloud Run service and what callers need of it.
type Service struct {
	pulumi.ResourceState

	URL                 pulumi.StringOutput `pulumi:"url"`
	Name                pulumi.StringOutput `pulumi:"name"`
	ServiceAccountEmail pulumi.StringOutput `pulumi:"serviceAccountEmail"`
	Public              pulumi.BoolOutput   `pulumi:"public"`
	// Revision is the revision traffic names (100 %).
	Revision pulumi.StringOutput `pulumi:"revision"`
}

// NewService validates args, then registers the APIs, the service account, the
// secrets, the service and (when public) the invoker binding, in that order of
// dependency.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if err := validate(args); err != nil {
		return nil, err
	}
	svc := &Service{}
	if err := ctx.RegisterComponentResource("sgraph-send:cloudrun:Service", name, svc, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(svc)

	apis, err := enableAPIs(ctx, name, args.Project, parent)
	if err != nil {
		return nil, err
	}
	account, err := newAccount(ctx, name, args, apis, parent)
	if err != nil {
		return nil, err
	}
	secrets, err := newSecrets(ctx, name, args, account, apis, parent)
	if err != nil {
		return nil, err
	}
	grants, err := grantBucket(ctx, name, args, account, parent)
	if err != nil {
		return nil, err
	}
	run, serving, err := newRunService(ctx, name, args, account, secrets, apis, parent, grants...)
	if err != nil {
		return nil, err
	}
	if args.Public {
		if err := grantPublicInvoker(ctx, name, args, run, parent); err != nil {
			return nil, err
		}
	}

	svc.URL = run.Uri
	svc.Name = run.Name
	svc.ServiceAccountEmail = account.Email
	svc.Public = pulumi.Bool(args.Public).ToBoolOutput()
	svc.Revision = serving
	if err := ctx.RegisterResourceOutputs(svc, pulumi.Map{
		"revision":            svc.Revision,
		"url":                 svc.URL,
		"name":                svc.Name,
		"serviceAccountEmail": svc.ServiceAccountEmail,
		"public":              svc.Public,
	}); err != nil {
		return nil, err
	}
	return svc, nil
}
