package policy

// Operations resources: where each carries its tags. GCP monitoring types take
// userLabels, which the tagging rule does not read; they are set anyway.
func init() {
	classify(map[string]string{
		"aws:sns/topic:Topic":                                    "tags",
		"aws:sns/topicPolicy:TopicPolicy":                        "",
		"aws:sns/topicSubscription:TopicSubscription":            "",
		"aws:cloudwatch/metricAlarm:MetricAlarm":                 "tags",
		"aws:budgets/budget:Budget":                              "tags",
		"gcp:storage/bucket:Bucket":                              "labels",
		"gcp:storage/bucketIAMMember:BucketIAMMember":            "",
		"gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig":     "",
		"gcp:monitoring/notificationChannel:NotificationChannel": "",
		"gcp:monitoring/alertPolicy:AlertPolicy":                 "",
	})
}
