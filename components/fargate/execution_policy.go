package fargate

import (
	"fmt"
	"regexp"
)

// logGroupName is the task's log group (created in taskdef.go).
func logGroupName(a *ServiceArgs) string { return "/ecs/" + a.Name }

// ecrRef is an ECR image reference: <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[@digest|:tag].
var ecrRef = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?:@sha256:[0-9a-f]{64}|:[\w.-]+)?$`)

// repositoryArn is the ARN of the ECR repository image lives in, or "" when it
// is not an ECR image (then ECS pulls without our credentials).
func repositoryArn(image string) string {
	m := ecrRef.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", partition(m[2]), m[2], m[1], m[3])
}

// executionPolicy is what ECS needs to start a task, and nothing else:
//   - ecr:GetAuthorizationToken, which has no resource-level permissions
//     (ECR's "Actions defined by Amazon Elastic Container Registry": Resource
//     "*" is the only form), then pull layers of the one repository the image
//     is in: this stack's, or the repository a promotion's prebuilt digest
//     comes from (dev's, docs/ci.md);
//   - create and write streams in the task's own log group.
//
// The secret parameters are granted by their own policy (roles.go).
func executionPolicy(region, account, logGroup, image string) (string, error) {
	p := partition(region)
	sts := []statement{{
		Sid:       "OwnLogStreams",
		Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resources: []string{fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s:*", p, region, account, logGroup)},
	}}
	if repo := repositoryArn(image); repo != "" {
		sts = append(sts,
			statement{Sid: "EcrToken", Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []string{"*"}},
			statement{Sid: "PullImage", Actions: []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}, Resources: []string{repo}},
		)
	}
	return policyJSON(sts...)
}
