// Package fargate runs the container app on ECS Fargate behind an application
// load balancer: cheap in dev (no NAT gateway, Spot, zero tasks by default),
// safe in prod (circuit breaker with rollback, wait for steady state).
//
// One file per concern: network.go (VPC, subnets, security groups),
// loadbalancer.go (ALB, target group, listeners), uirules.go (redirects of
// the app's broken UI paths), roles.go (execution and
// task roles), taskdef.go (log group, SSM secrets, task definition),
// service.go (cluster, capacity providers, service), schedule.go (scheduled
// scale-to-zero), sizes.go (the CPU/memory pairs Fargate accepts).
package fargate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// ServiceArgs configures the Fargate service. Zero values of the booleans are
// the cheap dev posture.
type ServiceArgs struct {
	// Name is the physical base name: the cluster, the service and the load
	// balancer (its first 32 characters) are called this, the log group
	// /ecs/<Name>. E.g. sgraph-send-dev.
	Name string
	// ParameterPath is the SSM Parameter Store path the secrets are stored
	// under, e.g. /sgraph-send/dev/fargate (one SecureString per variable).
	ParameterPath string
	// Region is the AWS region, for the awslogs driver.
	Region string
	// Image is the container image in digest form (repo@sha256:...).
	Image pulumi.StringInput
	// Runtime is the app process: port, health path, plain and secret env.
	Runtime appspec.Runtime
	// Cpu (units) and Memory (MiB) must be a pair Fargate accepts (see ValidMemories).
	Cpu, Memory int
	// DesiredCount is the number of tasks, 0..100. 0 leaves only the ALB running.
	DesiredCount int
	// Spot runs the tasks on FARGATE_SPOT (cheaper, may be interrupted): dev only.
	Spot bool
	// ContainerInsights turns on CloudWatch Container Insights (billed per metric).
	ContainerInsights bool
	// WaitForSteadyState makes `pulumi up` wait until the new tasks are healthy,
	// so a bad image fails the deployment instead of "succeeding".
	WaitForSteadyState bool
	// Destroyable lets `pulumi destroy` delete the service without first
	// draining it to zero tasks (dev).
	Destroyable bool
	// RetainLogs keeps the log group through `pulumi destroy` (protect +
	// retainOnDelete): prod's logs are evidence. Its retention still expires them.
	RetainLogs bool
	// CertificateArn is an ACM certificate for the HTTPS listener; empty means
	// HTTP only (the URL is then http://).
	CertificateArn string
	// DomainName is the DNS name the certificate covers and that points (CNAME
	// or alias) at the load balancer; the URL uses it. Needs CertificateArn or
	// HostedZoneID.
	DomainName string
	// HostedZoneID, with DomainName, is the Route 53 zone holding it: the
	// service gets an alias A record there and, without CertificateArn, an
	// ACM certificate validated by DNS in it (certificate.go).
	HostedZoneID string
	// TaskSubnetIds, when set, places the tasks in these (private) subnets of
	// the default VPC without public IPs: they then need a NAT gateway or VPC
	// endpoints for ECR, S3, SSM and CloudWatch Logs. Empty: the default subnets
	// with a public IP, no NAT gateway.
	TaskSubnetIds []string
	// BucketArn is the environment's storage bucket; the task role gets object
	// access to it and nothing else.
	BucketArn pulumi.StringInput
	// LogRetentionDays is the retention of the container log group.
	LogRetentionDays int
	// DeregistrationDelaySeconds is how long the ALB drains a stopping task
	// (short: uploads are small requests). Default 15.
	DeregistrationDelaySeconds int
	// HealthCheckGraceSeconds is how long ECS ignores ALB health checks of a new task. Default 60.
	HealthCheckGraceSeconds int
	// ScaleToZeroSchedule, when set, is an App Auto Scaling schedule (cron(...),
	// rate(...) or at(...), UTC) at which the service is scaled to zero.
	ScaleToZeroSchedule string
	// Tags are applied to every taggable resource.
	Tags pulumi.StringMap
	// RollbackTaskDefinition, when set (family:revision), points the service at
	// that earlier task definition revision instead of this deploy's: a rollback
	// changes the service's taskDefinition only (the circuit breaker stays).
	RollbackTaskDefinition string
}

// Service is an ECS Fargate service behind an application load balancer.
type Service struct {
	pulumi.ResourceState

	URL          pulumi.StringOutput `pulumi:"url"` // http:// without a certificate
	ClusterName  pulumi.StringOutput `pulumi:"clusterName"`
	ServiceName  pulumi.StringOutput `pulumi:"serviceName"`
	DesiredCount pulumi.IntOutput    `pulumi:"desiredCount"`
	DNSName      pulumi.StringOutput `pulumi:"dnsName"` // the load balancer's
	// LoadBalancerArnSuffix and TargetGroupArnSuffix are the CloudWatch
	// dimension values of the load balancer and its target group (alarms).
	LoadBalancerArnSuffix pulumi.StringOutput `pulumi:"loadBalancerArnSuffix"`
	TargetGroupArnSuffix  pulumi.StringOutput `pulumi:"targetGroupArnSuffix"`
	// TaskDefinition is the family:revision the service runs.
	TaskDefinition pulumi.StringOutput `pulumi:"taskDefinition"`
}

// containerName is the one container of the task.
const containerName = "app"

// TLSPolicy is the ALB security policy of the HTTPS listener: TLS 1.3 and 1.2
// with forward-secret ciphers only.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// HSTS is the Strict-Transport-Security value of the HTTPS listener: one
// year, this name only (the domain's other names are not ours to pin). EC2's
// nginx sends the same (components/ec2/install.sh).
const HSTS = "max-age=31536000"

var (
	certificateArn = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	cronSchedule   = regexp.MustCompile(`^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$`)
	rateSchedule   = regexp.MustCompile(`^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$`)
	atSchedule     = regexp.MustCompile(`^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$`)
	subnetID       = regexp.MustCompile(`^subnet-([0-9a-f]{8}|[0-9a-f]{17})$`)
	// The last label is a TLD: letters, or an IDN TLD in punycode (xn--p1ai),
	// the same rule as the stack's domain check (stacks/domain.go).
	domainName   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$`)
	hostedZone   = regexp.MustCompile(`^Z[0-9A-Z]{1,31}$`)
	headerName   = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	envName      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	physicalName = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,198}[a-zA-Z0-9])?$`)
)

// ValidCertificateArn reports whether s looks like an ACM certificate ARN,
// arn:aws:acm:<region>:<12 digits>:certificate/<uuid>.
func ValidCertificateArn(s string) bool { return certificateArn.MatchString(s) }

// ValidSchedule reports whether s is an App Auto Scaling schedule expression:
// cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>) with one of
// the two day fields "?", rate(<n> <unit>), or at(yyyy-mm-ddThh:mm:ss).
func ValidSchedule(s string) bool {
	switch {
	case rateSchedule.MatchString(s):
		return true
	case atSchedule.MatchString(s):
		// A real calendar time: at(2020-13-45T99:99:99) matches the shape.
		_, err := time.Parse("2006-01-02T15:04:05", atSchedule.FindStringSubmatch(s)[1])
		return err == nil
	case cronSchedule.MatchString(s):
		return CronProblem(s) == "" // cron.go: field by field
	}
	return false
}

// ValidSubnetID reports whether s looks like a subnet id.
func ValidSubnetID(s string) bool { return subnetID.MatchString(s) }

// ValidDomainName reports whether s is a lowercase DNS name.
func ValidDomainName(s string) bool { return len(s) <= 253 && domainName.MatchString(s) }

func (a *ServiceArgs) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !physicalName.MatchString(a.Name) {
		bad("Name %q must be 1-200 letters, digits and hyphens, not starting or ending with one", a.Name)
	}
	if !strings.HasPrefix(a.ParameterPath, "/") || strings.HasSuffix(a.ParameterPath, "/") {
		bad("ParameterPath %q must start with / and not end with /", a.ParameterPath)
	}
	if a.Region == "" {
		bad("Region is required (awslogs needs it)")
	}
	if a.RollbackTaskDefinition != "" && !ValidTaskDefinition(a.Name, a.RollbackTaskDefinition) {
		bad("RollbackTaskDefinition %q is not a revision of family %s (%s:<revision>)", a.RollbackTaskDefinition, a.Name, a.Name)
	}
	if a.Image == nil {
		bad("Image is required")
	}
	if a.BucketArn == nil {
		bad("BucketArn is required")
	}
	if !ValidSize(a.Cpu, a.Memory) {
		bad("Cpu %d / Memory %d is not a Fargate size; with Cpu %d Memory may be %v", a.Cpu, a.Memory, a.Cpu, ValidMemories(a.Cpu))
	}
	if a.DesiredCount < 0 || a.DesiredCount > 100 {
		bad("DesiredCount %d must be 0..100", a.DesiredCount)
	}
	if a.Runtime.Port < 1 || a.Runtime.Port > 65535 {
		bad("Runtime.Port %d must be 1..65535", a.Runtime.Port)
	}
	if !strings.HasPrefix(a.Runtime.HealthPath, "/") || strings.ContainsAny(a.Runtime.HealthPath, `'"\ `) {
		bad("Runtime.HealthPath %q must start with / and hold no quotes or spaces", a.Runtime.HealthPath)
	}
	if !appspec.SafePath(a.Runtime.ProbePath) {
		bad("Runtime.ProbePath %q must be a path of letters, digits and . _ ~ - / (the ALB health check path)", a.Runtime.ProbePath)
	}
	for _, h := range a.Runtime.HealthAuth {
		if !headerName.MatchString(h.Header) || !envName.MatchString(h.Env) {
			bad("Runtime.HealthAuth %q from %q must be a header name and an environment variable name", h.Header, h.Env)
		}
	}
	if a.LogRetentionDays <= 0 {
		bad("LogRetentionDays must be positive: container logs never live forever")
	}
	if a.CertificateArn != "" && !ValidCertificateArn(a.CertificateArn) {
		bad("CertificateArn %q is not an ACM certificate ARN", a.CertificateArn)
	}
	if a.DomainName != "" && ((a.CertificateArn == "" && a.HostedZoneID == "") || !ValidDomainName(a.DomainName)) {
		bad("DomainName %q must be a DNS name and needs CertificateArn or HostedZoneID", a.DomainName)
	}
	if a.HostedZoneID != "" && (a.DomainName == "" || !hostedZone.MatchString(a.HostedZoneID)) {
		bad("HostedZoneID %q must be a Route 53 zone id (Z...) and needs DomainName", a.HostedZoneID)
	}
	if a.ScaleToZeroSchedule != "" && !ValidSchedule(a.ScaleToZeroSchedule) {
		bad("ScaleToZeroSchedule %q is not a cron(...), rate(...) or at(...) expression", a.ScaleToZeroSchedule)
	}
	for _, s := range a.TaskSubnetIds {
		if !ValidSubnetID(s) {
			bad("TaskSubnetIds: %q is not a subnet id", s)
		}
	}
	for k := range a.Runtime.SecretEnv {
		if _, plain := a.Runtime.Env[k]; plain {
			bad("%s is both a plain and a secret variable", k)
		}
	}
	if a.DeregistrationDelaySeconds < 0 || a.DeregistrationDelaySeconds > 3600 {
		bad("DeregistrationDelaySeconds must be 0..3600")
	}
	if a.HealthCheckGraceSeconds < 0 || a.HealthCheckGraceSeconds > 2147483647 {
		bad("HealthCheckGraceSeconds must not be negative")
	}
	return errors.Join(errs...)
}

// NewService creates the cluster, load balancer, roles, task definition and
// service, and the optional scale-to-zero schedule.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		return nil, errors.New("fargate: ServiceArgs is required")
	}
	a := *args
	if a.DeregistrationDelaySeconds == 0 {
		a.DeregistrationDelaySeconds = 15
	}
	if a.HealthCheckGraceSeconds == 0 {
		a.HealthCheckGraceSeconds = 60
	}
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("fargate: %w", err)
	}
	svc := &Service{}
	if err := ctx.RegisterComponentResource("sgraph-send:fargate:Service", name, svc, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(svc)

	net, err := newNetwork(ctx, name, &a, parent)
	if err != nil {
		return nil, err
	}
	lb, err := newLoadBalancer(ctx, name, &a, net, parent)
	if err != nil {
		return nil, err
	}
	secrets, err := newSecretParameters(ctx, name, &a, parent)
	if err != nil {
		return nil, err
	}
	roles, err := newRoles(ctx, name, &a, secrets, parent)
	if err != nil {
		return nil, err
	}
	td, err := newTaskDefinition(ctx, name, &a, roles, secrets, parent)
	if err != nil {
		return nil, err
	}
	ecsSvc, err := newECSService(ctx, name, &a, net, lb, td, roles, parent)
	if err != nil {
		return nil, err
	}
	if a.ScaleToZeroSchedule != "" {
		if err := newScaleToZero(ctx, name, &a, ecsSvc, parent); err != nil {
			return nil, err
		}
	}

	svc.URL = lb.url
	svc.DNSName = lb.alb.DnsName
	svc.ClusterName = ecsSvc.cluster.Name
	svc.ServiceName = ecsSvc.service.Name
	svc.DesiredCount = pulumi.Int(a.DesiredCount).ToIntOutput()
	svc.LoadBalancerArnSuffix = lb.alb.ArnSuffix
	svc.TargetGroupArnSuffix = lb.group.ArnSuffix
	svc.TaskDefinition = ecsSvc.service.TaskDefinition.Elem().ApplyT(familyRevision).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(svc, pulumi.Map{
		"taskDefinition":        svc.TaskDefinition,
		"loadBalancerArnSuffix": svc.LoadBalancerArnSuffix,
		"targetGroupArnSuffix":  svc.TargetGroupArnSuffix,
		"url":                   svc.URL,
		"dnsName":               svc.DNSName,
		"clusterName":           svc.ClusterName,
		"serviceName":           svc.ServiceName,
		"desiredCount":          svc.DesiredCount,
	}); err != nil {
		return nil, err
	}
	return svc, nil
}

// fit shortens a logical name so the provider's autoname (name + "-" + 7
// random characters) stays within max characters.
func fit(name string, max int) string {
	if limit := max - 8; len(name) > limit {
		name = strings.TrimRight(name[:limit], "-")
	}
	return name
}
