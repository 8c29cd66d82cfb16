package stacks

import (
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/components/lambdapair"
)

// awsPartition is the ARN partition of a region (aws, aws-cn, aws-us-gov).
func awsPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// arnField returns field i of an ARN (0 "arn", 1 partition, 2 service, 3 region, 4 account).
func arnField(arn string, i int) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 {
		return ""
	}
	return f[i]
}

// validateLambdaExtras: the public URL's lambda:InvokeFunction to "*" cannot
// be conditioned on pulumi-aws v6.83.4, so its concurrency is the cap on what
// anonymous traffic can run up. IAM refuses an invoker of another partition
// only at deploy time, after the pair exists.
func validateLambdaExtras(r *reader, c *Config, l LambdaConfig) {
	if l.PublicReservedConcurrency == lambdapair.Unreserved {
		r.fail("lambdaPublicReservedConcurrency", itoa(l.PublicReservedConcurrency), "the public function is open to the internet and must be capped: "+
			"`pulumi config set lambdaPublicReservedConcurrency 10` (1..1000, or 0 to switch it off)")
	}
	want := awsPartition(c.AwsRegion)
	for _, arn := range l.AdminInvokers {
		if p := arnField(arn, 1); p != "" && p != want {
			r.fail("lambdaAdminInvokers", arn, "partition %q, but aws:region %s is in partition %q; use arn:%s:iam::<account>:role/<name>", p, c.AwsRegion, want, want)
		}
	}
}

// validateFargateExtras: an ALB takes only a certificate of its own region,
// and one subnet listed twice is one availability zone, not two.
func validateFargateExtras(r *reader, c *Config, f FargateConfig) {
	if f.CertificateArn != "" {
		if region := arnField(f.CertificateArn, 3); region != "" && region != c.AwsRegion {
			r.fail("fargateCertificateArn", f.CertificateArn, "the certificate is in %s but the load balancer is in aws:region %s; request or import it in %s", region, c.AwsRegion, c.AwsRegion)
		}
		if p := arnField(f.CertificateArn, 1); p != "" && p != awsPartition(c.AwsRegion) {
			r.fail("fargateCertificateArn", f.CertificateArn, "partition %q does not match aws:region %s", p, c.AwsRegion)
		}
	}
	seen := map[string]bool{}
	for _, s := range f.PrivateSubnetIds {
		if seen[s] {
			r.fail("fargatePrivateSubnetIds", s, "listed twice; give distinct subnets in different availability zones")
		}
		seen[s] = true
	}
}

// validateEC2Extras: the instance installs an x86_64 image, and reads its TLS
// parameters with ssm:GetParameter only.
func validateEC2Extras(r *reader, e EC2Config) {
	if e.AmiParameter != "" {
		if p := ec2.AmiParameterProblem(e.AmiParameter); p != "" {
			r.fail("ec2AmiSsmParameter", e.AmiParameter, "%s, e.g. %s", p, ec2.AL2023Parameter)
		}
	}
	if e.TLSParameter != "" {
		if p := ec2.TLSParameterProblem(e.TLSParameter); p != "" {
			r.fail("ec2TlsCertificateParameter", e.TLSParameter, "%s", p)
		}
	}
}
