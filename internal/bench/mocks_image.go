package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Mocks for the image stage: ECR, the docker build and push, Artifact Registry.
// (gcp:projects/service:Service is mocked in mocks_gcp.go.)
func init() {
	mockResource("aws:ecr/repository:Repository", func(e env, name string, in, st resource.PropertyMap) string {
		repo := name + "-" + shortHash(name)[:7]
		if n, ok := in["name"]; ok && n.IsString() && n.StringValue() != "" {
			repo = n.StringValue()
		}
		st["name"] = resource.NewProperty(repo)
		st["registryId"] = resource.NewProperty(AwsAccount)
		st["repositoryUrl"] = resource.NewProperty(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", AwsAccount, e.Region, repo))
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", e.Region, AwsAccount, repo))
		return repo
	})
	mockResource("aws:ecr/lifecyclePolicy:LifecyclePolicy", func(e env, name string, in, st resource.PropertyMap) string {
		repo := ""
		if r, ok := in["repository"]; ok && r.IsString() {
			repo = r.StringValue()
		}
		st["registryId"] = resource.NewProperty(AwsAccount)
		return repo
	})
	mockCall("aws:ecr/getAuthorizationToken:getAuthorizationToken", func(e env, _ resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":                 e.Region,
			"proxyEndpoint":      fmt.Sprintf("https://%s.dkr.ecr.%s.amazonaws.com", AwsAccount, e.Region),
			"userName":           "AWS",
			"password":           "mock-ecr-password",
			"authorizationToken": "QVdTOm1vY2stZWNyLXBhc3N3b3Jk", // base64("AWS:mock-ecr-password")
			"expiresAt":          "2030-01-01T00:00:00Z",
		}), nil
	})

	// docker.Image: the pushed manifest's digest is derived from the image
	// name (which carries the content-hash tag), like a real push.
	mockResource("docker:index/image:Image", func(e env, name string, in, st resource.PropertyMap) string {
		imageName := ""
		if n, ok := in["imageName"]; ok && n.IsString() {
			imageName = n.StringValue()
		}
		repo := imageName
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		digest := Digest(imageName)
		st["imageName"] = resource.NewProperty(imageName)
		st["baseImageName"] = resource.NewProperty(imageName)
		st["repoDigest"] = resource.NewProperty(repo + "@" + digest)
		st["registryServer"] = resource.NewProperty(strings.SplitN(repo, "/", 2)[0])
		st["context"] = resource.NewProperty("docker")
		st["dockerfile"] = resource.NewProperty("docker/Dockerfile")
		rememberLocal(imageName, digest)
		return digest
	})

	mockResource("gcp:artifactregistry/repository:Repository", func(e env, name string, in, st resource.PropertyMap) string {
		id := name
		if v, ok := in["repositoryId"]; ok && v.IsString() {
			id = v.StringValue()
		}
		loc := e.GcpRegion
		if v, ok := in["location"]; ok && v.IsString() {
			loc = v.StringValue()
		}
		proj := e.GcpProj
		if v, ok := in["project"]; ok && v.IsString() {
			proj = v.StringValue()
		}
		full := fmt.Sprintf("projects/%s/locations/%s/repositories/%s", proj, loc, id)
		st["name"] = resource.NewProperty(id)
		st["repositoryId"] = resource.NewProperty(id)
		st["id"] = resource.NewProperty(full)
		st["createTime"] = resource.NewProperty("2026-01-01T00:00:00Z")
		return full
	})
	mockCall("gcp:organizations/getClientConfig:getClientConfig", func(e env, _ resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":          "mock-client-config",
			"accessToken": "ya29.mock-access-token",
			"project":     e.GcpProj,
			"region":      e.GcpRegion,
			"zone":        e.GcpRegion + "-a",
		}), nil
	})
}
