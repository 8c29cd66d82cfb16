package release

import (
	"fmt"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Registries are the repositories a stack owns, as its outputs name them: the ECR
// repository URL and the Artifact Registry image path (cloudrun on).
type Registries struct {
	ECR string `json:"imageRepository"`
	GCP string `json:"gcpImageRepository,omitempty"`
}

// Registries reads the repositories a stack's outputs say it owns.
func (o Outputs) Registries() Registries {
	return Registries{ECR: o.Str(outputs.ImageRepository), GCP: o.Str(outputs.GcpImageRepository)}
}

// Owns reports whether ref lives in one of these repositories.
func (r Registries) Owns(ref string) bool {
	repo := RepoOf(ref)
	return repo != "" && (repo == r.ECR || repo == r.GCP)
}

// RepoOf is ref without its digest: the repository it lives in.
func RepoOf(ref string) string {
	repo, _, _ := strings.Cut(ref, "@")
	return repo
}

// DigestOf is the sha256:... part of a digest-form reference, "" without one.
func DigestOf(ref string) string {
	_, d, _ := strings.Cut(ref, "@")
	return d
}

// BootstrapHint is the one-time command that creates prod's registries before its first
// release: a targeted up of the repositories (and the API Artifact Registry needs), which
// builds and deploys nothing else.
const BootstrapHint = "pulumi up -s prod --target '**aws:ecr/repository:Repository::*' --target '**gcp:projects/service:Service::*-artifactregistry' --target '**gcp:artifactregistry/repository:Repository::*'"

// ProdImage is where a promotion lands: the tested digests in the target's own
// registries. It refuses when the target has no registries yet (first release) or no
// Artifact Registry while the promotion carries a Cloud Run copy.
func ProdImage(target string, tested Image, regs Registries) (Image, error) {
	if regs.ECR == "" {
		return Image{}, fmt.Errorf("promotion stopped: stack %s has no %s output, so it has no registry of its own to copy the tested digest into (first release, or the stack was never deployed with a container target); "+
			"create its registries once with `%s`, then release again", target, outputs.ImageRepository, BootstrapHint)
	}
	img := Image{Ref: regs.ECR + "@" + DigestOf(tested.Ref)}
	if tested.GcpRef != "" {
		if regs.GCP == "" {
			return Image{}, fmt.Errorf("promotion stopped: the tested image has an Artifact Registry copy (%s) but stack %s has no %s output (cloudrun off in %s, or its registry not created yet: `%s`)",
				tested.GcpRef, target, outputs.GcpImageRepository, target, BootstrapHint)
		}
		img.GcpRef = regs.GCP + "@" + DigestOf(tested.GcpRef)
	}
	for _, ref := range []string{img.Ref, img.GcpRef} {
		if ref == "" {
			continue
		}
		if p := DigestProblem(ref); p != "" {
			return Image{}, fmt.Errorf("promotion stopped: %s's copy %q %s", target, ref, p)
		}
	}
	return img, nil
}

// CheckCopy compares what the copy reports with the reference prod will run: same
// repository (prod's) and the digest dev tested.
func CheckCopy(tested, copied, want string) error {
	if copied != want {
		return fmt.Errorf("the copy of %s is %q, not %q: prod's digest must equal the one dev tested (%s)", tested, copied, want, DigestOf(tested))
	}
	return nil
}
