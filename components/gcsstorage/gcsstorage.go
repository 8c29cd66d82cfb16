// Package gcsstorage is the per-environment Cloud Storage bucket that Cloud Run
// mounts (gcsfuse) so the app's disk storage survives restarts, new revisions
// and scale to zero.
package gcsstorage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BucketArgs configures the bucket. Zero values of the booleans are the cheap,
// destroyable dev posture.
type BucketArgs struct {
	Project  string
	Location string // a region, e.g. europe-west2: next to the service
	// Protect keeps the bucket and its data through `pulumi destroy`
	// (protect + retainOnDelete, no forceDestroy): set it for prod.
	Protect bool
	// NoncurrentVersionDays deletes overwritten or deleted object versions
	// after that many days (1..3650), so versioning does not grow forever.
	NoncurrentVersionDays int
	Labels                pulumi.StringMap
}

// Bucket is a private bucket with uniform access and versioning.
type Bucket struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
	URL  pulumi.StringOutput `pulumi:"url"`
}

// NewBucket enables the Storage API and creates the bucket.
func NewBucket(ctx *pulumi.Context, name string, args *BucketArgs, opts ...pulumi.ResourceOption) (*Bucket, error) {
	if err := validate(args); err != nil {
		return nil, err
	}
	b := &Bucket{}
	if err := ctx.RegisterComponentResource("sgraph-send:gcsstorage:Bucket", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	api, err := projects.NewService(ctx, name+"-api-storage", &projects.ServiceArgs{
		Project: pulumi.String(args.Project),
		Service: pulumi.String("storage.googleapis.com"),
		// Shared project: never switch an API off under other users.
		DisableOnDestroy:         pulumi.Bool(false),
		DisableDependentServices: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return nil, err
	}
	bucketOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn([]pulumi.Resource{api})}
	if args.Protect {
		// protect stops an accidental destroy; retainOnDelete keeps the data
		// even after an operator unprotects and deletes the stack.
		bucketOpts = append(bucketOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	bucket, err := storage.NewBucket(ctx, name, &storage.BucketArgs{
		Project:  pulumi.String(args.Project),
		Location: pulumi.String(strings.ToUpper(args.Location)),
		// IAM only (no object ACLs), and never public whatever IAM says.
		UniformBucketLevelAccess: pulumi.Bool(true),
		PublicAccessPrevention:   pulumi.String("enforced"),
		Versioning:               &storage.BucketVersioningArgs{Enabled: pulumi.Bool(true)},
		// Dev must always destroy cleanly, even with objects inside.
		ForceDestroy: pulumi.Bool(!args.Protect),
		LifecycleRules: storage.BucketLifecycleRuleArray{
			&storage.BucketLifecycleRuleArgs{
				Action:    &storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")},
				Condition: &storage.BucketLifecycleRuleConditionArgs{DaysSinceNoncurrentTime: pulumi.Int(args.NoncurrentVersionDays), WithState: pulumi.String("ARCHIVED")},
			},
			&storage.BucketLifecycleRuleArgs{
				Action:    &storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("AbortIncompleteMultipartUpload")},
				Condition: &storage.BucketLifecycleRuleConditionArgs{Age: pulumi.Int(1)},
			},
		},
		Labels: args.Labels,
	}, bucketOpts...)
	if err != nil {
		return nil, err
	}
	b.Name, b.URL = bucket.Name, bucket.Url
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"name": b.Name, "url": b.URL}); err != nil {
		return nil, err
	}
	return b, nil
}

func validate(a *BucketArgs) error {
	if a == nil {
		return errors.New("gcsstorage: BucketArgs is required")
	}
	var problems []string
	if a.Project == "" {
		problems = append(problems, "Project is required")
	}
	if a.Location == "" {
		problems = append(problems, "Location is required")
	}
	if a.NoncurrentVersionDays < 1 || a.NoncurrentVersionDays > 3650 {
		problems = append(problems, fmt.Sprintf("NoncurrentVersionDays %d must be 1..3650", a.NoncurrentVersionDays))
	}
	if len(problems) > 0 {
		return errors.New("gcsstorage: " + strings.Join(problems, "; "))
	}
	return nil
}
