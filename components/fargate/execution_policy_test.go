package fargate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRepositoryArn(t *testing.T) {
	const d = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for image, want := range map[string]string{
		"123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev" + d: "arn:aws:ecr:eu-west-2:123456789012:repository/sgraph-send-dev",
		"123456789012.dkr.ecr.eu-west-2.amazonaws.com/team/sgraph:0.27.6":  "arn:aws:ecr:eu-west-2:123456789012:repository/team/sgraph",
		"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/sgraph-send" + d: "arn:aws-cn:ecr:cn-north-1:123456789012:repository/sgraph-send",
		"docker.io/library/python" + d:                                     "",
		"123456789012.dkr.ecr.eu-west-2.amazonaws.com.evil.example/x" + d:  "",
		"123456789012.dkr.ecr.eu-west-2.amazonaws.com/../other" + d:        "",
	} {
		assert.Equal(t, want, repositoryArn(image), image)
	}
}

// TestExecutionPolicyScope: one wildcard (GetAuthorizationToken, which takes
// no resource), and without an ECR image no ECR grant at all.
func TestExecutionPolicyScope(t *testing.T) {
	doc, err := executionPolicy("eu-west-2", "123456789012", "/ecs/x", "123456789012.dkr.ecr.eu-west-2.amazonaws.com/r@sha256:"+strings.Repeat("a", 64))
	assert.NoError(t, err)
	assert.Equal(t, 1, strings.Count(doc, `"*"`), doc)
	assert.Contains(t, doc, `"arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/x:*"`)
	assert.Contains(t, doc, `"arn:aws:ecr:eu-west-2:123456789012:repository/r"`)
	doc, err = executionPolicy("eu-west-2", "123456789012", "/ecs/x", "docker.io/library/python:3")
	assert.NoError(t, err)
	assert.NotContains(t, doc, "ecr:")
}
