package release

import (
	"fmt"
	"regexp"
)

// Stack tags that carry the pipeline's records. Tags live in the state backend next to
// the stack (Pulumi Cloud and the S3/file backends both keep them), survive `pulumi up`
// and scale-to-zero, and are written without running the program: a record is a fact
// about a run, not a resource. Names obey the backend's rule ([A-Za-z0-9-_.:], <= 40).
const (
	// On dev, written by cmd/cycle only after the smoke passed and the stack was scaled
	// back down; removed when a cycle starts, so a failed or interrupted cycle leaves none.
	TagCycleImage    = "sgraph-send:cycle-image"     // imageRef that passed
	TagCycleGcpImage = "sgraph-send:cycle-gcp-image" // gcpImageRef that passed (cloudrun on)
	TagCycleVersion  = "sgraph-send:cycle-version"   // appVersion it ran
	TagCyclePassedAt = "sgraph-send:cycle-passed-at" // RFC 3339, UTC

	// On prod, written by cmd/release after prod's smoke passed: the rollback target.
	TagGoodImage    = "sgraph-send:good-image"
	TagGoodGcpImage = "sgraph-send:good-gcp-image"
	TagGoodVersion  = "sgraph-send:good-version"
)

// CycleTags are every tag of the cycle record, for removal at the start of a cycle.
var CycleTags = []string{TagCycleImage, TagCycleGcpImage, TagCycleVersion, TagCyclePassedAt}

// maxTagValue is the backend's limit on a tag value.
const maxTagValue = 256

// digestRef is [registry/]repo@sha256:<64 hex>, the only form a record may hold.
var digestRef = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._/-][a-z0-9]+)*)*@sha256:[a-f0-9]{64}$`)

// DigestProblem says why ref is not a digest-form image reference, or "".
func DigestProblem(ref string) string {
	switch {
	case ref == "":
		return "is empty"
	case len(ref) > maxTagValue:
		return fmt.Sprintf("is %d characters, over the %d a stack tag holds", len(ref), maxTagValue)
	case !digestRef.MatchString(ref):
		return "is not an image reference in digest form (<registry>/<repo>@sha256:<64 hex>)"
	}
	return ""
}

// Image is what a stack runs: the ECR reference and, with cloudrun on, its Artifact
// Registry copy, both by digest.
type Image struct {
	Ref    string `json:"imageRef"`
	GcpRef string `json:"gcpImageRef,omitempty"`
}

func (i Image) String() string {
	if i.GcpRef == "" {
		return i.Ref
	}
	return i.Ref + " (gcp " + i.GcpRef + ")"
}

// CycleRecord is dev's record that a cycle passed.
type CycleRecord struct {
	Image
	Version  string
	PassedAt string
}

// Tags renders the record as the stack tags cmd/cycle writes.
func (r CycleRecord) Tags() map[string]string {
	t := map[string]string{TagCycleImage: r.Ref, TagCycleVersion: r.Version, TagCyclePassedAt: r.PassedAt}
	if r.GcpRef != "" {
		t[TagCycleGcpImage] = r.GcpRef
	}
	return t
}

// GoodTags renders the prod record of a digest whose smoke passed.
func GoodTags(img Image, version string) map[string]string {
	t := map[string]string{TagGoodImage: img.Ref, TagGoodVersion: version}
	if img.GcpRef != "" {
		t[TagGoodGcpImage] = img.GcpRef
	}
	return t
}
