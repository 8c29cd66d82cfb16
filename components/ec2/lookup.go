package ec2

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AL2023Parameter is the public SSM parameter naming the latest Amazon Linux
// 2023 x86_64 AMI of the region.
const AL2023Parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

// LatestAmi resolves an AMI id from an SSM parameter such as AL2023Parameter.
// The value follows AWS's releases: an `up` after a new release replaces the
// instance with one on the patched image (pin ec2AmiId to avoid that).
func LatestAmi(ctx *pulumi.Context, parameter string) (string, error) {
	res, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: parameter})
	if err != nil {
		return "", fmt.Errorf("ec2: reading AMI parameter %s: %w", parameter, err)
	}
	id := res.InsecureValue // an AMI id is public; Value would be marked secret
	if id == "" {
		id = res.Value
	}
	if p := AmiIDProblem(id); p != "" {
		return "", fmt.Errorf("ec2: SSM parameter %s holds %q, which %s", parameter, id, p)
	}
	return id, nil
}

// defaultSubnet finds the region's default VPC and one of its default subnets
// (those give instances a public IP). The first id in sorted order is taken so
// the choice, and so the instance, is stable across runs.
func defaultSubnet(ctx *pulumi.Context) (vpcID, subnetID string, err error) {
	isDefault := true
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: &isDefault})
	if err != nil {
		return "", "", fmt.Errorf("ec2: this target runs in the default VPC, and none was found: %w", err)
	}
	subnets, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{
		{Name: "vpc-id", Values: []string{vpc.Id}},
		{Name: "default-for-az", Values: []string{"true"}},
	}})
	if err != nil {
		return "", "", fmt.Errorf("ec2: listing the default subnets of %s: %w", vpc.Id, err)
	}
	if len(subnets.Ids) == 0 {
		return "", "", fmt.Errorf("ec2: the default VPC %s has no default subnet", vpc.Id)
	}
	ids := append([]string(nil), subnets.Ids...)
	sort.Strings(ids)
	return vpc.Id, ids[0], nil
}

// AmiParameterProblem says why an AMI parameter cannot feed this target, or
// "": the install script and instance types are x86_64, so a parameter naming
// an arm64 image is refused.
func AmiParameterProblem(p string) string {
	lower := strings.ToLower(p)
	if strings.Contains(lower, "arm64") || strings.Contains(lower, "aarch64") {
		return "names an arm64 image; the instance is x86_64"
	}
	return ""
}

// secretsManagerReference is the SSM path prefix that reads Secrets Manager
// secrets through SSM; that needs secretsmanager:GetSecretValue, which the
// instance role does not grant (and its paths have no <path>/cert children).
const secretsManagerReference = "/aws/reference/secretsmanager/"

// TLSParameterProblem says why a TLS parameter prefix cannot be read by the
// instance, or "".
func TLSParameterProblem(p string) string {
	switch {
	case strings.HasPrefix(p, secretsManagerReference):
		return "is a Secrets Manager reference, which the instance role cannot read (it grants ssm:GetParameter on its own parameters only); " +
			"store the PEMs as SecureString parameters <path>/cert and <path>/key under your own path, e.g. /sgraph-send/prod/tls"
	case strings.HasPrefix(strings.ToLower(p), "/aws/") || strings.HasPrefix(strings.ToLower(p), "/ssm/"):
		return "is under a path AWS reserves (/aws, /ssm); use your own, e.g. /sgraph-send/prod/tls"
	}
	return ""
}
