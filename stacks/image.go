package stacks

import (
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// ImageConfig says where the container image every target runs comes from.
type ImageConfig struct {
	// Prebuilt is an image reference in digest form; when set nothing is built.
	Prebuilt string
}

// digestRef is repository@sha256:<64 hex>: consumers never run a mutable tag.
var digestRef = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._/-][a-z0-9]+)*)*@sha256:[a-f0-9]{64}$`)

func loadImage(r *reader, c *Config) ImageConfig {
	img := ImageConfig{Prebuilt: r.str("prebuiltImage")}
	switch {
	case img.Prebuilt == "":
		// TODO(issue 3): build and push the image when no prebuilt one is given.
		r.fail("prebuiltImage", "", "the image build is not wired yet; give a prebuilt image in digest form: `pulumi config set prebuiltImage <repo>@sha256:<digest>`")
	case !digestRef.MatchString(img.Prebuilt):
		r.fail("prebuiltImage", img.Prebuilt, "must be an image reference in digest form, <registry>/<repo>@sha256:<64 hex>")
	}
	return img
}

func deployImage(ctx *pulumi.Context, c *Config, s *shared, ex exports) error {
	s.ImageRef = pulumi.String(c.Image.Prebuilt).ToStringOutput()
	ex[outputs.ImageRef] = s.ImageRef
	return nil
}
