package ec2

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// instanceDeps are the resources the instance is wired to.
type instanceDeps struct {
	subnetID        string
	securityGroupID pulumi.IDOutput
	profileName     pulumi.StringOutput
	userData        pulumi.StringOutput // base64 of the gzipped script
}

// newInstance creates the instance. A change of user data (a new app version,
// a new bucket, new parameter names) replaces it: the install runs at first
// boot only, and a fresh instance is the honest way to roll a version.
func newInstance(ctx *pulumi.Context, name string, args *ServerArgs, d instanceDeps, opts ...pulumi.ResourceOption) (*ec2.Instance, error) {
	tags := pulumi.StringMap{"Name": pulumi.String(name)}
	for k, v := range args.Tags {
		tags[k] = v
	}
	in := &ec2.InstanceArgs{
		Ami:                      pulumi.String(args.AmiID),
		InstanceType:             pulumi.String(args.InstanceType),
		SubnetId:                 pulumi.String(d.subnetID),
		VpcSecurityGroupIds:      pulumi.StringArray{d.securityGroupID.ToStringOutput()},
		AssociatePublicIpAddress: pulumi.Bool(true),
		IamInstanceProfile:       d.profileName,
		UserDataBase64:           d.userData, // gzipped (gzip.go)
		UserDataReplaceOnChange:  pulumi.Bool(true),
		// IMDSv2 only; hop limit 1 keeps the credentials on the host itself.
		MetadataOptions: &ec2.InstanceMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		RootBlockDevice: &ec2.InstanceRootBlockDeviceArgs{
			VolumeType:          pulumi.String("gp3"),
			VolumeSize:          pulumi.Int(args.RootVolumeGb),
			Encrypted:           pulumi.Bool(true),
			DeleteOnTermination: pulumi.Bool(true),
		},
		Tags:       tags,
		VolumeTags: tags,
	}
	if args.Spot {
		// One-time spot that terminates when reclaimed: the next `up` creates
		// a new one; transfers live in S3, so nothing is lost.
		in.InstanceMarketOptions = &ec2.InstanceInstanceMarketOptionsArgs{
			MarketType: pulumi.String("spot"),
			SpotOptions: &ec2.InstanceInstanceMarketOptionsSpotOptionsArgs{
				SpotInstanceType:             pulumi.String("one-time"),
				InstanceInterruptionBehavior: pulumi.String("terminate"),
			},
		}
	}
	return ec2.NewInstance(ctx, name, in, opts...)
}
