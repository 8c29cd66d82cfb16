package ec2

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Let's Encrypt's ACME directories. Staging issues certificates no browser
// trusts, with rate limits generous enough for dev's frequent replacements.
const (
	AcmeStaging    = "https://acme-staging-v02.api.letsencrypt.org/directory"
	AcmeProduction = "https://acme-v02.api.letsencrypt.org/directory"
)

var (
	hostedZonePattern = regexp.MustCompile(`^Z[0-9A-Z]{1,31}$`)
	dnsNamePattern    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$`)
	acmeServerPattern = regexp.MustCompile(`^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$`)
)

// ValidAcmeServer reports whether s is an ACME directory URL the instance's
// user data can carry: https, a host, an optional port and a plain path.
func ValidAcmeServer(s string) bool { return acmeServerPattern.MatchString(s) }

// acme reports whether the instance obtains its certificate by ACME: a name
// and a zone, and no certificate of the operator's own in SSM.
func (a *ServerArgs) acme() bool { return a.DomainName != "" && a.TLSParameter == "" }

// untrusted reports whether clients cannot verify the instance's certificate:
// self-signed, or issued by the ACME staging CA.
func (a *ServerArgs) untrusted() bool {
	if a.TLSParameter != "" {
		return false
	}
	return a.DomainName == "" || a.AcmeServer == AcmeStaging
}

func (a *ServerArgs) domainProblems() []string {
	var problems []string
	if a.DomainName == "" {
		if a.HostedZoneID != "" || a.AcmeServer != "" {
			problems = append(problems, "HostedZoneID and AcmeServer need DomainName")
		}
		return problems
	}
	if len(a.DomainName) > 253 || !dnsNamePattern.MatchString(a.DomainName) {
		problems = append(problems, fmt.Sprintf("DomainName %q is not a lowercase DNS name", a.DomainName))
	}
	if !hostedZonePattern.MatchString(a.HostedZoneID) {
		problems = append(problems, fmt.Sprintf("HostedZoneID %q is not a Route 53 zone id (Z...)", a.HostedZoneID))
	}
	if a.TLSParameter == "" && !acmeServerPattern.MatchString(a.AcmeServer) {
		problems = append(problems, fmt.Sprintf("AcmeServer %q is not an https ACME directory URL", a.AcmeServer))
	}
	return problems
}

// AcmeChallengeName is the only record the instance may change: the DNS-01
// challenge TXT of its own name.
func AcmeChallengeName(domain string) string { return "_acme-challenge." + domain }

// acmePolicy lets certbot's Route 53 plugin answer DNS-01 for one name and
// nothing else. The plugin lists hosted zones to find the zone (ListHostedZones
// has no resource-level permissions), UPSERTs then DELETEs the TXT record, and
// polls GetChange until INSYNC. The condition keys pin the change to that one
// record name, the TXT type and those two actions: the instance, which faces
// the internet, cannot repoint any other name of the zone.
func acmePolicy(region, zoneID, domain string) (string, error) {
	p := partition(region)
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{
				"Sid":      "AcmeChallengeRecordOnly",
				"Effect":   "Allow",
				"Action":   "route53:ChangeResourceRecordSets",
				"Resource": fmt.Sprintf("arn:%s:route53:::hostedzone/%s", p, zoneID),
				"Condition": map[string]any{
					"ForAllValues:StringEquals": map[string]any{
						"route53:ChangeResourceRecordSetsNormalizedRecordNames": []string{AcmeChallengeName(domain)},
						"route53:ChangeResourceRecordSetsRecordTypes":           []string{"TXT"},
						"route53:ChangeResourceRecordSetsActions":               []string{"UPSERT", "DELETE"},
					},
				},
			},
			{
				"Sid":      "AcmeChangeStatus",
				"Effect":   "Allow",
				"Action":   "route53:GetChange",
				"Resource": fmt.Sprintf("arn:%s:route53:::change/*", p),
			},
			{
				"Sid":      "AcmeFindZone",
				"Effect":   "Allow",
				"Action":   "route53:ListHostedZones",
				"Resource": "*",
			},
		},
	}
	out, err := json.Marshal(doc)
	return string(out), err
}

// newAcmePolicy attaches acmePolicy to the instance role when the instance
// obtains its certificate by ACME.
func newAcmePolicy(ctx *pulumi.Context, name string, args *ServerArgs, role *iam.Role, opts ...pulumi.ResourceOption) error {
	if !args.acme() {
		return nil
	}
	doc, err := acmePolicy(args.Region, args.HostedZoneID, args.DomainName)
	if err != nil {
		return err
	}
	_, err = iam.NewRolePolicy(ctx, name+"-acme", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: pulumi.String(doc),
	}, opts...)
	return err
}

// newAddress gives the instance a stable public address and its name: an
// Elastic IP (it survives the instance's replacement, so the record and the
// certificate's name keep pointing at it) and an A record in the zone.
func newAddress(ctx *pulumi.Context, name string, args *ServerArgs, inst *ec2.Instance, opts ...pulumi.ResourceOption) (*ec2.Eip, error) {
	tags := pulumi.StringMap{"Name": pulumi.String(name)}
	for k, v := range args.Tags {
		tags[k] = v
	}
	eip, err := ec2.NewEip(ctx, name, &ec2.EipArgs{
		Domain:   pulumi.String("vpc"),
		Instance: inst.ID(),
		Tags:     tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := route53.NewRecord(ctx, name+"-a", &route53.RecordArgs{
		ZoneId:  pulumi.String(args.HostedZoneID),
		Name:    pulumi.String(args.DomainName),
		Type:    pulumi.String("A"),
		Ttl:     pulumi.Int(60),
		Records: pulumi.StringArray{eip.PublicIp},
	}, opts...); err != nil {
		return nil, err
	}
	return eip, nil
}

// acmeDomain and acmeServer are what the boot script is told: empty unless
// the instance obtains its certificate by ACME.
func (a *ServerArgs) acmeDomain() string {
	if !a.acme() {
		return ""
	}
	return a.DomainName
}

func (a *ServerArgs) acmeServer() string {
	if !a.acme() {
		return ""
	}
	return a.AcmeServer
}
