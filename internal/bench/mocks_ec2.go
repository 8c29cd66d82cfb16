package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// EC2: the AMI parameter, the instance, its profile and the Image Builder bake.
// The default VPC, its subnets, security groups and SSM parameters are mocked
// in mocks_fargate.go (same lookups, same values for both targets).
const (
	// AL2023Ami is what the public AL2023 SSM parameter resolves to.
	AL2023Ami = "ami-0abcdef1234567890"
	// BakedAmi is the AMI an Image Builder bake produces.
	BakedAmi = "ami-0fedcba9876543210"
	// InstanceID is the id every mocked instance gets.
	InstanceID = "i-0123456789abcdef0"
)

// PublishedAmi is the mocked value of an /sgraph-send/<stack>/ami parameter.
const PublishedAmi = "ami-0feedfacecafe0001"

// InstancePublicDNS is the mocked instance's public DNS name in region.
func InstancePublicDNS(region string) string {
	return fmt.Sprintf("ec2-3-8-1-2.%s.compute.amazonaws.com", region)
}

func init() {
	mockCall("aws:ssm/getParameter:getParameter", func(e env, args resource.PropertyMap) (resource.PropertyMap, error) {
		name := ec2Str(args, "name", "")
		value := AL2023Ami
		if strings.HasPrefix(name, "/sgraph-send/") {
			value = PublishedAmi // what cmd/bake publishes under /sgraph-send/<stack>/ami
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":             name,
			"name":           name,
			"arn":            fmt.Sprintf("arn:aws:ssm:%s::parameter/%s", e.Region, strings.TrimPrefix(name, "/")),
			"type":           "String",
			"value":          value,
			"insecureValue":  value,
			"version":        1.0,
			"withDecryption": true,
		}), nil
	})

	mockResource("aws:ec2/instance:Instance", func(e env, name string, in, st resource.PropertyMap) string {
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", e.Region, AwsAccount, InstanceID))
		st["publicDns"] = resource.NewProperty(InstancePublicDNS(e.Region))
		st["publicIp"] = resource.NewProperty("3.8.1.2")
		st["privateIp"] = resource.NewProperty("172.31.1.10")
		st["privateDns"] = resource.NewProperty(fmt.Sprintf("ip-172-31-1-10.%s.compute.internal", e.Region))
		st["instanceState"] = resource.NewProperty("running")
		st["primaryNetworkInterfaceId"] = resource.NewProperty("eni-0123456789abcdef0")
		return InstanceID
	})
	mockResource("aws:iam/instanceProfile:InstanceProfile", func(e env, name string, in, st resource.PropertyMap) string {
		profile := ec2Str(in, "name", name+"-"+shortHash(name)[:7])
		st["name"] = resource.NewProperty(profile)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:iam::%s:instance-profile/%s", AwsAccount, profile))
		st["uniqueId"] = resource.NewProperty("AIPA" + shortHash(profile) + "EXAMPLE")
		return profile
	})
	mockResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", func(e env, name string, in, st resource.PropertyMap) string {
		return ec2Str(in, "role", name) + "-" + shortHash(name)
	})

	// Image Builder ARNs: arn:aws:imagebuilder:<region>:<account>:<kind>/<name>/<version>[/<build>].
	imageBuilder := func(kind string, build bool) resourceMock {
		return func(e env, name string, in, st resource.PropertyMap) string {
			n := ec2Str(in, "name", name+"-"+shortHash(name)[:7])
			arn := fmt.Sprintf("arn:aws:imagebuilder:%s:%s:%s/%s", e.Region, AwsAccount, kind, n)
			if v := ec2Str(in, "version", ""); v != "" {
				arn += "/" + v
			}
			if build {
				arn += "/1"
			}
			st["name"] = resource.NewProperty(n)
			st["arn"] = resource.NewProperty(arn)
			st["owner"] = resource.NewProperty(AwsAccount)
			return arn
		}
	}
	mockResource("aws:imagebuilder/component:Component", imageBuilder("component", true))
	mockResource("aws:imagebuilder/imageRecipe:ImageRecipe", imageBuilder("image-recipe", false))
	mockResource("aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", imageBuilder("infrastructure-configuration", false))
	mockResource("aws:imagebuilder/image:Image", func(e env, name string, in, st resource.PropertyMap) string {
		arn := fmt.Sprintf("arn:aws:imagebuilder:%s:%s:image/%s/1.0.0/1", e.Region, AwsAccount, name)
		st["arn"] = resource.NewProperty(arn)
		st["name"] = resource.NewProperty(name)
		st["version"] = resource.NewProperty("1.0.0/1")
		st["platform"] = resource.NewProperty("Linux")
		st["outputResources"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewObjectProperty(resource.NewPropertyMapFromMap(map[string]any{
				"amis": []any{map[string]any{
					"accountId": AwsAccount,
					"image":     BakedAmi,
					"name":      name + " 2025-01-01T00-00-00.000Z",
					"region":    e.Region,
				}},
				"containers": []any{},
			})),
		})
		return arn
	})
}

// ec2Str reads a string input (secrets unwrapped), or def when absent or unknown.
func ec2Str(in resource.PropertyMap, key, def string) string {
	v, ok := in[resource.PropertyKey(key)]
	if !ok {
		return def
	}
	if v = Unsecret(v); v.IsString() && v.StringValue() != "" {
		return v.StringValue()
	}
	return def
}
