// Package image builds the one container image every target runs, pushes it to
// a private ECR repository and, when a GCP target is on, pushes that same image
// to Artifact Registry (Cloud Run cannot pull from private ECR). Consumers get
// digest-form references only (repo@sha256:...), never a mutable tag.
package image

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Platform is the only platform the image is built for: Lambda x86_64,
// Fargate X86_64 and Cloud Run all run it.
const Platform = "linux/amd64"

// VersionArg is the Dockerfile build arg that receives the app version.
const VersionArg = "APP_VERSION"

// Limits of the ECR lifecycle policy's countNumber this component accepts.
const (
	MinKeepCount = 1
	MaxKeepCount = 1000
)

// Args configures the image, its repositories and the build.
type Args struct {
	// Context is the build context folder as docker sees it, relative to the
	// program's working directory (kept relative so state is the same on every
	// machine), e.g. "docker". It must hold a Dockerfile.
	Context string
	// WorkDir is the folder Context is relative to when the component reads it
	// to derive the image tag; empty means the process working directory.
	WorkDir string
	// AppVersion is the exact sgraph-ai-app-send release, passed as APP_VERSION.
	AppVersion string
	// RepositoryName is the ECR repository name (lowercase).
	RepositoryName string
	// KeepCount is how many images the lifecycle policies keep.
	KeepCount int
	// Immutable makes tags immutable (prod) and keeps the repositories when
	// they still hold images; otherwise they are force-deleted on destroy (dev).
	Immutable bool
	// Retain keeps the repositories and their lifecycle policies through
	// `pulumi destroy` (protect + retainOnDelete): they hold the images prod
	// runs and rolls back to. Set it for prod.
	Retain bool
	// Tags are applied to the ECR repository.
	Tags pulumi.StringMap
	// Gcp, when set, adds the Artifact Registry copy.
	Gcp *GcpArgs
	// Prebuilt (and PrebuiltGcp with Gcp) skip the build: the references, in
	// digest form, are used as they are. The repositories stay, so switching to
	// a promoted digest never deletes a (protected) registry that holds images.
	Prebuilt    string
	PrebuiltGcp string
}

// GcpArgs places the Artifact Registry copy. The default GCP provider is used
// (configured by gcp:project / gcp:region); Project and Region name the same
// values so the registry host and image path can be derived.
type GcpArgs struct {
	Project      string
	Region       string
	RepositoryID string // Artifact Registry repository id, e.g. "sgraph-send-dev"
	// Labels are GCP labels (already lowercased) for the repository.
	Labels pulumi.StringMap
}

// Image is the built and pushed image.
type Image struct {
	pulumi.ResourceState

	// RepositoryURL is the ECR repository, without tag or digest.
	RepositoryURL pulumi.StringOutput `pulumi:"repositoryUrl"`
	// Tag is the tag the build was pushed under: <version>-<content hash>.
	Tag pulumi.StringOutput `pulumi:"tag"`
	// ImageRef is the ECR image in digest form: what every AWS target runs.
	ImageRef pulumi.StringOutput `pulumi:"imageRef"`
	// GcpImageRef is the Artifact Registry copy in digest form ("" without Gcp).
	GcpImageRef pulumi.StringOutput `pulumi:"gcpImageRef"`
	// GcpRepositoryURL is the Artifact Registry image path, without tag or digest
	// ("" without Gcp): where a release copies a promoted digest.
	GcpRepositoryURL pulumi.StringOutput `pulumi:"gcpRepositoryUrl"`
}

var (
	versionPattern  = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	ecrNamePattern  = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	arIDPattern     = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	gcpProjPattern  = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	gcpRegionPatter = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
)

func (a *Args) validate() error {
	if a == nil {
		return errors.New("image: Args is required")
	}
	var problems []string
	if strings.TrimSpace(a.Context) == "" {
		problems = append(problems, "Context is required (the folder holding the Dockerfile)")
	}
	if !versionPattern.MatchString(a.AppVersion) {
		problems = append(problems, fmt.Sprintf("AppVersion %q must be an exact release like 0.27.6", a.AppVersion))
	}
	if len(a.RepositoryName) < 2 || len(a.RepositoryName) > 256 || !ecrNamePattern.MatchString(a.RepositoryName) {
		problems = append(problems, fmt.Sprintf("RepositoryName %q is not a valid ECR repository name", a.RepositoryName))
	}
	if a.KeepCount < MinKeepCount || a.KeepCount > MaxKeepCount {
		problems = append(problems, fmt.Sprintf("KeepCount %d must be %d..%d", a.KeepCount, MinKeepCount, MaxKeepCount))
	}
	if g := a.Gcp; g != nil {
		if !gcpProjPattern.MatchString(g.Project) {
			problems = append(problems, fmt.Sprintf("Gcp.Project %q is not a GCP project id", g.Project))
		}
		if !gcpRegionPatter.MatchString(g.Region) {
			problems = append(problems, fmt.Sprintf("Gcp.Region %q is not a GCP region", g.Region))
		}
		if !arIDPattern.MatchString(g.RepositoryID) {
			problems = append(problems, fmt.Sprintf("Gcp.RepositoryID %q is not a valid Artifact Registry repository id", g.RepositoryID))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("image: %s", strings.Join(problems, "; "))
	}
	return nil
}

// New builds the image once, pushes it to ECR and, with Gcp, to Artifact
// Registry. The tag changes whenever the context, the version or the platform
// changes, so immutable repositories never see a tag pushed twice.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Image, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	tag, err := contextTag(args)
	if err != nil {
		return nil, err
	}
	img := &Image{}
	if err := ctx.RegisterComponentResource("sgraph-send:image:Image", name, img, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(img)

	ecrImg, repoURL, err := pushToECR(ctx, name, args, tag, parent)
	if err != nil {
		return nil, err
	}
	img.RepositoryURL = repoURL
	img.Tag = pulumi.String(tag).ToStringOutput()
	img.ImageRef = pulumi.String(args.Prebuilt).ToStringOutput()
	if ecrImg != nil {
		img.ImageRef = ecrImg.RepoDigest
	}
	img.GcpImageRef = pulumi.String("").ToStringOutput()
	img.GcpRepositoryURL = pulumi.String("").ToStringOutput()

	if args.Gcp != nil {
		gcpImg, path, err := pushToArtifactRegistry(ctx, name, args, tag, ecrImg, parent)
		if err != nil {
			return nil, err
		}
		img.GcpRepositoryURL = path
		img.GcpImageRef = pulumi.String(args.PrebuiltGcp).ToStringOutput()
		if gcpImg != nil {
			img.GcpImageRef = gcpImg.Ref()
		}
	}

	if err := ctx.RegisterResourceOutputs(img, pulumi.Map{
		"repositoryUrl":    img.RepositoryURL,
		"tag":              img.Tag,
		"imageRef":         img.ImageRef,
		"gcpImageRef":      img.GcpImageRef,
		"gcpRepositoryUrl": img.GcpRepositoryURL,
	}); err != nil {
		return nil, err
	}
	return img, nil
}

// keepOpts are the options of a resource that holds images: retained through
// destroy when a.Retain (see Args.Retain).
func keepOpts(a *Args, parent pulumi.ResourceOrInvokeOption) []pulumi.ResourceOption {
	opts := []pulumi.ResourceOption{parent}
	if a.Retain {
		opts = append(opts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	return slices.Clip(opts)
}
