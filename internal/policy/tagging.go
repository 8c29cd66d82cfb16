package policy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// tagField says where a resource type carries its tags: "tags" (AWS), "labels"
// (GCP), or "" for a type that cannot be tagged. Every cloud type the program
// registers must be classified, so a new resource cannot slip through
// untagged unnoticed. Areas classify their types from their own file's init.
var tagField = map[string]string{
	"aws:s3/bucketV2:BucketV2":                                                                   "tags",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     "",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     "",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "",
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               "",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       "",
	"aws:s3/bucketPolicy:BucketPolicy":                                                           "",
}

// classify records where each type carries its tags ("" for untaggable).
func classify(types map[string]string) {
	for k, v := range types {
		tagField[k] = v
	}
}

// Tagging: every taggable cloud resource carries the stack's default tags, so
// cost reports and clean-up scripts can find everything a stack owns.
var Tagging = Rule{Name: "tagging", Check: checkTagging}

func checkTagging(r *bench.Result) []Finding {
	want := expectedTags(r)
	var out []Finding
	for _, res := range r.Resources {
		if !res.Custom || strings.HasPrefix(res.Type, "pulumi:") {
			continue
		}
		field, known := tagField[res.Type]
		switch {
		case !known:
			out = append(out, fail(res, "type is not classified as taggable or not: add it to a classify() call in internal/policy"))
			continue
		case field == "":
			continue
		}
		got, _ := res.Plain(field).(map[string]any)
		var problems []string
		for _, k := range sortedKeys(want) {
			key, val := k, want[k]
			if field == "labels" {
				key, val = gcpLabel(key), gcpLabel(val)
			}
			if fmt.Sprint(got[key]) != val {
				problems = append(problems, fmt.Sprintf("%s %q missing or not %q", field, key, val))
			}
		}
		out = append(out, verdict(res, problems, "carries the stack's default "+field))
	}
	return out
}

// expectedTags derives the stack's default tags independently of the program:
// the configured `tags` object plus the four the program always adds.
func expectedTags(r *bench.Result) map[string]string {
	want := map[string]string{}
	if raw := r.Config["sgraph-send:tags"]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &want)
	}
	env := ""
	if v, ok := r.Output(outputs.Environment); ok {
		env = fmt.Sprint(v.Value)
	}
	want["app"] = "sgraph-send"
	want["environment"] = env
	want["stack"] = r.Stack
	want["managed-by"] = "pulumi"
	return want
}

// gcpLabel maps a tag to GCP label rules: lowercase letters, digits, _ and -.
func gcpLabel(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
