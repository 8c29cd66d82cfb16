package fargate

import (
	"regexp"
	"strings"
)

// taskDefRevision is family:revision, the form a service accepts and a rollback names.
var taskDefRevision = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}:[1-9][0-9]{0,9}$`)

// ValidTaskDefinition reports whether ref names a revision of family.
func ValidTaskDefinition(family, ref string) bool {
	return taskDefRevision.MatchString(ref) && strings.HasPrefix(ref, family+":")
}

// familyRevision shortens a task definition ARN to family:revision.
func familyRevision(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
