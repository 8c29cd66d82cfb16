package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// EC2Config is the ec2 target: the container app installed with pip on one
// Amazon Linux 2023 instance, TLS on 443, optionally baked into an AMI.
type EC2Config struct {
	InstanceType string // x86_64 type, e.g. t3.small
	// AmiID pins the instance's image (e.g. a baked AMI); "" resolves AmiParameter.
	AmiID string
	// AmiParameter is the SSM parameter holding the AL2023 AMI id.
	AmiParameter string
	Spot         bool // one-time spot, terminate on interruption (dev only)
	RootVolumeGb int
	// TLSParameter is an SSM prefix with <prefix>/cert and <prefix>/key; "" means self-signed.
	TLSParameter string
	// BakeAmi switches on the Image Builder bake.
	BakeAmi bool
	// BakeParentAmi is the bake's starting image; "" resolves AmiParameter.
	BakeParentAmi string
	// DomainName, with the stack's domain on, is the instance's name: an
	// Elastic IP with an A record, and (without TLSParameter) an ACME
	// certificate obtained at boot by DNS-01 in HostedZoneID from AcmeServer.
	DomainName   string
	HostedZoneID string
	AcmeServer   string // ACME directory URL
	// BakedAmiParameter is the SSM parameter cmd/bake publishes a smoked AMI to
	// (/sgraph-send/<stack>/ami); when set the instance boots the AMI it holds.
	BakedAmiParameter string
}

var ec2Target = target{name: "ec2", load: loadEC2, deploy: deployEC2}

func loadEC2(r *reader, c *Config) {
	e := EC2Config{
		InstanceType:  r.str("ec2InstanceType"),
		AmiID:         r.str("ec2AmiId"),
		AmiParameter:  r.str("ec2AmiSsmParameter"),
		Spot:          r.boolean("ec2Spot"),
		RootVolumeGb:  r.integer("ec2RootVolumeGb", 8, 1024),
		TLSParameter:  r.str("ec2TlsCertificateParameter"),
		BakeAmi:       r.boolean("ec2BakeAmi"),
		BakeParentAmi: r.str("ec2BakeParentAmi"),
	}
	e.BakedAmiParameter = r.str("ec2BakedAmiParameter")
	if p := ec2.InstanceTypeProblem(e.InstanceType); p != "" {
		r.fail("ec2InstanceType", e.InstanceType, "%s", p)
	}
	if e.AmiID != "" {
		if p := ec2.AmiIDProblem(e.AmiID); p != "" {
			r.fail("ec2AmiId", e.AmiID, "%s; or set it to \"\" to use the latest AL2023 AMI", p)
		}
	}
	if e.AmiParameter != "" {
		if p := ec2.SSMPathProblem(e.AmiParameter); p != "" {
			r.fail("ec2AmiSsmParameter", e.AmiParameter, "%s, e.g. %s", p, ec2.AL2023Parameter)
		}
	}
	if e.BakedAmiParameter != "" {
		if p := ec2.SSMPathProblem(e.BakedAmiParameter); p != "" {
			r.fail("ec2BakedAmiParameter", e.BakedAmiParameter, "%s, e.g. /sgraph-send/%s/ami (what `go run ./cmd/bake -stack %s` publishes)", p, c.Stack, c.Stack)
		} else if e.AmiID != "" {
			r.fail("ec2BakedAmiParameter", e.BakedAmiParameter, "ec2AmiId %s is also set and would win silently: set only one (`pulumi config rm ec2AmiId`)", e.AmiID)
		}
	}
	if e.AmiID == "" && e.AmiParameter == "" {
		r.fail("ec2AmiId", "", "the instance has no image: set ec2AmiId to an AMI id or ec2AmiSsmParameter to %s", ec2.AL2023Parameter)
	}
	if e.Spot && c.Environment.Prod() {
		r.fail("ec2Spot", "true", "prod runs on-demand (a reclaimed spot instance is an outage): `pulumi config set ec2Spot false`")
	}
	if e.TLSParameter != "" {
		if p := ec2.SSMPathProblem(e.TLSParameter); p != "" {
			r.fail("ec2TlsCertificateParameter", e.TLSParameter, "%s; the instance reads <path>/cert and <path>/key", p)
		}
	}
	if e.BakeParentAmi != "" {
		if p := ec2.AmiIDProblem(e.BakeParentAmi); p != "" {
			r.fail("ec2BakeParentAmi", e.BakeParentAmi, "%s; or set it to \"\" to bake on the AMI from ec2AmiSsmParameter", p)
		}
	}
	// The bake always starts from a stock image, never from ec2AmiId (which is
	// usually a previous bake): with neither a parent nor a parameter there is
	// nothing to start from.
	if e.BakeAmi && e.BakeParentAmi == "" && e.AmiParameter == "" {
		r.fail("ec2BakeAmi", "true", "the bake has no source image: set ec2BakeParentAmi to an AL2023 AMI id or ec2AmiSsmParameter to %s (or `pulumi config set ec2BakeAmi false`)", ec2.AL2023Parameter)
	}
	loadEC2Domain(r, c, &e)
	validateEC2Extras(r, e) // aws_validate.go
	c.EC2 = e
}

// loadEC2Domain resolves the instance's name and ACME server, and refuses a
// prod instance without a trusted certificate.
func loadEC2Domain(r *reader, c *Config, e *EC2Config) {
	name := r.str("ec2DomainName")
	server := acmeServer(r, c.Environment.Prod(), r.str("ec2AcmeServer"))
	switch {
	case c.Domain.On():
		e.DomainName = targetName(r, c.Domain, "ec2DomainName", name, "ec2")
		e.HostedZoneID = c.Domain.HostedZoneID
		e.AcmeServer = server
		if c.Environment.Prod() && server == AcmeStaging && e.TLSParameter == "" {
			r.fail("ec2AcmeServer", "staging", "prod needs a publicly trusted certificate; staging issues untrusted ones: `pulumi config set ec2AcmeServer production` (or \"\")")
		}
	case name != "":
		r.fail("ec2DomainName", name, "a name for the instance needs domain and hostedZoneId (its record and certificate live in that zone); or set it to \"\"")
	case e.TLSParameter == "" && c.Environment.Prod():
		r.fail("domain", "", "prod EC2 would serve a self-signed certificate and the harness would send the upload token unverified. Set domain and hostedZoneId (`pulumi config set domain send.example.org`, `pulumi config set hostedZoneId Z...`: a Let's Encrypt certificate for ec2.<domain>), or ec2TlsCertificateParameter; or remove ec2 from targets")
	}
}

func deployEC2(ctx *pulumi.Context, c *Config, s *shared) (exports, error) {
	e := c.EC2
	var latest string
	if e.AmiID == "" || (e.BakeAmi && e.BakeParentAmi == "") {
		var err error
		if latest, err = ec2.LatestAmi(ctx, e.AmiParameter); err != nil {
			return nil, err
		}
	}
	ami := e.AmiID
	if ami == "" && e.BakedAmiParameter != "" {
		// The AMI cmd/bake smoked and published: no hand copy of ids.
		var err error
		if ami, err = ec2.LatestAmi(ctx, e.BakedAmiParameter); err != nil {
			return nil, err
		}
	}
	if ami == "" {
		ami = latest
		if c.Environment.Prod() {
			_ = ctx.Log.Warn("ec2: prod follows the latest AL2023 AMI, so an up after an AWS release replaces the instance; pin it with `pulumi config set ec2AmiId <ec2AmiId output>`", nil)
		}
	}
	if e.TLSParameter == "" && e.DomainName == "" {
		_ = ctx.Log.Warn("ec2: serves a self-signed certificate (ec2TlsSelfSigned); set domain and hostedZoneId for a trusted one", nil)
	}
	tags := pulumi.ToStringMap(c.Tags)
	srv, err := ec2.NewServer(ctx, c.Name("ec2"), &ec2.ServerArgs{
		Runtime:      c.runtime(appspec.Container, s.s3Storage()),
		AmiID:        ami,
		InstanceType: e.InstanceType,
		Spot:         e.Spot,
		RootVolumeGb: e.RootVolumeGb,
		Region:       c.AwsRegion,
		BucketArn:    s.BucketArn,
		SecretPrefix: "/sgraph-send/" + c.Stack + "/ec2",
		TLSParameter: e.TLSParameter,
		DomainName:   e.DomainName,
		HostedZoneID: e.HostedZoneID,
		AcmeServer:   e.AcmeServer,
		Tags:         tags,
		// The CloudWatch agent ships the app's and nginx's logs here.
		LogGroupName:     "/sgraph-send/" + c.Stack + "/ec2",
		RetainLogs:       c.Environment.Prod(),
		LogRetentionDays: c.LogRetentionDays,
	})
	if err != nil {
		return nil, err
	}
	out := exports{
		outputs.EC2URL:           srv.URL,
		outputs.EC2InstanceID:    srv.InstanceID,
		outputs.EC2AmiID:         srv.AmiID,
		outputs.EC2TLSSelfSigned: srv.TLSSelfSigned,
	}
	if e.BakeAmi {
		parent := e.BakeParentAmi
		if parent == "" {
			parent = latest
		}
		// A sibling of the server, not a child: nothing the instance needs
		// waits for an image build.
		bake, err := ec2.NewAmiBake(ctx, c.Name("ec2-bake"), &ec2.AmiBakeArgs{
			Version:      c.AppVersion,
			ParentAmi:    parent,
			InstanceType: e.InstanceType,
			RootVolumeGb: e.RootVolumeGb,
			Region:       c.AwsRegion,
			Tags:         tags,
		})
		if err != nil {
			return nil, err
		}
		out[outputs.EC2BakedAmiID] = bake.AmiID
	}
	return out, nil
}
