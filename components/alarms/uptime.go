package alarms

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/monitoring"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// uptimeCheck checks the Cloud Run service's health route over HTTPS from
// Google's checker regions and alerts when it fails. GCP cannot publish to
// SNS, so the policy notifies the alert email directly (when set).
func uptimeCheck(ctx *pulumi.Context, name string, args *AlarmsArgs, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	cr := args.CloudRun
	api, err := projects.NewService(ctx, name+"-api-monitoring", &projects.ServiceArgs{
		Project: pulumi.String(cr.Project),
		Service: pulumi.String("monitoring.googleapis.com"),
		// Shared project: never switch an API off under other users.
		DisableOnDestroy:         pulumi.Bool(false),
		DisableDependentServices: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	after := pulumi.DependsOn([]pulumi.Resource{api})
	check, err := monitoring.NewUptimeCheckConfig(ctx, name+"-cloudrun", &monitoring.UptimeCheckConfigArgs{
		Project:     pulumi.String(cr.Project),
		DisplayName: pulumi.String(args.Prefix + "-cloudrun-uptime"),
		Period:      pulumi.String(fmt.Sprintf("%ds", args.Thresholds.UptimePeriodSeconds)),
		Timeout:     pulumi.String("10s"),
		HttpCheck: &monitoring.UptimeCheckConfigHttpCheckArgs{
			Path:          pulumi.String(cr.Path),
			Port:          pulumi.Int(443),
			UseSsl:        pulumi.Bool(true),
			ValidateSsl:   pulumi.Bool(true),
			RequestMethod: pulumi.String("GET"), // the app answers HEAD with 405
		},
		MonitoredResource: &monitoring.UptimeCheckConfigMonitoredResourceArgs{
			Type:   pulumi.String("uptime_url"),
			Labels: pulumi.StringMap{"project_id": pulumi.String(cr.Project), "host": cr.Host},
		},
		UserLabels: args.Labels,
	}, parent, after)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	var channels pulumi.StringArray
	if args.AlertEmail != "" {
		ch, err := monitoring.NewNotificationChannel(ctx, name+"-email", &monitoring.NotificationChannelArgs{
			Project:     pulumi.String(cr.Project),
			DisplayName: pulumi.String(args.Prefix + " alerts"),
			Type:        pulumi.String("email"),
			Labels:      pulumi.StringMap{"email_address": pulumi.String(args.AlertEmail)},
			UserLabels:  args.Labels,
		}, parent, after)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		channels = append(channels, ch.Name)
	}
	// Fires when more than one checker region sees the check fail, for two
	// periods: one flaky region is not an outage.
	filter := pulumi.Sprintf(`metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.label.check_id="%s" AND resource.type="uptime_url"`, check.UptimeCheckId)
	if _, err := monitoring.NewAlertPolicy(ctx, name+"-cloudrun", &monitoring.AlertPolicyArgs{
		Project:     pulumi.String(cr.Project),
		DisplayName: pulumi.String(args.Prefix + "-cloudrun-down"),
		Combiner:    pulumi.String("OR"),
		Conditions: monitoring.AlertPolicyConditionArray{&monitoring.AlertPolicyConditionArgs{
			DisplayName: pulumi.String("Cloud Run health check failing"),
			ConditionThreshold: &monitoring.AlertPolicyConditionConditionThresholdArgs{
				Filter:         filter,
				Comparison:     pulumi.String("COMPARISON_GT"),
				ThresholdValue: pulumi.Float64(1),
				Duration:       pulumi.String(fmt.Sprintf("%ds", 2*args.Thresholds.UptimePeriodSeconds)),
				Aggregations: monitoring.AlertPolicyConditionConditionThresholdAggregationArray{&monitoring.AlertPolicyConditionConditionThresholdAggregationArgs{
					AlignmentPeriod:    pulumi.String(fmt.Sprintf("%ds", args.Thresholds.UptimePeriodSeconds)),
					PerSeriesAligner:   pulumi.String("ALIGN_NEXT_OLDER"),
					CrossSeriesReducer: pulumi.String("REDUCE_COUNT_FALSE"),
					GroupByFields:      pulumi.StringArray{pulumi.String("resource.label.*")},
				}},
			},
		}},
		NotificationChannels: channels,
		UserLabels:           args.Labels,
	}, parent, after); err != nil {
		return pulumi.StringOutput{}, err
	}
	return check.UptimeCheckId, nil
}
