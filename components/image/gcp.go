package image

import (
	"fmt"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// gcpImageName is the image's name inside its Artifact Registry repository.
const gcpImageName = "sgraph-send"

// pushToArtifactRegistry enables the API, creates a Docker repository and
// pushes the same build there. Cloud Run cannot pull from private ECR.
//
// Registry auth: the access token of the credentials the GCP provider runs
// with (getClientConfig), as user "oauth2accesstoken" - the documented way to
// authenticate Docker to Artifact Registry with an OAuth token. It lives about
// an hour, which covers one `up`; it is fetched anew on every run and kept
// secret in state.
func pushToArtifactRegistry(ctx *pulumi.Context, name string, a *Args, tag string, ecrImg *docker.Image, parent pulumi.ResourceOrInvokeOption) (*docker.Image, pulumi.StringOutput, error) {
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
	// cacheFrom the ECR image and an explicit dependency on it: the second
	// build runs after the first and reuses its layers, so both registries
	// hold the same build.
	img, err := docker.NewImage(ctx, name+"-gcp", &docker.ImageArgs{
		ImageName: pulumi.Sprintf("%s/%s/%s/%s:%s", host, g.Project, repo.RepositoryId, gcpImageName, tag),
		Build:     buildArgs(a, pulumi.StringArray{ecrImg.ImageName}),
		Registry: &docker.RegistryArgs{
			Server:   pulumi.String(host),
			Username: pulumi.String("oauth2accesstoken"),
			Password: pulumi.ToSecret(client.AccessToken()).(pulumi.StringOutput),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{ecrImg, repo}))
	return img, path, err
}
