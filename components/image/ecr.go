package image

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// pushToECR creates the repository and its lifecycle policy, then builds the
// image and pushes it with a short-lived ECR token; with a.Prebuilt it stops
// after the repository and returns no image.
func pushToECR(ctx *pulumi.Context, name string, a *Args, tag string, parent pulumi.ResourceOrInvokeOption) (*docker.Image, pulumi.StringOutput, error) {
	mutability := "MUTABLE"
	if a.Immutable {
		mutability = "IMMUTABLE"
	}
	repo, err := ecr.NewRepository(ctx, name, &ecr.RepositoryArgs{
		Name:               pulumi.String(a.RepositoryName),
		ImageTagMutability: pulumi.String(mutability),
		// Dev must always destroy cleanly; prod refuses to drop a repository
		// that still holds the images its functions and services run.
		ForceDelete:                pulumi.Bool(!a.Immutable),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
			&ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")},
		},
		Tags: a.Tags,
	}, keepOpts(a, parent)...)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	policy, err := LifecyclePolicy(a.KeepCount)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, name, &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(policy),
	}, keepOpts(a, parent)...); err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	if a.Prebuilt != "" {
		return nil, repo.RepositoryUrl, nil
	}

	// The token is valid for 12 hours and fetched on every run; pulumi-docker
	// does not rebuild when only registry credentials change. The repository
	// lives in the deploying account's default registry, so the token is asked
	// for without the repository's registry id: that keeps it known during a
	// preview, before the repository exists.
	auth := ecr.GetAuthorizationTokenOutput(ctx, ecr.GetAuthorizationTokenOutputArgs{}, parent)
	img, err := docker.NewImage(ctx, name, &docker.ImageArgs{
		ImageName: pulumi.Sprintf("%s:%s", repo.RepositoryUrl, tag),
		Build:     buildArgs(a, nil),
		Registry: &docker.RegistryArgs{
			Server:   repo.RepositoryUrl.ApplyT(registryHost).(pulumi.StringOutput),
			Username: auth.UserName(),
			Password: pulumi.ToSecret(auth.Password()).(pulumi.StringOutput),
		},
	}, parent)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	return img, repo.RepositoryUrl, nil
}

// buildArgs is the one build definition (the Artifact Registry copy is a push of
// this build, not a second build).
func buildArgs(a *Args, cacheFrom pulumi.StringArrayInput) *docker.DockerBuildArgs {
	b := &docker.DockerBuildArgs{
		Context:        pulumi.String(a.Context),
		Dockerfile:     pulumi.String(path.Join(a.Context, "Dockerfile")),
		Platform:       pulumi.String(Platform),
		Args:           pulumi.StringMap{VersionArg: pulumi.String(a.AppVersion)},
		BuilderVersion: docker.BuilderVersionBuilderBuildKit,
	}
	if cacheFrom != nil {
		b.CacheFrom = &docker.CacheFromArgs{Images: cacheFrom}
	}
	return b
}

// LifecyclePolicy keeps the newest keep images and expires older ones. Targets
// run images by digest, so keep must exceed the number of releases that may
// still be deployed somewhere (rollbacks included).
func LifecyclePolicy(keep int) (string, error) {
	doc := map[string]any{
		"rules": []map[string]any{{
			"rulePriority": 1,
			"description":  "keep the newest images only",
			"selection": map[string]any{
				"tagStatus":   "any",
				"countType":   "imageCountMoreThan",
				"countNumber": keep,
			},
			"action": map[string]string{"type": "expire"},
		}},
	}
	out, err := json.Marshal(doc)
	return string(out), err
}

// registryHost is the registry part of a repository URL
// (123456789012.dkr.ecr.eu-west-2.amazonaws.com/name -> the host).
func registryHost(repoURL string) string {
	host, _, _ := strings.Cut(repoURL, "/")
	return host
}
