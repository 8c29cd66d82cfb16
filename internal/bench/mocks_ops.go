package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Operations: alert topic, alarms, budget, uptime check, and Cloud Run's
// Cloud Storage bucket.
func init() {
	named := func(in resource.PropertyMap, fallback string) string {
		if n, ok := in["name"]; ok && n.IsString() && n.StringValue() != "" {
			return n.StringValue()
		}
		return fallback + "-" + shortHash(fallback)[:7]
	}
	mockResource("aws:sns/topic:Topic", func(e env, name string, in, st resource.PropertyMap) string {
		topic := named(in, name)
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", e.Region, AwsAccount, topic)
		st["name"] = resource.NewProperty(topic)
		st["arn"] = resource.NewProperty(arn)
		return arn
	})
	mockResource("aws:cloudwatch/metricAlarm:MetricAlarm", func(e env, name string, in, st resource.PropertyMap) string {
		alarm := named(in, name)
		st["name"] = resource.NewProperty(alarm)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", e.Region, AwsAccount, alarm))
		return alarm
	})
	mockResource("aws:budgets/budget:Budget", func(e env, name string, in, st resource.PropertyMap) string {
		budget := named(in, name)
		st["name"] = resource.NewProperty(budget)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:budgets::%s:budget/%s", AwsAccount, budget))
		return AwsAccount + ":" + budget
	})
	mockResource("gcp:storage/bucket:Bucket", func(e env, name string, in, st resource.PropertyMap) string {
		bucket := strings.ToLower(named(in, name))
		st["name"] = resource.NewProperty(bucket)
		st["url"] = resource.NewProperty("gs://" + bucket)
		st["selfLink"] = resource.NewProperty("https://www.googleapis.com/storage/v1/b/" + bucket)
		return bucket
	})
	mockResource("gcp:storage/bucketIAMMember:BucketIAMMember", func(e env, name string, in, st resource.PropertyMap) string {
		st["etag"] = resource.NewProperty("BwY" + shortHash(name))
		return fmt.Sprintf("b/%s/%s/%s", gcpStrIn(in, "bucket", name), gcpStrIn(in, "role", ""), gcpStrIn(in, "member", ""))
	})
	mockResource("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig", func(e env, name string, in, st resource.PropertyMap) string {
		id := name + "-" + shortHash(name)[:8]
		st["uptimeCheckId"] = resource.NewProperty(id)
		st["name"] = resource.NewProperty(fmt.Sprintf("projects/%s/uptimeCheckConfigs/%s", e.GcpProj, id))
		return id
	})
	mockResource("gcp:monitoring/notificationChannel:NotificationChannel", func(e env, name string, in, st resource.PropertyMap) string {
		id := fmt.Sprintf("projects/%s/notificationChannels/%d", e.GcpProj, len(name)*7919)
		st["name"] = resource.NewProperty(id)
		return id
	})
	mockResource("gcp:monitoring/alertPolicy:AlertPolicy", func(e env, name string, in, st resource.PropertyMap) string {
		id := fmt.Sprintf("projects/%s/alertPolicies/%s", e.GcpProj, shortHash(name))
		st["name"] = resource.NewProperty(id)
		return id
	})
}
