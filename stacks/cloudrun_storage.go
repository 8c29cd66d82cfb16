package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/cloudrun"
	"github.com/sgraph-ai/sgraph-send-infra/components/gcsstorage"
)

// cloudRunMountPath is where the environment's Cloud Storage bucket is
// mounted; in gcs mode the app runs in disk mode on it.
const cloudRunMountPath = "/mnt/sgraph-send"

// cloudRunDurableStorage creates the environment's Cloud Storage bucket when
// cloudRunStorageMode is gcs and returns the mount and the app's storage
// (disk mode on the mount). Other modes pass st through with no mount.
func cloudRunDurableStorage(ctx *pulumi.Context, c *Config, st Storage) (*cloudrun.BucketMount, Storage, error) {
	if c.CloudRun.StorageMode != "gcs" {
		if c.CloudRun.MaxInstances > 1 {
			_ = ctx.Log.Warn("cloudrun: transfers live inside one instance (cloudRunStorageMode "+c.CloudRun.StorageMode+"), so with cloudRunMaxInstances above 1 a download can land on an instance that never saw the upload; use cloudRunStorageMode gcs", nil)
		}
		return nil, st, nil
	}
	prod := c.Environment.Prod()
	days := 7
	if prod {
		days = 30
	}
	b, err := gcsstorage.NewBucket(ctx, c.Name("gcs"), &gcsstorage.BucketArgs{
		Project:               c.Gcp.Project,
		Location:              c.Gcp.Region,
		Protect:               prod,
		NoncurrentVersionDays: days,
		Labels:                gcpLabels(c.Tags),
	})
	if err != nil {
		return nil, st, err
	}
	return &cloudrun.BucketMount{Bucket: b.Name, MountPath: cloudRunMountPath},
		Storage{Mode: "disk", Path: cloudRunMountPath}, nil
}
