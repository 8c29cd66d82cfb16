package image

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// gcpImageName is the image's name inside its Artifact Registry repository.
const gcpImageName = "sgraph-send"

// pushToArtifactRegistry enables the API, creates a Docker repository and
// pushes the image built for ECR there (tag + push, no second build). Cloud Run
// cannot pull from private ECR.
//
// Registry auth: the access token of the credentials the GCP provider runs
// with (getClientConfig), as user "oauth2accesstoken" - the documented way to
// authenticate Docker to Artifact Registry with an OAuth token. It lives about
// an hour, which covers one `up`; it is fetched anew on every run and kept
// secret in state.
func pushToArtifactRegistry(ctx *pulumi.Context, name string, a *Args, tag string, ecrImg *docker.Image, parent pulumi.ResourceOrInvokeOption) (*pushedCopy, pulumi.StringOutput, error) {
	g := a.Gcp
	api, err := projects.NewService(ctx, name+"-artifactregistry", &projects.ServiceArgs{
		Project: pulumi.String(g.Project),
		Service: pulumi.String("artifactregistry.googleapis.com"),
		// Other stacks and tools in the project may use the API.
		DisableOnDestroy:         pulumi.Bool(false),
		DisableDependentServices: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	repo, err := artifactregistry.NewRepository(ctx, name, &artifactregistry.RepositoryArgs{
		Project:      pulumi.String(g.Project),
		Location:     pulumi.String(g.Region),
		RepositoryId: pulumi.String(g.RepositoryID),
		Format:       pulumi.String("DOCKER"),
		Description:  pulumi.String("SGraph Send container image, copied from ECR for Cloud Run"),
		DockerConfig: &artifactregistry.RepositoryDockerConfigArgs{ImmutableTags: pulumi.Bool(a.Immutable)},
		// Same retention as ECR: keep the newest KeepCount versions, delete
		// the rest once they are a day old (a KEEP rule wins over DELETE).
		CleanupPolicyDryRun: pulumi.Bool(false),
		CleanupPolicies: artifactregistry.RepositoryCleanupPolicyArray{
			&artifactregistry.RepositoryCleanupPolicyArgs{
				Id:                 pulumi.String("keep-newest"),
				Action:             pulumi.String("KEEP"),
				MostRecentVersions: &artifactregistry.RepositoryCleanupPolicyMostRecentVersionsArgs{KeepCount: pulumi.Int(a.KeepCount)},
			},
			&artifactregistry.RepositoryCleanupPolicyArgs{
				Id:        pulumi.String("delete-older"),
				Action:    pulumi.String("DELETE"),
				Condition: &artifactregistry.RepositoryCleanupPolicyConditionArgs{TagState: pulumi.String("ANY"), OlderThan: pulumi.String("86400s")},
			},
		},
		Labels: g.Labels,
	}, append(keepOpts(a, parent), pulumi.DependsOn([]pulumi.Resource{api}))...)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	host := fmt.Sprintf("%s-docker.pkg.dev", g.Region)
	path := pulumi.Sprintf("%s/%s/%s/%s", host, g.Project, repo.RepositoryId, gcpImageName)
	if a.PrebuiltGcp != "" {
		return nil, path, nil // the repository stays; the release copied the image into it
	}

	client := organizations.GetClientConfigOutput(ctx, parent)
	// Build once, push twice: the image ECR received is tagged locally with its
	// Artifact Registry name and that same local image is pushed, so both registries
	// hold one image (no second build, whose timestamps could differ). The source is
	// named by its ECR digest, so a new build re-tags and re-pushes.
	tagged, err := docker.NewTag(ctx, name+"-gcp", &docker.TagArgs{
		SourceImage: ecrImg.RepoDigest,
		TargetImage: pulumi.Sprintf("%s/%s/%s/%s:%s", host, g.Project, repo.RepositoryId, gcpImageName, tag),
	}, parent)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	pushed, err := docker.NewRegistryImage(ctx, name+"-gcp", &docker.RegistryImageArgs{
		Name: tagged.TargetImage,
		AuthConfig: &docker.RegistryImageAuthConfigArgs{
			Address:  pulumi.String(host),
			Username: pulumi.String("oauth2accesstoken"),
			Password: pulumi.ToSecret(client.AccessToken()).(pulumi.StringOutput),
		},
		// Old images are the cleanup policy's to expire; prod rolls back to them.
		KeepRemotely: pulumi.Bool(true),
		Triggers:     pulumi.StringMap{"sourceImage": ecrImg.RepoDigest},
	}, parent, pulumi.DependsOn([]pulumi.Resource{repo}))
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	return &pushedCopy{source: ecrImg.RepoDigest, pushed: pushed, path: path}, path, nil
}

// pushedCopy is the Artifact Registry push of the ECR image.
type pushedCopy struct {
	source pulumi.StringOutput // ECR repo@digest
	pushed *docker.RegistryImage
	path   pulumi.StringOutput // Artifact Registry image path
}

// Ref is path@digest, and fails the up when the pushed digest is not ECR's: one
// image, one digest, or no deployment.
func (c *pushedCopy) Ref() pulumi.StringOutput {
	return pulumi.All(c.source, c.pushed.Sha256Digest, c.path).ApplyT(func(v []any) (string, error) {
		src, got, path := v[0].(string), v[1].(string), v[2].(string)
		if err := SameDigest(src, got); err != nil {
			return "", err
		}
		return path + "@" + got, nil
	}).(pulumi.StringOutput)
}

// SameDigest checks that the Artifact Registry push carries the digest of the ECR
// reference src (repo@sha256:...).
func SameDigest(src, pushed string) error {
	_, want, _ := strings.Cut(src, "@")
	if pushed != want {
		return fmt.Errorf("image: the Artifact Registry copy has digest %q but ECR's image is %s: both registries must hold one image (build once, push twice)", pushed, src)
	}
	return nil
}
