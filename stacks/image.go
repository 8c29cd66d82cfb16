package stacks

import (
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/image"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// ImageContext is the Docker build context, relative to the project folder.
const ImageContext = "docker"

// ImageConfig says where the container image every target runs comes from:
// built from docker/ by default, or given prebuilt (no build; the repositories stay).
type ImageConfig struct {
	// Prebuilt is an ECR image reference in digest form; when set nothing is
	// built and no repository is created (CI builds elsewhere, or an operator
	// has no Docker engine).
	Prebuilt string
	// PrebuiltGcp is the Artifact Registry copy of Prebuilt, in digest form;
	// required with Prebuilt when a GCP target is on (without a build there is
	// nothing to copy).
	PrebuiltGcp string
	// KeepCount is how many images the registries' lifecycle policies keep.
	KeepCount int
}

// Build reports whether this stack builds and pushes the image itself.
func (i ImageConfig) Build() bool { return i.Prebuilt == "" }

var (
	// digestRef is [registry/]repo@sha256:<64 hex>: consumers never run a mutable tag.
	digestRef = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._/-][a-z0-9]+)*)*@sha256:[a-f0-9]{64}$`)
)

func loadImage(r *reader, c *Config) ImageConfig {
	img := ImageConfig{
		Prebuilt:    strings.TrimSpace(r.str("prebuiltImage")),
		PrebuiltGcp: strings.TrimSpace(r.str("prebuiltGcpImage")),
		KeepCount:   r.integer("imageKeepCount", image.MinKeepCount, image.MaxKeepCount),
	}
	const digestHelp = "must be an image reference in digest form, <registry>/<repo>@sha256:<64 hex> (a tag such as :latest is mutable); " +
		"get it with `docker buildx imagetools inspect <image>:<tag>`, or unset it to build from docker/: `pulumi config rm %s`"
	if img.Prebuilt != "" && !digestRef.MatchString(img.Prebuilt) {
		r.fail("prebuiltImage", img.Prebuilt, digestHelp, "prebuiltImage")
	}
	if img.PrebuiltGcp != "" && !digestRef.MatchString(img.PrebuiltGcp) {
		r.fail("prebuiltGcpImage", img.PrebuiltGcp, digestHelp, "prebuiltGcpImage")
	}
	if !c.needsGcpImage() {
		return img
	}
	switch {
	case img.Prebuilt != "" && img.PrebuiltGcp == "":
		r.fail("prebuiltGcpImage", "", "a GCP target is on and prebuiltImage skips the build, so there is nothing to copy to Artifact Registry: "+
			"`pulumi config set prebuiltGcpImage <region>-docker.pkg.dev/<project>/<repo>/<image>@sha256:<digest>`, or unset prebuiltImage to build both")
	case img.Prebuilt == "" && img.PrebuiltGcp != "":
		r.fail("prebuiltGcpImage", img.PrebuiltGcp, "only used together with prebuiltImage; the build pushes its own Artifact Registry copy: `pulumi config rm prebuiltGcpImage`")
	}
	return img
}

// deployImage fills s.ImageRef (and s.GcpImageRef when a GCP target is on)
// with digest-form references, building and pushing unless a prebuilt image
// is configured.
func deployImage(ctx *pulumi.Context, c *Config, s *shared, ex exports) error {
	gcp := c.needsGcpImage()
	// A prebuilt image skips the build but keeps the repositories: prod's are
	// protected, and promotion must never try to delete them.
	args := &image.Args{
		Context:        ImageContext,
		WorkDir:        ctx.RootDirectory(),
		AppVersion:     c.AppVersion,
		RepositoryName: strings.ToLower(c.Name()),
		KeepCount:      c.Image.KeepCount,
		Immutable:      c.Environment.Prod(),
		Retain:         c.Environment.Prod(),
		Tags:           pulumi.ToStringMap(c.Tags),
		Prebuilt:       c.Image.Prebuilt,
		PrebuiltGcp:    c.Image.PrebuiltGcp,
	}
	if gcp {
		args.Gcp = &image.GcpArgs{
			Project:      c.Gcp.Project,
			Region:       c.Gcp.Region,
			RepositoryID: strings.ToLower(c.Name()),
			Labels:       gcpLabels(c.Tags),
		}
	}
	img, err := image.New(ctx, c.Name("image"), args)
	if err != nil {
		return err
	}
	s.ImageRef, s.GcpImageRef = img.ImageRef, img.GcpImageRef
	ex[outputs.ImageRef] = s.ImageRef
	ex[outputs.ImageRepository] = img.RepositoryURL
	if gcp {
		ex[outputs.GcpImageRef] = s.GcpImageRef
		ex[outputs.GcpImageRepository] = img.GcpRepositoryURL
	}
	return nil
}
