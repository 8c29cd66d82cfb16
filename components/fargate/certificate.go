package fargate

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// servesHTTPS: a certificate is brought (CertificateArn) or issued for
// DomainName in HostedZoneID.
func (a *ServiceArgs) servesHTTPS() bool {
	return a.CertificateArn != "" || (a.DomainName != "" && a.HostedZoneID != "")
}

// listenerCertificate is the certificate of the HTTPS listener: the one brought, or
// an ACM certificate for DomainName validated by DNS in the zone. The ARN comes
// from the validation resource, so the listener is created only once ACM has
// issued the certificate (an unissued one makes CreateListener fail).
func listenerCertificate(ctx *pulumi.Context, name string, a *ServiceArgs, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	if a.CertificateArn != "" {
		return pulumi.String(a.CertificateArn).ToStringOutput(), nil
	}
	cert, err := acm.NewCertificate(ctx, name, &acm.CertificateArgs{
		DomainName:       pulumi.String(a.DomainName),
		ValidationMethod: pulumi.String("DNS"),
		Tags:             a.Tags,
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// One name, one validation option. ACM reuses the same CNAME for the same
	// name in an account, so a replacement certificate overwrites, not collides.
	option := firstValidationOption(a.DomainName, cert.DomainValidationOptions)
	record, err := route53.NewRecord(ctx, name+"-cert-validation", &route53.RecordArgs{
		ZoneId:         pulumi.String(a.HostedZoneID),
		Name:           option.ResourceRecordName().Elem(),
		Type:           option.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
		Ttl:            pulumi.Int(60),
		AllowOverwrite: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	valid, err := acm.NewCertificateValidation(ctx, name, &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.Fqdn},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return valid.CertificateArn, nil
}

// newAliasRecord points DomainName at the load balancer with an alias A
// record (free to query, follows the ALB's addresses). IPv4 only: the ALB
// stays ipv4 because the default VPC's subnets carry no IPv6 CIDR, which a
// dualstack ALB requires; an AAAA alias to an ipv4 ALB would answer nothing.
func newAliasRecord(ctx *pulumi.Context, name string, a *ServiceArgs, alb *lb.LoadBalancer, parent pulumi.ResourceOrInvokeOption) error {
	if a.DomainName == "" || a.HostedZoneID == "" {
		return nil
	}
	_, err := route53.NewRecord(ctx, name+"-alias-a", &route53.RecordArgs{
		ZoneId: pulumi.String(a.HostedZoneID),
		Name:   pulumi.String(a.DomainName),
		Type:   pulumi.String("A"),
		Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
			Name:                 alb.DnsName,
			ZoneId:               alb.ZoneId,
			EvaluateTargetHealth: pulumi.Bool(true),
		}},
	}, parent)
	return err
}

// firstValidationOption is the certificate's one DNS validation option. An
// empty list (a certificate not validated by DNS, or a provider that answers
// before ACM has the record) fails the deployment with a clear error instead
// of indexing past the end.
func firstValidationOption(domain string, opts acm.CertificateDomainValidationOptionArrayOutput) acm.CertificateDomainValidationOptionOutput {
	return opts.ApplyT(func(o []acm.CertificateDomainValidationOption) (acm.CertificateDomainValidationOption, error) {
		if len(o) == 0 {
			return acm.CertificateDomainValidationOption{}, fmt.Errorf("fargate: ACM returned no DNS validation record for the certificate of %s, so it cannot be validated in the hosted zone; "+
				"check the certificate in the ACM console (validation method DNS) and run `pulumi up` again, or bring your own with fargateCertificateArn", domain)
		}
		return o[0], nil
	}).(acm.CertificateDomainValidationOptionOutput)
}
