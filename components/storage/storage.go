// Package storage is the per-environment S3 bucket the app stores transfers in.
package storage

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BucketArgs configures the bucket. Zero values are the cheap, destroyable dev posture.
type BucketArgs struct {
	// Protect keeps the bucket and its data through `pulumi destroy`
	// (protect + retainOnDelete) and turns on versioning: set it for prod.
	Protect bool
	// NoncurrentVersionDays expires overwritten object versions when versioning is on.
	NoncurrentVersionDays int
	// Tags are applied to the bucket.
	Tags pulumi.StringMap
}

// Bucket is a private, encrypted, TLS-only S3 bucket.
type Bucket struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
	Arn  pulumi.StringOutput `pulumi:"arn"`
}

// NewBucket creates the bucket and its guard rails. The app would create a
// missing bucket itself; creating it here means runtime roles never need
// s3:CreateBucket.
func NewBucket(ctx *pulumi.Context, name string, args *BucketArgs, opts ...pulumi.ResourceOption) (*Bucket, error) {
	if args == nil {
		return nil, errors.New("storage: BucketArgs is required")
	}
	b := &Bucket{}
	if err := ctx.RegisterComponentResource("sgraph-send:storage:Bucket", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	// keep is used by the bucket and every guard rail alike: a destroy that
	// removed the public access block, the TLS-only policy, the encryption or
	// the versioning and left the bucket would leave its data unguarded.
	// Both options: protect makes a plain `pulumi destroy` refuse before it
	// deletes anything; retainOnDelete keeps them in the account when an
	// operator unprotects and destroys the stack on purpose.
	keep := []pulumi.ResourceOption{parent}
	if args.Protect {
		keep = append(keep, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	keep = slices.Clip(keep) // appends below must not share its array
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		// Dev must always destroy cleanly, even with objects inside.
		ForceDestroy: pulumi.Bool(!args.Protect),
		Tags:         args.Tags,
	}, keep...)
	if err != nil {
		return nil, err
	}
	id := bucket.ID().ToStringOutput()

	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, keep...); err != nil {
		return nil, err
	}
	blocked, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, keep...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
			BucketKeyEnabled: pulumi.Bool(true),
		}},
	}, keep...); err != nil {
		return nil, err
	}
	if err := lifecycle(ctx, name, id, args, keep); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: bucket.Arn.ApplyT(tlsOnlyPolicy).(pulumi.StringOutput),
	}, append(keep, pulumi.DependsOn([]pulumi.Resource{blocked}))...); err != nil {
		return nil, err
	}

	b.Name = bucket.Bucket
	b.Arn = bucket.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"name": b.Name, "arn": b.Arn}); err != nil {
		return nil, err
	}
	return b, nil
}

// lifecycle adds versioning (when protected) and housekeeping rules so a
// versioned bucket does not grow without bound.
func lifecycle(ctx *pulumi.Context, name string, id pulumi.StringOutput, args *BucketArgs, keep []pulumi.ResourceOption) error {
	rules := s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:                             pulumi.String("abort-incomplete-uploads"),
		Status:                         pulumi.String("Enabled"),
		Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(1)},
	}}
	var deps []pulumi.Resource
	if args.Protect {
		versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
			Bucket:                  id,
			VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, keep...)
		if err != nil {
			return err
		}
		deps = append(deps, versioning)
		days := args.NoncurrentVersionDays
		if days <= 0 {
			days = 30
		}
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                          pulumi.String("expire-noncurrent-versions"),
			Status:                      pulumi.String("Enabled"),
			Filter:                      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(days)},
		})
	}
	_, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules:  rules,
	}, append(keep, pulumi.DependsOn(deps))...)
	return err
}

// tlsOnlyPolicy denies every request that does not use TLS.
func tlsOnlyPolicy(arn string) (string, error) {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid":       "DenyInsecureTransport",
			"Effect":    "Deny",
			"Principal": "*",
			"Action":    "s3:*",
			"Resource":  []string{arn, arn + "/*"},
			"Condition": map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
		}},
	}
	out, err := json.Marshal(doc)
	return string(out), err
}
