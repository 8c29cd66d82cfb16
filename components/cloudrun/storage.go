package cloudrun

import (
	"fmt"
	"path"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BucketMount is durable storage for the service: a Cloud Storage bucket
// mounted with Cloud Run's gcsfuse volume, where the app keeps its files.
type BucketMount struct {
	Bucket    pulumi.StringInput // bucket name
	MountPath string             // absolute path inside the container
}

// storageVolume is the volume's name in the revision template.
const storageVolume = "transfers"

// ObjectRole is what the service account holds on the mounted bucket, and
// nothing else: objectUser reads, writes, lists and deletes objects (what
// gcsfuse needs for a read-write mount) but, unlike objectAdmin, cannot change
// object ACLs or IAM; with uniform access those would be moot anyway.
const ObjectRole = "roles/storage.objectUser"

func validateMount(m *BucketMount) []string {
	if m == nil {
		return nil
	}
	var problems []string
	if m.Bucket == nil {
		problems = append(problems, "Storage.Bucket is required")
	}
	p := m.MountPath
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "/" || strings.Contains(p, ":") {
		problems = append(problems, fmt.Sprintf("Storage.MountPath %q must be a clean absolute path other than / without ':'", p))
	}
	for _, reserved := range []string{"/dev", "/proc", "/sys", "/etc", "/usr", "/bin", "/lib", "/app"} {
		if p == reserved || strings.HasPrefix(p, reserved+"/") {
			problems = append(problems, fmt.Sprintf("Storage.MountPath %q would hide %s", p, reserved))
		}
	}
	return problems
}

// grantBucket gives the service account object access on the mounted bucket
// only (a bucket-level binding, never a project role).
func grantBucket(ctx *pulumi.Context, name string, args *ServiceArgs, account *serviceaccount.Account, parent pulumi.ResourceOption) ([]pulumi.Resource, error) {
	if args.Storage == nil {
		return nil, nil
	}
	m, err := storage.NewBucketIAMMember(ctx, name+"-storage", &storage.BucketIAMMemberArgs{
		Bucket: args.Storage.Bucket,
		Role:   pulumi.String(ObjectRole),
		Member: account.Member,
	}, parent)
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{m}, nil
}

// volumes and volumeMounts are nil without storage, so the template is
// unchanged for memory and /tmp disk storage.
func volumes(args *ServiceArgs) cloudrunv2.ServiceTemplateVolumeArray {
	if args.Storage == nil {
		return nil
	}
	return cloudrunv2.ServiceTemplateVolumeArray{&cloudrunv2.ServiceTemplateVolumeArgs{
		Name: pulumi.String(storageVolume),
		Gcs:  &cloudrunv2.ServiceTemplateVolumeGcsArgs{Bucket: args.Storage.Bucket, ReadOnly: pulumi.Bool(false)},
	}}
}

func volumeMounts(args *ServiceArgs) cloudrunv2.ServiceTemplateContainerVolumeMountArray {
	if args.Storage == nil {
		return nil
	}
	return cloudrunv2.ServiceTemplateContainerVolumeMountArray{&cloudrunv2.ServiceTemplateContainerVolumeMountArgs{
		Name:      pulumi.String(storageVolume),
		MountPath: pulumi.String(args.Storage.MountPath),
	}}
}

// executionEnvironment is gen2 when a bucket is mounted: Cloud Storage
// volumes exist only there. Without one the provider default stays.
func executionEnvironment(args *ServiceArgs) pulumi.StringPtrInput {
	if args.Storage == nil {
		return nil
	}
	return pulumi.String("EXECUTION_ENVIRONMENT_GEN2")
}

// launchStage: pulumi-gcp v7.38.0 documents Cloud Storage volumes as needing
// the BETA launch stage; BETA also admits every GA feature, so it is harmless
// once the API calls them GA.
func launchStage(args *ServiceArgs) pulumi.StringPtrInput {
	if args.Storage == nil {
		return nil
	}
	return pulumi.String("BETA")
}
