// Package ec2 runs SGraph Send on one Amazon Linux 2023 instance: the pinned
// sgraph-ai-app-send version installed with pip into a virtualenv, uvicorn under
// systemd as a non-root user, nginx terminating TLS on 443. The install script
// (install.sh) is the single source of how the app is installed: the instance's
// user data runs it, and the optional EC2 Image Builder bake (bake.go) runs the
// same script so a baked AMI equals a user-data instance.
package ec2

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// ServerArgs configures one instance. Everything is plain except the bucket and
// the app environment, which come from other resources.
type ServerArgs struct {
	// Runtime is the app to run; only appspec.Container is served on EC2 (the
	// container app entry point serves the user API and UI). Env is written
	// into the systemd unit; SecretEnv values go to SSM SecureString
	// parameters that the instance reads at start: never into user data.
	Runtime appspec.Runtime
	// AmiID is the image the instance boots: the AL2023 AMI or a baked one.
	AmiID string
	// InstanceType must be an x86_64 type such as t3.small.
	InstanceType string
	// Spot runs a one-time spot instance that terminates on interruption.
	Spot bool
	// RootVolumeGb is the size of the encrypted gp3 root volume.
	RootVolumeGb int
	// Region is where the instance runs (the AWS CLI and boto3 need it).
	Region string
	// BucketArn is the environment's bucket; the instance gets object access to it only.
	BucketArn pulumi.StringInput
	// SecretPrefix is the SSM path the secret parameters live under, e.g.
	// /sgraph-send/dev/ec2; each secret is <prefix>/<ENV_NAME>.
	SecretPrefix string
	// TLSParameter, when set, is an SSM path holding <path>/cert and <path>/key
	// (PEM); empty means a self-signed certificate generated at boot.
	TLSParameter string
	// DomainName, with HostedZoneID, is the instance's name: an Elastic IP
	// and an A record in the zone, and (without TLSParameter) a certificate
	// obtained at boot by ACME DNS-01 from AcmeServer (acme.go). Empty: the
	// instance's public DNS name and a self-signed certificate.
	DomainName   string
	HostedZoneID string
	AcmeServer   string // ACME directory URL, e.g. AcmeProduction
	// Tags are applied to every taggable resource (and the root volume).
	Tags pulumi.StringMap
	// LogGroupName, when set, is a CloudWatch log group (created here, kept
	// LogRetentionDays) the instance's CloudWatch agent ships the app's
	// journal and nginx's access and error logs to (see logs.go).
	LogGroupName string
	// RetainLogs keeps the log group through `pulumi destroy` (protect +
	// retainOnDelete), as prod keeps every log group.
	RetainLogs       bool
	LogRetentionDays int
}

// Server is the instance and what it needs: security group, instance profile
// and secret parameters.
type Server struct {
	pulumi.ResourceState

	URL           pulumi.StringOutput `pulumi:"url"` // https://<public dns>
	InstanceID    pulumi.StringOutput `pulumi:"instanceId"`
	PublicDNS     pulumi.StringOutput `pulumi:"publicDns"`
	AmiID         pulumi.StringOutput `pulumi:"amiId"`
	TLSSelfSigned pulumi.BoolOutput   `pulumi:"tlsSelfSigned"`
}

// NewServer creates the instance. It validates every argument first and
// registers nothing when one is wrong.
func NewServer(ctx *pulumi.Context, name string, args *ServerArgs, opts ...pulumi.ResourceOption) (*Server, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	vpcID, subnetID, err := defaultSubnet(ctx)
	if err != nil {
		return nil, err
	}
	s := &Server{}
	if err := ctx.RegisterComponentResource("sgraph-send:ec2:Server", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)

	params, err := newSecretParameters(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}
	sg, err := newSecurityGroup(ctx, name, vpcID, args.Tags, parent)
	if err != nil {
		return nil, err
	}
	profile, err := newServerProfile(ctx, name, args, params, parent)
	if err != nil {
		return nil, err
	}
	if _, err := newLogShipping(ctx, name, args, profile, parent); err != nil {
		return nil, err
	}
	userData := renderUserData(args.script(params))
	inst, err := newInstance(ctx, name, args, instanceDeps{
		subnetID: subnetID, securityGroupID: sg.ID(), profileName: profile.Name, userData: userData,
	}, parent)
	if err != nil {
		return nil, err
	}

	s.InstanceID = inst.ID().ToStringOutput()
	s.PublicDNS = inst.PublicDns
	s.URL = inst.PublicDns.ApplyT(func(dns string) string { return "https://" + dns }).(pulumi.StringOutput)
	if args.DomainName != "" {
		if _, err := newAddress(ctx, name, args, inst, parent); err != nil {
			return nil, err
		}
		s.URL = pulumi.String("https://" + args.DomainName).ToStringOutput()
	}
	s.AmiID = inst.Ami
	s.TLSSelfSigned = pulumi.Bool(args.untrusted()).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url": s.URL, "instanceId": s.InstanceID, "publicDns": s.PublicDNS,
		"amiId": s.AmiID, "tlsSelfSigned": s.TLSSelfSigned,
	}); err != nil {
		return nil, err
	}
	return s, nil
}

var (
	amiPattern     = regexp.MustCompile(`^ami-[0-9a-f]{8,17}$`)
	versionPattern = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	// family letters, generation digits, optional attributes, dot, size.
	instanceTypePattern = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z0-9-]*)\.(nano|micro|small|medium|large|[0-9]*xlarge|metal(-[0-9]+xl)?)$`)
	envNamePattern      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	headerPattern       = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	ssmPathPattern      = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)
)

// AmiIDProblem says what is wrong with an AMI id, or "" when it is well formed.
func AmiIDProblem(id string) string {
	if amiPattern.MatchString(id) {
		return ""
	}
	return "must be an AMI id like ami-0abcdef1234567890 (ami- and 8 to 17 lowercase hex digits)"
}

// InstanceTypeProblem says what is wrong with an instance type, or "" when it
// is an x86_64 type in the usual format (t3.small, m7i.large, c6in.2xlarge).
func InstanceTypeProblem(t string) string {
	m := instanceTypePattern.FindStringSubmatch(t)
	if m == nil {
		return "must be an EC2 instance type like t3.small or m7i.large (family letters, generation digit, optional attributes, dot, size)"
	}
	// Graviton types carry a "g" attribute (t4g, m7g, c6gn, im4gn) or are
	// the first Graviton, a1: they cannot boot the x86_64 AL2023 AMI this
	// target installs on.
	if strings.Contains(m[3], "g") || (m[1] == "a" && m[2] == "1") {
		return "is an arm64 (Graviton) type; the instance runs the x86_64 AL2023 AMI, so pick an x86_64 type like t3.small or m7i.large"
	}
	// mac1 is x86_64 and mac2 arm64, and both need a dedicated host and a macOS image.
	if m[1] == "mac" {
		return "is a Mac type (dedicated host, macOS image); pick a Linux x86_64 type like t3.small or m7i.large"
	}
	return ""
}

// SSMPathProblem says what is wrong with an SSM parameter path, or "".
func SSMPathProblem(p string) string {
	if ssmPathPattern.MatchString(p) && len(p) <= 1011 {
		return ""
	}
	return "must be an absolute SSM parameter path like /sgraph-send/prod/tls (letters, digits, _ . -)"
}

func (a *ServerArgs) validate() error {
	if a == nil {
		return errors.New("ec2: ServerArgs is required")
	}
	var problems []string
	add := func(field, value, problem string) {
		if problem != "" {
			problems = append(problems, fmt.Sprintf("%s %q %s", field, value, problem))
		}
	}
	if a.Runtime.Mode != appspec.Container {
		problems = append(problems, fmt.Sprintf("Runtime.Mode %q: EC2 serves only the container app entry point", a.Runtime.Mode))
	}
	if !versionPattern.MatchString(a.Runtime.Version) {
		problems = append(problems, fmt.Sprintf("Runtime.Version %q must be an exact version like 0.27.6", a.Runtime.Version))
	}
	if a.Runtime.Port < 1024 || a.Runtime.Port > 65535 {
		problems = append(problems, fmt.Sprintf("Runtime.Port %d must be 1024..65535 (uvicorn runs unprivileged behind nginx)", a.Runtime.Port))
	}
	if !strings.HasPrefix(a.Runtime.HealthPath, "/") {
		problems = append(problems, fmt.Sprintf("Runtime.HealthPath %q must start with /", a.Runtime.HealthPath))
	}
	for _, h := range a.Runtime.HealthAuth {
		if _, secret := a.Runtime.SecretEnv[h.Env]; !secret || !headerPattern.MatchString(h.Header) {
			problems = append(problems, fmt.Sprintf("Runtime.HealthAuth %q from %q must be a header name and one of the secret variables", h.Header, h.Env))
		}
	}
	for _, r := range a.Runtime.UI.Redirects() {
		if !appspec.SafePath(r.From) || !appspec.SafePath(r.To) {
			problems = append(problems, fmt.Sprintf("Runtime.UI %s redirect %q -> %q: paths of letters, digits and . _ ~ - / only", r.Name, r.From, r.To))
		}
	}
	for _, k := range append(sortedKeys(a.Runtime.Env), sortedKeys(a.Runtime.SecretEnv)...) {
		if !envNamePattern.MatchString(k) {
			problems = append(problems, fmt.Sprintf("environment variable name %q is not a shell name", k))
		}
	}
	add("AmiID", a.AmiID, AmiIDProblem(a.AmiID))
	add("InstanceType", a.InstanceType, InstanceTypeProblem(a.InstanceType))
	if a.RootVolumeGb < 8 || a.RootVolumeGb > 16384 {
		problems = append(problems, fmt.Sprintf("RootVolumeGb %d must be 8..16384 (the AL2023 snapshot is 8 GiB)", a.RootVolumeGb))
	}
	if a.Region == "" {
		problems = append(problems, "Region is required")
	}
	if a.BucketArn == nil {
		problems = append(problems, "BucketArn is required")
	}
	add("SecretPrefix", a.SecretPrefix, SSMPathProblem(a.SecretPrefix))
	if a.TLSParameter != "" {
		add("TLSParameter", a.TLSParameter, SSMPathProblem(a.TLSParameter))
	}
	problems = append(problems, a.domainProblems()...)
	if len(problems) > 0 {
		return errors.New("ec2: " + strings.Join(problems, "; "))
	}
	return nil
}

func sortedKeys(m pulumi.StringMap) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// partition is the ARN partition of a region, for the AWS managed policies.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}
