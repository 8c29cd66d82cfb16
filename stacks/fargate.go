package stacks

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/alarms"
	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/components/fargate"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// FargateConfig is the container app on ECS Fargate behind a load balancer.
type FargateConfig struct {
	Cpu          int  // CPU units, a Fargate size
	MemoryMb     int  // MiB, valid for Cpu
	DesiredCount int  // 0 in dev: only the load balancer costs money
	Spot         bool // FARGATE_SPOT capacity (dev only)
	// CertificateArn turns on HTTPS (and HTTP -> HTTPS redirect); empty is HTTP only.
	CertificateArn string
	// DomainName is the name the certificate covers, pointed at the ALB; the URL uses it.
	DomainName string
	// HostedZoneID, with the stack's domain on, is where the program validates
	// a certificate for DomainName and writes its alias; "" for none.
	HostedZoneID string
	// ScaleToZeroCron is an App Auto Scaling schedule (UTC) that scales to zero; empty: none.
	ScaleToZeroCron string
	// PrivateSubnetIds moves the tasks off the default subnets (no public IP).
	PrivateSubnetIds []string
}

var fargateTarget = target{name: "fargate", usesImage: true, load: loadFargate, deploy: deployFargate}

func loadFargate(r *reader, c *Config) {
	f := FargateConfig{
		Cpu:              r.integer("fargateCpu", 256, 16384),
		MemoryMb:         r.integer("fargateMemoryMb", 512, 122880),
		DesiredCount:     r.integer("fargateDesiredCount", 0, 100),
		Spot:             r.boolean("fargateSpot"),
		CertificateArn:   strings.TrimSpace(r.str("fargateCertificateArn")),
		DomainName:       strings.TrimSpace(r.str("fargateDomainName")),
		ScaleToZeroCron:  strings.TrimSpace(r.str("fargateScaleToZeroCron")),
		PrivateSubnetIds: r.list("fargatePrivateSubnetIds"),
	}
	switch {
	case fargate.ValidMemories(f.Cpu) == nil:
		r.fail("fargateCpu", itoa(f.Cpu), "not a Fargate CPU size; allowed: %s", joinInts(fargate.CPUs()))
	case !fargate.ValidSize(f.Cpu, f.MemoryMb):
		r.fail("fargateMemoryMb", itoa(f.MemoryMb), "Fargate does not accept it with fargateCpu %d; allowed fargateMemoryMb for that CPU: %s",
			f.Cpu, joinInts(fargate.ValidMemories(f.Cpu)))
	}
	if f.Spot && c.Environment.Prod() {
		r.fail("fargateSpot", "true", "prod runs on on-demand FARGATE: Spot tasks may be stopped with two minutes' notice; `pulumi config set fargateSpot false`")
	}
	if f.CertificateArn != "" && !fargate.ValidCertificateArn(f.CertificateArn) {
		r.fail("fargateCertificateArn", f.CertificateArn, "not an ACM certificate ARN: arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>, in the stack's region; empty serves HTTP only")
	}
	f.DomainName = targetName(r, c.Domain, "fargateDomainName", f.DomainName, "fargate")
	if c.Domain.On() {
		f.HostedZoneID = c.Domain.HostedZoneID
	} else if f.CertificateArn == "" && c.Environment.Prod() {
		r.fail("domain", "", "prod Fargate would serve HTTP: the upload token would cross the internet in clear. Set domain and hostedZoneId (`pulumi config set domain send.example.org`, `pulumi config set hostedZoneId Z...`: a managed certificate for fargate.<domain>), or fargateCertificateArn; or remove fargate from targets")
	}
	if f.DomainName != "" && !c.Domain.On() {
		switch {
		case !fargate.ValidDomainName(f.DomainName):
			r.fail("fargateDomainName", f.DomainName, "not a lowercase DNS name like send.example.com")
		case f.CertificateArn == "":
			r.fail("fargateDomainName", f.DomainName, "a name needs fargateCertificateArn (a certificate covering it), or set domain and hostedZoneId to have one issued")
		}
	}
	if f.ScaleToZeroCron != "" && !fargate.ValidSchedule(f.ScaleToZeroCron) {
		why := ""
		if strings.HasPrefix(f.ScaleToZeroCron, "cron(") {
			why = fargate.CronProblem(f.ScaleToZeroCron) + "; "
		}
		r.fail("fargateScaleToZeroCron", f.ScaleToZeroCron,
			"%snot an App Auto Scaling schedule: cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>) with one day field `?`, e.g. cron(0 20 * * ? *) (UTC), or rate(1 day); empty for none", why)
	}
	for _, s := range f.PrivateSubnetIds {
		if !fargate.ValidSubnetID(s) {
			r.fail("fargatePrivateSubnetIds", s, "not a subnet id like subnet-0123456789abcdef0")
		}
	}
	if n := len(f.PrivateSubnetIds); n == 1 {
		r.fail("fargatePrivateSubnetIds", f.PrivateSubnetIds[0], "give at least two subnets in different availability zones, or none")
	}
	validateFargateExtras(r, c, f) // aws_validate.go
	c.Fargate = f
}

func deployFargate(ctx *pulumi.Context, c *Config, s *shared) (exports, error) {
	f, prod := c.Fargate, c.Environment.Prod()
	drain := 15
	if prod {
		drain = 30
	}
	svc, err := fargate.NewService(ctx, c.Name("fargate"), &fargate.ServiceArgs{
		Name:                       c.Name(),
		ParameterPath:              "/" + Namespace + "/" + c.Stack + "/fargate",
		Region:                     c.AwsRegion,
		Image:                      s.ImageRef,
		Runtime:                    c.runtime(appspec.Container, s.s3Storage()),
		Cpu:                        f.Cpu,
		Memory:                     f.MemoryMb,
		DesiredCount:               f.DesiredCount,
		Spot:                       f.Spot,
		ContainerInsights:          prod,
		WaitForSteadyState:         prod,
		Destroyable:                !prod,
		RetainLogs:                 prod,
		CertificateArn:             f.CertificateArn,
		DomainName:                 f.DomainName,
		HostedZoneID:               f.HostedZoneID,
		TaskSubnetIds:              f.PrivateSubnetIds,
		BucketArn:                  s.BucketArn,
		LogRetentionDays:           c.LogRetentionDays,
		DeregistrationDelaySeconds: drain,
		HealthCheckGraceSeconds:    60,
		ScaleToZeroSchedule:        f.ScaleToZeroCron,
		Tags:                       pulumi.ToStringMap(c.Tags),
		RollbackTaskDefinition:     c.Rollback.FargateTaskDefinition,
	})
	if err != nil {
		return nil, err
	}
	s.watch.alb = &alarms.Alb{LoadBalancer: svc.LoadBalancerArnSuffix, TargetGroup: svc.TargetGroupArnSuffix}
	return exports{
		// http:// when no certificate is configured (the dev default).
		outputs.FargateURL:            svc.URL,
		outputs.FargateClusterName:    svc.ClusterName,
		outputs.FargateServiceName:    svc.ServiceName,
		outputs.FargateDesiredCount:   svc.DesiredCount,
		outputs.FargateTaskDefinition: svc.TaskDefinition,
	}, nil
}
