package release

import (
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Promotion is what prod deploys: the image dev's cycle passed, by digest, no rebuild.
type Promotion struct {
	Image
	Version  string
	PassedAt string
}

// Overrides are the config keys prod's `up` gets for this run only.
func (p Promotion) Overrides() map[string]any { return ImageOverrides(p.Image) }

// ImageOverrides pins a stack to a prebuilt image (no build, no ECR repository).
func ImageOverrides(img Image) map[string]any {
	o := map[string]any{"prebuiltImage": img.Ref}
	if img.GcpRef != "" {
		o["prebuiltGcpImage"] = img.GcpRef
	}
	return o
}

// DecidePromotion reads dev's outputs and stack tags and returns the digest prod may run.
// It refuses, with what to do next, when dev has no image output, when no cycle passed,
// or when dev's current image is not the one that passed (rebuilt since, or its cycle
// failed).
func DecidePromotion(from string, devOut Outputs, devTags map[string]string) (Promotion, error) {
	cur := devOut.Image()
	if cur.Ref == "" {
		return Promotion{}, fmt.Errorf("promotion stopped: stack %s has no %s output (never deployed, destroyed, or every container target removed), so there is no tested digest to promote; "+
			"run the %s cycle (push to %s, or `go run ./cmd/cycle -stack %s`) and promote after it passes", from, outputs.ImageRef, from, from, from)
	}
	if p := DigestProblem(cur.Ref); p != "" {
		return Promotion{}, fmt.Errorf("promotion stopped: stack %s output %s %q %s", from, outputs.ImageRef, cur.Ref, p)
	}
	rec := CycleRecord{
		Image:    Image{Ref: devTags[TagCycleImage], GcpRef: devTags[TagCycleGcpImage]},
		Version:  devTags[TagCycleVersion],
		PassedAt: devTags[TagCyclePassedAt],
	}
	if rec.Ref == "" {
		return Promotion{}, fmt.Errorf("promotion refused: %s's image %s has no passing cycle record (stack tag %s is absent: the last cycle failed, was interrupted, or never ran); "+
			"run `go run ./cmd/cycle -stack %s` until it passes", from, cur.Ref, TagCycleImage, from)
	}
	if rec.Ref != cur.Ref {
		return Promotion{}, fmt.Errorf("promotion refused: %s runs %s, but the digest that passed its cycle is %s (dev was updated after the cycle); "+
			"run the %s cycle on the current image first", from, cur.Ref, rec.Ref, from)
	}
	if cur.GcpRef != "" && rec.GcpRef != cur.GcpRef {
		return Promotion{}, fmt.Errorf("promotion refused: %s's %s %s is not the copy that passed its cycle (%q)", from, outputs.GcpImageRef, cur.GcpRef, rec.GcpRef)
	}
	if rec.GcpRef != "" {
		if p := DigestProblem(rec.GcpRef); p != "" {
			return Promotion{}, fmt.Errorf("promotion refused: stack tag %s %q %s", TagCycleGcpImage, rec.GcpRef, p)
		}
	}
	return Promotion{Image: rec.Image, Version: rec.Version, PassedAt: rec.PassedAt}, nil
}
