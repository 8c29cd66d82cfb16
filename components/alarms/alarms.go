package alarms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Thresholds are when each alarm fires. Every field must be positive.
type Thresholds struct {
	PeriodSeconds     int // every CloudWatch alarm's period (a multiple of 60)
	EvaluationPeriods int // periods in breach before firing
	LambdaErrors      int // Errors (Sum) per period, per function
	LambdaThrottles   int // Throttles (Sum) per period, per function
	Alb5xx            int // ELB 5xx + target 5xx (Sum) per period
	AlbUnhealthyHosts int // UnHealthyHostCount (Maximum)
	// UptimePeriodSeconds is the Cloud Run uptime check interval: 60, 300, 600 or 900.
	UptimePeriodSeconds int
}

// Alb names one load balancer and its target group by ARN suffix, the form
// CloudWatch's dimensions use (app/<name>/<id>, targetgroup/<name>/<id>).
type Alb struct {
	LoadBalancer pulumi.StringInput
	TargetGroup  pulumi.StringInput
}

// Ecs is a service whose running task count must not fall below Desired. It
// reads Container Insights' RunningTaskCount, so the cluster needs it on.
type Ecs struct {
	Cluster pulumi.StringInput
	Service pulumi.StringInput
	Desired int
}

// Ec2 is one instance. Recover adds the EC2 recover action, which AWS supports
// for on-demand instances only (not spot).
type Ec2 struct {
	InstanceID pulumi.StringInput
	Recover    bool
}

// CloudRun is a public Cloud Run service checked from the internet.
type CloudRun struct {
	Project string
	Host    pulumi.StringInput // service host name, no scheme
	Path    string             // GET route answering 200
}

// AlarmsArgs lists what to watch; nil or empty fields watch nothing.
type AlarmsArgs struct {
	// Prefix starts every alarm name, e.g. sgraph-send-prod.
	Prefix string
	// TopicArn receives alarm and OK notifications.
	TopicArn pulumi.StringInput
	// Partition and Region build the EC2 recover action's ARN.
	Partition, Region string
	Thresholds        Thresholds
	LambdaFunctions   []pulumi.StringInput
	Alb               *Alb
	Ecs               *Ecs
	Ec2               *Ec2
	CloudRun          *CloudRun
	// AlertEmail, when set, is the GCP alert policy's email channel (GCP
	// cannot publish to SNS).
	AlertEmail string
	Tags       pulumi.StringMap
	Labels     pulumi.StringMap
}

// Alarms is every alarm of one environment.
type Alarms struct {
	pulumi.ResourceState

	// AlarmNames are the CloudWatch alarm names, sorted by creation order.
	AlarmNames pulumi.StringArrayOutput `pulumi:"alarmNames"`
	// UptimeCheckID is the Cloud Run uptime check's id ("" without one).
	UptimeCheckID pulumi.StringOutput `pulumi:"uptimeCheckId"`
}

func (a *AlarmsArgs) validate() error {
	if a == nil {
		return errors.New("alarms: AlarmsArgs is required")
	}
	var problems []string
	if a.Prefix == "" {
		problems = append(problems, "Prefix is required")
	}
	if a.TopicArn == nil {
		problems = append(problems, "TopicArn is required")
	}
	t := a.Thresholds
	for name, v := range map[string]int{"PeriodSeconds": t.PeriodSeconds, "EvaluationPeriods": t.EvaluationPeriods,
		"LambdaErrors": t.LambdaErrors, "LambdaThrottles": t.LambdaThrottles, "Alb5xx": t.Alb5xx, "AlbUnhealthyHosts": t.AlbUnhealthyHosts} {
		if v < 1 {
			problems = append(problems, fmt.Sprintf("Thresholds.%s %d must be positive", name, v))
		}
	}
	if t.PeriodSeconds%60 != 0 {
		problems = append(problems, fmt.Sprintf("Thresholds.PeriodSeconds %d must be a multiple of 60", t.PeriodSeconds))
	}
	if a.Ec2 != nil && a.Ec2.Recover && (a.Partition == "" || a.Region == "") {
		problems = append(problems, "Partition and Region are required for the EC2 recover action")
	}
	if a.CloudRun != nil {
		switch t.UptimePeriodSeconds {
		case 60, 300, 600, 900:
		default:
			problems = append(problems, fmt.Sprintf("Thresholds.UptimePeriodSeconds %d must be 60, 300, 600 or 900", t.UptimePeriodSeconds))
		}
		if a.CloudRun.Project == "" || a.CloudRun.Host == nil || !strings.HasPrefix(a.CloudRun.Path, "/") {
			problems = append(problems, "CloudRun needs Project, Host and a Path starting with /")
		}
	}
	if len(problems) > 0 {
		return errors.New("alarms: " + strings.Join(problems, "; "))
	}
	return nil
}

// NewAlarms validates args, then creates one alarm per watched signal.
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) (*Alarms, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	al := &Alarms{}
	if err := ctx.RegisterComponentResource("sgraph-send:alarms:Alarms", name, al, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, parent: pulumi.Parent(al)}
	t := args.Thresholds
	for i, fn := range args.LambdaFunctions {
		dims := pulumi.StringMap{"FunctionName": fn}
		b.alarm(fmt.Sprintf("lambda%d-errors", i), spec{name: pulumi.Sprintf("%s-errors", fn), ns: "AWS/Lambda", metric: "Errors", stat: "Sum", dims: dims,
			threshold: t.LambdaErrors, what: "Lambda function errors"})
		b.alarm(fmt.Sprintf("lambda%d-throttles", i), spec{name: pulumi.Sprintf("%s-throttles", fn), ns: "AWS/Lambda", metric: "Throttles", stat: "Sum", dims: dims,
			threshold: t.LambdaThrottles, what: "Lambda invocations throttled (reserved concurrency or account limit reached)"})
	}
	if args.Alb != nil {
		lbOnly := pulumi.StringMap{"LoadBalancer": args.Alb.LoadBalancer}
		b.alarm("alb-elb-5xx", spec{ns: "AWS/ApplicationELB", metric: "HTTPCode_ELB_5XX_Count", stat: "Sum", dims: lbOnly,
			threshold: t.Alb5xx, what: "5xx answered by the load balancer itself (no healthy target, target timeouts)"})
		b.alarm("alb-target-5xx", spec{ns: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", stat: "Sum", dims: lbOnly,
			threshold: t.Alb5xx, what: "5xx answered by the app behind the load balancer"})
		b.alarm("alb-unhealthy-hosts", spec{ns: "AWS/ApplicationELB", metric: "UnHealthyHostCount", stat: "Maximum",
			dims:      pulumi.StringMap{"LoadBalancer": args.Alb.LoadBalancer, "TargetGroup": args.Alb.TargetGroup},
			threshold: t.AlbUnhealthyHosts, what: "targets failing the load balancer's health check"})
	}
	if args.Ecs != nil && args.Ecs.Desired > 0 {
		b.alarm("ecs-running-below-desired", spec{ns: "ECS/ContainerInsights", metric: "RunningTaskCount", stat: "Minimum",
			dims:      pulumi.StringMap{"ClusterName": args.Ecs.Cluster, "ServiceName": args.Ecs.Service},
			threshold: args.Ecs.Desired, below: true, missingBreaches: true,
			what: fmt.Sprintf("fewer than %d running tasks (the desired count)", args.Ecs.Desired)})
	}
	if args.Ec2 != nil {
		s := spec{ns: "AWS/EC2", metric: "StatusCheckFailed_System", stat: "Maximum",
			dims: pulumi.StringMap{"InstanceId": args.Ec2.InstanceID}, threshold: 1, missingBreaches: false,
			what: "EC2 system status check failed (host or network problem)"}
		if args.Ec2.Recover {
			// Recovery moves the instance to healthy hardware, keeping its
			// id, private IP, EBS volumes and instance metadata.
			s.extraActions = []string{fmt.Sprintf("arn:%s:automate:%s:ec2:recover", args.Partition, args.Region)}
			s.what += "; the instance is recovered onto healthy hardware"
		}
		b.alarm("ec2-status-check", s)
	}
	if b.err != nil {
		return nil, b.err
	}
	al.UptimeCheckID = pulumi.String("").ToStringOutput()
	if args.CloudRun != nil {
		id, err := uptimeCheck(ctx, name, args, b.parent)
		if err != nil {
			return nil, err
		}
		al.UptimeCheckID = id
	}
	al.AlarmNames = pulumi.ToStringArrayOutput(b.names)
	if err := ctx.RegisterResourceOutputs(al, pulumi.Map{"alarmNames": al.AlarmNames, "uptimeCheckId": al.UptimeCheckID}); err != nil {
		return nil, err
	}
	return al, nil
}

// spec is one CloudWatch alarm.
type spec struct {
	name             pulumi.StringInput // alarm name; default Prefix-suffix
	ns, metric, stat string
	dims             pulumi.StringMap
	threshold        int
	below            bool // fire below the threshold instead of at or above it
	// missingBreaches treats no data as breaching (a service with no running
	// task publishes no RunningTaskCount at all).
	missingBreaches bool
	extraActions    []string
	what            string
}

type builder struct {
	ctx    *pulumi.Context
	name   string
	args   *AlarmsArgs
	parent pulumi.ResourceOption
	names  []pulumi.StringOutput
	err    error
}

func (b *builder) alarm(suffix string, s spec) {
	if b.err != nil {
		return
	}
	t := b.args.Thresholds
	op := "GreaterThanOrEqualToThreshold"
	if s.below {
		op = "LessThanThreshold"
	}
	missing := "notBreaching" // no traffic is not an outage
	if s.missingBreaches {
		missing = "breaching"
	}
	actions := pulumi.Array{b.args.TopicArn}
	for _, a := range s.extraActions {
		actions = append(actions, pulumi.String(a))
	}
	var alarmName pulumi.StringInput = pulumi.String(b.args.Prefix + "-" + suffix)
	if s.name != nil {
		alarmName = s.name // named after the function it watches
	}
	a, err := cloudwatch.NewMetricAlarm(b.ctx, b.name+"-"+suffix, &cloudwatch.MetricAlarmArgs{
		Name:               alarmName,
		AlarmDescription:   pulumi.String(s.what),
		Namespace:          pulumi.String(s.ns),
		MetricName:         pulumi.String(s.metric),
		Statistic:          pulumi.String(s.stat),
		Dimensions:         s.dims,
		Period:             pulumi.Int(t.PeriodSeconds),
		EvaluationPeriods:  pulumi.Int(t.EvaluationPeriods),
		Threshold:          pulumi.Float64(float64(s.threshold)),
		ComparisonOperator: pulumi.String(op),
		TreatMissingData:   pulumi.String(missing),
		AlarmActions:       actions,
		OkActions:          pulumi.Array{b.args.TopicArn},
		Tags:               b.args.Tags,
	}, b.parent)
	if err != nil {
		b.err = err
		return
	}
	b.names = append(b.names, a.Name)
}
