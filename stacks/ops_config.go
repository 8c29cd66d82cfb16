package stacks

import (
	"net/mail"
	"strings"
)

// OpsConfig is what operators need to run the stack: where alerts go, the
// alarm thresholds, and the monthly AWS budget.
type OpsConfig struct {
	// AlertEmail is subscribed to the environment's SNS topic (and is the GCP
	// alert policy's email channel); "" subscribes nobody.
	AlertEmail string
	// AlarmsEnabled creates the CloudWatch alarms and the Cloud Run uptime
	// check; dev may switch them off. The topic and budget exist either way.
	AlarmsEnabled bool
	Thresholds    AlarmThresholds
	// MonthlyBudgetUsd is the AWS budget's monthly limit; 0 creates no budget.
	MonthlyBudgetUsd int
	// CostCenter is the stack's cost-center tag, the budget's cost filter.
	CostCenter string
}

// AlarmThresholds are the alarm thresholds, all read from config.
type AlarmThresholds struct {
	PeriodSeconds       int // CloudWatch alarm period
	EvaluationPeriods   int // periods in breach before an alarm fires
	LambdaErrors        int // function errors per period, per function
	LambdaThrottles     int // throttled invocations per period, per function
	Alb5xx              int // 5xx answered by the load balancer or the targets, per period
	AlbUnhealthyHosts   int // unhealthy targets (maximum over the period)
	UptimePeriodSeconds int // Cloud Run uptime check interval
}

// costCenterTag is the tag the budget filters on; activate it as a cost
// allocation tag in the Billing console, or the budget sees nothing.
const costCenterTag = "cost-center"

// uptimePeriods are the intervals Cloud Monitoring uptime checks accept.
var uptimePeriods = []int{60, 300, 600, 900}

func loadOps(r *reader, c *Config) OpsConfig {
	o := OpsConfig{
		AlertEmail:    strings.TrimSpace(r.str("alertEmail")),
		AlarmsEnabled: r.boolean("alarmsEnabled"),
		Thresholds: AlarmThresholds{
			PeriodSeconds:       r.integer("alarmPeriodSeconds", 60, 86400),
			EvaluationPeriods:   r.integer("alarmEvaluationPeriods", 1, 100),
			LambdaErrors:        r.integer("alarmLambdaErrors", 1, 1000000),
			LambdaThrottles:     r.integer("alarmLambdaThrottles", 1, 1000000),
			Alb5xx:              r.integer("alarmAlb5xx", 1, 1000000),
			AlbUnhealthyHosts:   r.integer("alarmAlbUnhealthyHosts", 1, 100),
			UptimePeriodSeconds: r.integer("alarmUptimePeriodSeconds", 60, 900),
		},
		MonthlyBudgetUsd: r.integer("monthlyBudgetUsd", 0, 1000000),
		CostCenter:       c.Tags[costCenterTag],
	}
	if o.AlertEmail != "" {
		// ParseAddress also accepts "Name <a@b>"; SNS wants the bare address.
		if a, err := mail.ParseAddress(o.AlertEmail); err != nil || a.Address != o.AlertEmail || !strings.Contains(o.AlertEmail[strings.LastIndex(o.AlertEmail, "@"):], ".") {
			r.fail("alertEmail", o.AlertEmail, "not an email address like ops@example.com: `pulumi config set alertEmail ops@example.com` (or \"\" for no subscription)")
		}
	}
	if p := o.Thresholds.PeriodSeconds; p%60 != 0 {
		r.fail("alarmPeriodSeconds", itoa(p), "CloudWatch alarm periods above 30 s must be a multiple of 60")
	}
	if !containsInt(uptimePeriods, o.Thresholds.UptimePeriodSeconds) {
		r.fail("alarmUptimePeriodSeconds", itoa(o.Thresholds.UptimePeriodSeconds), "uptime checks run every %s seconds", joinInts(uptimePeriods))
	}
	if o.MonthlyBudgetUsd > 0 && o.CostCenter == "" {
		r.fail("tags", "", "the budget (monthlyBudgetUsd %d) filters on the %q tag, which the stack's tags lack: `pulumi config set --path 'tags.%s' <value>` (or monthlyBudgetUsd 0)", o.MonthlyBudgetUsd, costCenterTag, costCenterTag)
	}
	return o
}

func containsInt(ns []int, n int) bool {
	for _, v := range ns {
		if v == n {
			return true
		}
	}
	return false
}
