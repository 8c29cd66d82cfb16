package policy

import (
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

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

func init() {
	// A dev Cloud Storage bucket must delete its objects on destroy too.
	contentFlags["gcp:storage/bucket:Bucket"] = "forceDestroy"
}

// GcsStorageSafety: every Cloud Storage bucket is IAM-only, never public and
// versioned; prod's survives destroy, dev's never blocks one.
var GcsStorageSafety = Rule{Name: "gcs-storage-safety", Check: func(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	var out []Finding
	for _, b := range r.OfType("gcp:storage/bucket:Bucket") {
		var problems []string
		if v, _ := b.Plain("uniformBucketLevelAccess").(bool); !v {
			problems = append(problems, "uniformBucketLevelAccess is not true (object ACLs allowed)")
		}
		if b.Str("publicAccessPrevention") != "enforced" {
			problems = append(problems, "publicAccessPrevention is not enforced")
		}
		if v, _ := b.Plain("versioning.enabled").(bool); !v {
			problems = append(problems, "versioning is off")
		}
		force, _ := b.Plain("forceDestroy").(bool)
		switch {
		case prod && (!b.Protect || !b.RetainOnDelete || force):
			problems = append(problems, fmt.Sprintf("prod bucket must be protect + retainOnDelete without forceDestroy (protect=%v retainOnDelete=%v forceDestroy=%v)", b.Protect, b.RetainOnDelete, force))
		case !prod && (!force || b.Protect):
			problems = append(problems, "dev bucket must set forceDestroy and not be protected")
		}
		out = append(out, verdict(b, problems, "IAM-only, never public, versioned, lifecycle fits the environment"))
	}
	return out
}}
