package stacks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	topicType  = "aws:sns/topic:Topic"
	subType    = "aws:sns/topicSubscription:TopicSubscription"
	alarmType  = "aws:cloudwatch/metricAlarm:MetricAlarm"
	budgetType = "aws:budgets/budget:Budget"
)

// prodOps is the prod stack file as is (every target on, alarms on).
func prodOps(t *testing.T, set map[string]string) *bench.Result {
	t.Helper()
	return bench.MustRun(t, bench.Options{Stack: "prod", Set: set})
}

func TestEveryAlarmHasItsMetricThresholdAndTopic(t *testing.T) {
	r := prodOps(t, map[string]string{"alertEmail": "ops@example.com"})
	topic := r.One(t, topicType)
	topicArn := topic.State["arn"].StringValue()
	assert.Equal(t, "sgraph-send-prod-alerts", topic.Str("name"))

	sub := r.One(t, subType)
	assert.Equal(t, "email", sub.Str("protocol"))
	assert.Equal(t, "ops@example.com", sub.Str("endpoint"))

	type want struct {
		ns, metric, op string
		threshold      float64
		recover        bool
	}
	wants := map[string]want{
		"sgraph-send-prod-admin-errors":              {"AWS/Lambda", "Errors", "GreaterThanOrEqualToThreshold", 5, false},
		"sgraph-send-prod-admin-throttles":           {"AWS/Lambda", "Throttles", "GreaterThanOrEqualToThreshold", 1, false},
		"sgraph-send-prod-public-errors":             {"AWS/Lambda", "Errors", "GreaterThanOrEqualToThreshold", 5, false},
		"sgraph-send-prod-public-throttles":          {"AWS/Lambda", "Throttles", "GreaterThanOrEqualToThreshold", 1, false},
		"sgraph-send-prod-alb-elb-5xx":               {"AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "GreaterThanOrEqualToThreshold", 10, false},
		"sgraph-send-prod-alb-target-5xx":            {"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "GreaterThanOrEqualToThreshold", 10, false},
		"sgraph-send-prod-alb-unhealthy-hosts":       {"AWS/ApplicationELB", "UnHealthyHostCount", "GreaterThanOrEqualToThreshold", 1, false},
		"sgraph-send-prod-ecs-running-below-desired": {"ECS/ContainerInsights", "RunningTaskCount", "LessThanThreshold", 2, false},
		"sgraph-send-prod-ec2-status-check":          {"AWS/EC2", "StatusCheckFailed_System", "GreaterThanOrEqualToThreshold", 1, true},
	}
	alarms := r.OfType(alarmType)
	require.Len(t, alarms, len(wants))
	for _, a := range alarms {
		w, ok := wants[a.Str("name")]
		if !assert.True(t, ok, "unexpected alarm %s", a.Str("name")) {
			continue
		}
		assert.Equal(t, w.ns, a.Str("namespace"), a.Str("name"))
		assert.Equal(t, w.metric, a.Str("metricName"), a.Str("name"))
		assert.Equal(t, w.op, a.Str("comparisonOperator"), a.Str("name"))
		assert.Equal(t, w.threshold, a.Plain("threshold"), a.Str("name"))
		assert.Equal(t, 300.0, a.Plain("period"), a.Str("name"))
		actions, _ := a.Plain("alarmActions").([]any)
		assert.Contains(t, actions, topicArn, "%s notifies the topic", a.Str("name"))
		assert.Equal(t, w.recover, contains(actions, "arn:aws:automate:eu-west-2:ec2:recover"), "%s recover action", a.Str("name"))
		dims, _ := a.Plain("dimensions").(map[string]any)
		assert.NotEmpty(t, dims, a.Str("name"))
		for k, v := range dims {
			assert.NotEmpty(t, v, "%s dimension %s", a.Str("name"), k)
		}
	}

	// Cloud Run: an uptime check on the service host and an alert policy on it.
	check := r.One(t, "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")
	assert.Equal(t, "uptime_url", check.Str("monitoredResource.type"))
	assert.True(t, strings.HasSuffix(check.Str("monitoredResource.labels.host"), ".a.run.app"), check.Str("monitoredResource.labels.host"))
	assert.Equal(t, "/info/health", check.Str("httpCheck.path"))
	assert.Equal(t, "300s", check.Str("period"))
	pol := r.One(t, "gcp:monitoring/alertPolicy:AlertPolicy")
	assert.Contains(t, pol.Str("conditions[0].conditionThreshold.filter"), check.State["uptimeCheckId"].StringValue())
	ch := r.One(t, "gcp:monitoring/notificationChannel:NotificationChannel")
	assert.Equal(t, "ops@example.com", ch.Str("labels.email_address"))
	assert.Equal(t, ch.State["name"].StringValue(), pol.Str("notificationChannels[0]"))
	assert.Empty(t, policy.Failed(policy.Evaluate(r)))
}

func contains(xs []any, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestAlarmThresholdsComeFromConfig(t *testing.T) {
	r := prodOps(t, map[string]string{"alarmLambdaErrors": "42", "alarmPeriodSeconds": "120", "alarmEvaluationPeriods": "3"})
	a := r.MustFind(t, alarmType, "sgraph-send-prod-alarms-lambda0-errors")
	assert.Equal(t, 42.0, a.Plain("threshold"))
	assert.Equal(t, 120.0, a.Plain("period"))
	assert.Equal(t, 3.0, a.Plain("evaluationPeriods"))
}

// Dev switches alarms off; the topic and the budget stay, and no email means
// no subscription.
func TestDevHasNoAlarmsButTopicAndBudget(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev"})
	assert.Empty(t, r.OfType(alarmType))
	assert.Empty(t, r.OfType("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig"))
	assert.Empty(t, r.OfType(subType), "no alertEmail, no subscription")
	r.One(t, topicType)
	r.One(t, budgetType)
	on := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"alarmsEnabled": "true"}})
	assert.NotEmpty(t, on.OfType(alarmType))
	for _, a := range on.OfType(alarmType) {
		actions, _ := a.Plain("alarmActions").([]any)
		assert.False(t, contains(actions, "arn:aws:automate:eu-west-2:ec2:recover"), "dev's spot instance cannot be recovered")
		assert.NotContains(t, a.Str("name"), "ecs-running-below-desired", "prod only")
	}
}

func TestBudgetHasBothNotificationsAndTheCostCenterFilter(t *testing.T) {
	for _, tc := range []struct {
		stack, limit, center string
	}{{"dev", "25.0", "sgraph-send-dev"}, {"prod", "300.0", "sgraph-send-prod"}} {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: tc.stack})
			topicArn := r.One(t, topicType).State["arn"].StringValue()
			b := r.One(t, budgetType)
			assert.Equal(t, "COST", b.Str("budgetType"))
			assert.Equal(t, "MONTHLY", b.Str("timeUnit"))
			assert.Equal(t, tc.limit, b.Str("limitAmount"))
			assert.Equal(t, "USD", b.Str("limitUnit"))
			assert.Equal(t, "TagKeyValue", b.Str("costFilters[0].name"))
			assert.Equal(t, "user:cost-center$"+tc.center, b.Str("costFilters[0].values[0]"))
			got := map[string]float64{}
			notes, _ := b.Plain("notifications").([]any)
			require.Len(t, notes, 2)
			for _, n := range notes {
				m := n.(map[string]any)
				assert.Equal(t, "PERCENTAGE", m["thresholdType"])
				assert.Equal(t, []any{topicArn}, m["subscriberSnsTopicArns"])
				got[m["notificationType"].(string)] = m["threshold"].(float64)
			}
			assert.Equal(t, map[string]float64{"ACTUAL": 80, "FORECASTED": 100}, got)

			// The topic lets this account's Budgets and CloudWatch publish.
			doc := r.One(t, "aws:sns/topicPolicy:TopicPolicy").Str("policy")
			var p struct{ Statement []map[string]any }
			require.NoError(t, json.Unmarshal([]byte(doc), &p))
			services := ""
			for _, s := range p.Statement {
				services += " " + s["Principal"].(map[string]any)["Service"].(string)
				assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": bench.AwsAccount}}, s["Condition"])
			}
			assert.Contains(t, services, "budgets.amazonaws.com")
			assert.Contains(t, services, "cloudwatch.amazonaws.com")
		})
	}
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"monthlyBudgetUsd": "0"}})
	assert.Empty(t, r.OfType(budgetType), "0 switches the budget off")
}

func TestOpsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		set  map[string]string
		key  string
		says string
	}{
		{"invalid email", map[string]string{"alertEmail": "ops-at-example"}, "sgraph-send:alertEmail", "not an email address"},
		{"display-name email", map[string]string{"alertEmail": "Ops <ops@example.com>"}, "sgraph-send:alertEmail", "not an email address"},
		{"negative budget", map[string]string{"monthlyBudgetUsd": "-5"}, "sgraph-send:monthlyBudgetUsd", "0..1000000"},
		{"budget not a number", map[string]string{"monthlyBudgetUsd": "lots"}, "sgraph-send:monthlyBudgetUsd", "not an integer"},
		{"threshold of the wrong type", map[string]string{"alarmLambdaErrors": "five"}, "sgraph-send:alarmLambdaErrors", "not an integer"},
		{"threshold zero", map[string]string{"alarmAlb5xx": "0"}, "sgraph-send:alarmAlb5xx", "1..1000000"},
		{"alarms flag not a bool", map[string]string{"alarmsEnabled": "sometimes"}, "sgraph-send:alarmsEnabled", "true or false"},
		{"period not a minute multiple", map[string]string{"alarmPeriodSeconds": "90"}, "sgraph-send:alarmPeriodSeconds", "multiple of 60"},
		{"uptime period", map[string]string{"alarmUptimePeriodSeconds": "120"}, "sgraph-send:alarmUptimePeriodSeconds", "60, 300, 600, 900"},
		{"budget without cost-center tag", map[string]string{"tags": `{"owner": "platform"}`}, "sgraph-send:tags", "cost-center"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, bench.Options{Set: tc.set})
			found := false
			for _, e := range ce {
				found = found || (e.Key == tc.key && strings.Contains(e.Problem, tc.says))
			}
			assert.True(t, found, "%s error says %q: %v", tc.key, tc.says, ce)
			assert.Empty(t, r.Resources, "nothing registered")
		})
	}
}

// underOps reports whether res belongs to the stack-wide operations
// components (alert topic, alarms, budget) rather than to a target.
func underOps(r *bench.Result, res *bench.Resource) bool {
	for _, c := range []string{"sgraph-send:alarms:Topic", "sgraph-send:alarms:Alarms", "sgraph-send:budget:Budget"} {
		if r.Ancestor(res, c) != nil {
			return true
		}
	}
	return false
}
