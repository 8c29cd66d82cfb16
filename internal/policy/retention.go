package policy

import (
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// dataTypes hold data (transfers, images, logs) or protect it (the bucket's
// guard rails, the registries' lifecycle rules).
var dataTypes = map[string]bool{
	bucketType:     true,
	pabType:        true,
	sseType:        true,
	versioningType: true,
	policyType:     true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":               true,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": true,
	"aws:ecr/repository:Repository":                                        true,
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                              true,
	"aws:cloudwatch/logGroup:LogGroup":                                     true,
	"gcp:artifactregistry/repository:Repository":                           true,
	"gcp:storage/bucket:Bucket":                                            true,
	// prod's guard rails on the account itself: where alarms and the budget
	// notify, and the spending guard (issue 23).
	"aws:sns/topic:Topic":             true,
	"aws:sns/topicPolicy:TopicPolicy": true,
	"aws:budgets/budget:Budget":       true,
}

// DestroyKeepsProdData: in prod every resource that holds or protects data is
// protect + retainOnDelete, so a plain `pulumi destroy` refuses before it
// deletes anything, `pulumi destroy --exclude-protected` removes the rest and
// finishes, and even after `pulumi state unprotect` a destroy leaves them in
// the account. In dev nothing is protected or retained, so destroy removes all.
var DestroyKeepsProdData = Rule{Name: "destroy-keeps-prod-data", Check: checkDestroyKeepsProdData}

func checkDestroyKeepsProdData(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	var out []Finding
	for _, res := range r.Resources {
		if !res.Custom {
			continue
		}
		switch {
		case prod && dataTypes[res.Type]:
			if res.Protect && res.RetainOnDelete {
				out = append(out, pass(res, "prod data or its protection: protect + retainOnDelete"))
			} else {
				out = append(out, fail(res, "prod data or its protection must be protect + retainOnDelete, so destroy neither deletes it nor stops half-way"))
			}
		case !prod && res.RetainOnDelete:
			out = append(out, fail(res, "dev resource is retainOnDelete: destroy would leave it behind, billed"))
		case !prod && dataTypes[res.Type]:
			out = append(out, pass(res, "dev: destroy deletes it"))
		}
	}
	return out
}
