package stacks

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/alarms"
	"github.com/sgraph-ai/sgraph-send-infra/components/budget"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// watched is what targets hand the alarms that their exports do not carry.
type watched struct {
	alb *alarms.Alb // set by the fargate target
}

// deployOps runs after every target: the alert topic, the alarms on what the
// targets exported, and the budget. The topic and the budget exist in every
// stack; the alarms only when alarmsEnabled.
func deployOps(ctx *pulumi.Context, c *Config, s *shared, ex exports) error {
	o := c.Ops
	tags := pulumi.ToStringMap(c.Tags)
	topic, err := alarms.NewTopic(ctx, c.Name("alerts"), &alarms.TopicArgs{
		Name: c.Name("alerts"), Email: o.AlertEmail, Retain: c.Environment.Prod(), Tags: tags,
	})
	if err != nil {
		return err
	}
	if o.AlarmsEnabled {
		if _, err := alarms.NewAlarms(ctx, c.Name("alarms"), alarmArgs(c, s, ex, topic.Arn)); err != nil {
			return err
		}
	}
	if o.MonthlyBudgetUsd > 0 {
		if _, err := budget.NewBudget(ctx, c.Name("budget"), &budget.BudgetArgs{
			Name:       c.Name("monthly"),
			LimitUsd:   o.MonthlyBudgetUsd,
			CostCenter: o.CostCenter,
			TopicArn:   topic.Arn,
			Retain:     c.Environment.Prod(),
			Tags:       tags,
		}); err != nil {
			return err
		}
	}
	return nil
}

// alarmArgs lists what the enabled targets deployed, read from their exports.
func alarmArgs(c *Config, s *shared, ex exports, topicArn pulumi.StringOutput) *alarms.AlarmsArgs {
	t := c.Ops.Thresholds
	a := &alarms.AlarmsArgs{
		Prefix:    c.Name(),
		TopicArn:  topicArn,
		Partition: awsPartition(c.AwsRegion),
		Region:    c.AwsRegion,
		Thresholds: alarms.Thresholds{
			PeriodSeconds: t.PeriodSeconds, EvaluationPeriods: t.EvaluationPeriods,
			LambdaErrors: t.LambdaErrors, LambdaThrottles: t.LambdaThrottles,
			Alb5xx: t.Alb5xx, AlbUnhealthyHosts: t.AlbUnhealthyHosts,
			UptimePeriodSeconds: t.UptimePeriodSeconds,
		},
		AlertEmail: c.Ops.AlertEmail,
		Tags:       pulumi.ToStringMap(c.Tags),
		Labels:     gcpLabels(c.Tags),
	}
	str := func(key string) pulumi.StringInput {
		v, _ := ex[key].(pulumi.StringInput)
		return v
	}
	if c.On(lambdaTarget.name) {
		a.LambdaFunctions = []pulumi.StringInput{str(outputs.LambdaAdminFunctionName), str(outputs.LambdaPublicFunctionName)}
	}
	if c.On(fargateTarget.name) {
		a.Alb = s.watch.alb
		// Running below desired is a prod signal: dev runs 0 tasks or Spot.
		if c.Environment.Prod() {
			a.Ecs = &alarms.Ecs{Cluster: str(outputs.FargateClusterName), Service: str(outputs.FargateServiceName), Desired: c.Fargate.DesiredCount}
		}
	}
	if c.On(ec2Target.name) {
		// AWS cannot recover a spot instance; the alarm still notifies.
		a.Ec2 = &alarms.Ec2{InstanceID: str(outputs.EC2InstanceID), Recover: !c.EC2.Spot}
	}
	if c.On(cloudRunTarget.name) && c.CloudRun.Public {
		// A private service answers the checkers 403; without an invoker
		// grant for the monitoring agent there is nothing useful to check.
		host := str(outputs.CloudRunURL).ToStringOutput().ApplyT(func(u string) string {
			return strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
		}).(pulumi.StringOutput)
		a.CloudRun = &alarms.CloudRun{Project: c.Gcp.Project, Host: host, Path: c.Contract.HealthPath}
	}
	return a
}
