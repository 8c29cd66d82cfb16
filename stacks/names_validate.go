package stacks

import (
	"regexp"
	"strings"
)

// MaxStackName keeps every physical name derived from the stack within its
// service's limit. The tightest: the Cloud Run service "sgraph-send-<stack>-cloudrun"
// (49), and IAM roles auto-named from "sgraph-send-<stack>-<longest logical
// suffix>" plus Pulumi's 8-character random suffix (64). ALB and target group
// names (32) are shortened with a hash suffix instead (components/fargate).
const MaxStackName = 24

// stackName: GCP names (Cloud Run, Artifact Registry, service accounts) and ECR
// take only lowercase letters, digits and hyphens; lower-casing for them would
// make Dev and dev one repository, so the stack name itself must be valid.
var stackName = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)

// stackKey names the stack in errors: it is no config key, but what the
// operator changes with `pulumi stack rename`.
const stackKey = "pulumi:stack"

func validateStackName(r *reader, stack string) {
	switch {
	case !stackName.MatchString(stack):
		r.fail(stackKey, stack, "the stack name is part of every resource name, and GCP and ECR names take only lowercase letters, digits and hyphens: "+
			"rename it to start with a letter, e.g. `pulumi stack rename %s`", suggestStackName(stack))
	case len(stack) > MaxStackName:
		r.fail(stackKey, stack, "longer than %d characters, so derived names (Cloud Run service, IAM roles) would exceed their limits: `pulumi stack rename <shorter>`", MaxStackName)
	}
}

// suggestStackName offers a valid name close to s.
func suggestStackName(s string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			out = append(out, c)
		case len(out) > 0 && out[len(out)-1] != '-':
			out = append(out, '-')
		}
	}
	for len(out) > 0 && (out[len(out)-1] == '-') {
		out = out[:len(out)-1]
	}
	if len(out) == 0 || out[0] < 'a' || out[0] > 'z' {
		out = append([]byte("s-"), out...)
	}
	if len(out) > MaxStackName {
		out = out[:MaxStackName]
	}
	return strings.TrimRight(string(out), "-")
}
