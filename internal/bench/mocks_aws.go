package bench

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AWS resources and functions shared by every target. Each area adds its own
// file (mocks_<area>.go) so the bench never needs editing for a new component.
func init() {
	mockResource("aws:s3/bucketV2:BucketV2", func(e env, name string, in, st resource.PropertyMap) string {
		bucket := name + "-" + shortHash(name)[:7] // autonaming: name plus a random suffix
		if b, ok := in["bucket"]; ok && b.IsString() && b.StringValue() != "" {
			bucket = b.StringValue()
		}
		st["bucket"] = resource.NewProperty(bucket)
		st["arn"] = resource.NewProperty("arn:aws:s3:::" + bucket)
		st["bucketDomainName"] = resource.NewProperty(bucket + ".s3.amazonaws.com")
		st["bucketRegionalDomainName"] = resource.NewProperty(fmt.Sprintf("%s.s3.%s.amazonaws.com", bucket, e.Region))
		st["region"] = resource.NewProperty(e.Region)
		return bucket
	})
	mockResource("aws:iam/role:Role", func(e env, name string, in, st resource.PropertyMap) string {
		role := name + "-" + shortHash(name)[:7]
		st["name"] = resource.NewProperty(role)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:iam::%s:role/%s", AwsAccount, role))
		st["uniqueId"] = resource.NewProperty("AROA" + shortHash(role) + "EXAMPLE")
		return role
	})
	mockResource("aws:cloudwatch/logGroup:LogGroup", func(e env, name string, in, st resource.PropertyMap) string {
		group := name
		if n, ok := in["name"]; ok && n.IsString() {
			group = n.StringValue()
		}
		st["name"] = resource.NewProperty(group)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", e.Region, AwsAccount, group))
		return group
	})

	mockCall("aws:index/getCallerIdentity:getCallerIdentity", func(e env, _ resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AwsAccount,
			"arn":       fmt.Sprintf("arn:aws:sts::%s:assumed-role/deployer/session", AwsAccount),
			"userId":    "AROAEXAMPLE:session",
			"id":        AwsAccount,
		}), nil
	})
	mockCall("aws:index/getRegion:getRegion", func(e env, _ resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"name": e.Region, "id": e.Region,
			"endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", e.Region)}), nil
	})
	mockCall("aws:index/getPartition:getPartition", func(e env, _ resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}), nil
	})
}
