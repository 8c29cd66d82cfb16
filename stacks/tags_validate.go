package stacks

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// AWS tag rules (Tagging AWS resources, "Tag naming limits and requirements"):
// keys 1-128 and values 0-256 Unicode characters of letters, digits, spaces
// and _ . : / = + - @; keys may not start with aws:.
var tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// programTags are the keys loadTags sets itself.
var programTags = []string{"app", "environment", "stack", "managed-by"}

// validateTags checks the operator's tags before the program adds its own.
func validateTags(r *reader, tags map[string]string) {
	folded := map[string]string{}
	for _, k := range keysOf(tags) {
		v := tags[k]
		if !tagKeyPattern.MatchString(k) || utf8.RuneCountInString(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.fail("tags", k, "tag keys are 1-128 letters, digits, spaces and _.:/=+-@, and may not start with aws:")
		}
		if utf8.RuneCountInString(v) > 256 || !tagValuePattern.MatchString(v) {
			r.fail("tags", k, "tag values are at most 256 letters, digits, spaces and _.:/=+-@")
		}
		// Owner and owner are one GCP label, and many AWS cost tools fold case.
		lk := strings.ToLower(k)
		if other, ok := folded[lk]; ok {
			r.fail("tags", k, "same key as %q except for case; keep one (`pulumi config rm --path 'tags.%s'`)", other, k)
		}
		folded[lk] = k
		for _, own := range programTags {
			if lk == own && k != own {
				r.fail("tags", k, "the program sets %q itself; remove this key", own)
			}
		}
	}
}

// validateGcpLabels: on GCP every tag becomes a label (gcpLabel), and two keys
// that map to one label would make the winner change from run to run.
func validateGcpLabels(r *reader, tags map[string]string) {
	seen := map[string]string{}
	for _, k := range keysOf(tags) {
		lk := gcpLabel(k)
		if other, ok := seen[lk]; ok {
			r.fail("tags", k, "on GCP tags become labels and %q and %q both become label %q; rename one", other, k, lk)
		}
		seen[lk] = k
	}
}
