package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/storage"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// deployStorage creates the environment's bucket; prod's survives destroy.
func deployStorage(ctx *pulumi.Context, c *Config, s *shared, ex exports) error {
	b, err := storage.NewBucket(ctx, c.Name("storage"), &storage.BucketArgs{
		Protect:               c.Environment.Prod(),
		NoncurrentVersionDays: 30,
		Tags:                  pulumi.ToStringMap(c.Tags),
	})
	if err != nil {
		return err
	}
	s.BucketName, s.BucketArn = b.Name, b.Arn
	ex[outputs.BucketName] = b.Name
	ex[outputs.BucketArn] = b.Arn
	return nil
}

// s3Storage is how AWS targets store transfers: in the environment's bucket.
func (s *shared) s3Storage() Storage { return Storage{Mode: "s3", Bucket: s.BucketName} }
