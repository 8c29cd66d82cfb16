package rehearsal

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// MustSurvive is the rule prod's `pulumi destroy` is held to, written down
// independently of the program's protect flags: the resource types that hold
// data a destroy would lose for good, and the guard rails of that data. Each
// entry says why; the rehearsal prints it for every resource it keeps.
var MustSurvive = map[string]string{
	"aws:s3/bucketV2:BucketV2":         "data: the transfers",
	"aws:ecr/repository:Repository":    "data: the images prod runs and rolls back to",
	"aws:cloudwatch/logGroup:LogGroup": "data: the logs (audit trail)",
	// Cloud Run keeps transfers in the instance's memory (no GCS mode in the app).
	"gcp:cloudrunv2/service:Service": "data: transfers in flight live in the service's instance",

	"gcp:artifactregistry/repository:Repository": "data: the images Cloud Run runs and rolls back to",
	"gcp:storage/bucket:Bucket":                  "data: the transfers (GCS storage)",

	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                                                    "guards the data: which images are kept for rollback",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     "guards the data: no public access",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "guards the data: encryption at rest",
	"aws:s3/bucketPolicy:BucketPolicy":                                                           "guards the data: TLS only",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     "guards the data: ACLs off",
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               "guards the data: object versions",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       "guards the data: version expiry, aborted uploads",

	"aws:sns/topic:Topic":             "guards the account: where prod's alarms and budget notify",
	"aws:sns/topicPolicy:TopicPolicy": "guards the account: lets the alarms and the budget publish",
	"aws:budgets/budget:Budget":       "guards the account: prod's spending alert",
}

// Kept is one resource a destroy must leave, and why.
type Kept struct {
	Type, Name, URN string
	Why             string
	// Rule is true when the rule names this type itself (it must be
	// protected), false for what such a resource depends on.
	Rule bool
}

// ExpectedKept applies rule (MustSurvive, type -> why) to a stack's state
// before destroy: every resource of those types, plus what they depend on
// (the engine cannot delete a dependency while its dependent stays).
func ExpectedKept(before []apitype.ResourceV3, rule map[string]string) []Kept {
	byURN := map[string]apitype.ResourceV3{}
	for _, r := range CloudResources(before) {
		byURN[string(r.URN)] = r
	}
	kept := map[string]string{}
	var visit func(urn, why string)
	visit = func(urn, why string) {
		r, ok := byURN[urn]
		if !ok {
			return // a component, the stack or a provider
		}
		if _, done := kept[urn]; done {
			return
		}
		kept[urn] = why
		deps := append([]string(nil), urnsOf(r.Dependencies)...)
		for _, ds := range r.PropertyDependencies {
			deps = append(deps, urnsOf(ds)...)
		}
		for _, d := range deps {
			visit(d, "dependency of "+string(r.Type)+" "+r.URN.Name())
		}
	}
	for urn, r := range byURN {
		if why, ok := rule[string(r.Type)]; ok {
			visit(urn, why)
			kept[urn] = why // its own reason, even if reached as a dependency first
		}
	}
	out := make([]Kept, 0, len(kept))
	for urn, why := range kept {
		r := byURN[urn]
		_, inRule := rule[string(r.Type)]
		out = append(out, Kept{Type: string(r.Type), Name: r.URN.Name(), URN: urn, Why: why, Rule: inRule})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// KeptExactly fails unless the cloud resources left after a destroy are
// exactly want, each the rule names still protected, the bucket also
// retained on delete.
func KeptExactly(want []Kept, after []apitype.ResourceV3) error {
	left := map[string]apitype.ResourceV3{}
	for _, r := range CloudResources(after) {
		left[string(r.URN)] = r
	}
	var problems []string
	wanted := map[string]bool{}
	for _, k := range want {
		wanted[k.URN] = true
		r, ok := left[k.URN]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("deleted %s %s, which must survive (%s)", k.Type, k.Name, k.Why))
		case k.Rule && !r.Protect:
			problems = append(problems, fmt.Sprintf("%s %s survived but is not protected (%s)", k.Type, k.Name, k.Why))
		case k.Type == "aws:s3/bucketV2:BucketV2" && !r.RetainOnDelete:
			problems = append(problems, fmt.Sprintf("%s %s is not retainOnDelete: after `pulumi state unprotect` a destroy would delete the data", k.Type, k.Name))
		}
	}
	for urn, r := range left {
		if !wanted[urn] {
			problems = append(problems, fmt.Sprintf("kept %s %s, which is neither data, a guard of data, nor what they depend on", r.Type, r.URN.Name()))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return fmt.Errorf("prod destroy did not keep exactly the data and its guard rails:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func urnsOf[U ~string](us []U) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = string(u)
	}
	return out
}
