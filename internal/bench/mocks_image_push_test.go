package bench

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The mocks must say "same content, same digest" because it is true of the image, not
// because they return equal strings: two builds differ, a tag and push of one build match.
func TestLocalImageDigests(t *testing.T) {
	e := EnvFor(nil)
	props := func(kv ...string) resource.PropertyMap {
		m := resource.PropertyMap{}
		for i := 0; i < len(kv); i += 2 {
			m[resource.PropertyKey(kv[i])] = resource.NewProperty(kv[i+1])
		}
		return m
	}
	const ecr = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/t-push"
	const ar = "europe-west2-docker.pkg.dev/p/t-push/sgraph-send"
	_, built := Compute(e, "docker:index/image:Image", "img", props("imageName", ecr+":0.27.6-abc"))
	repoDigest := built["repoDigest"].StringValue()
	_, second := Compute(e, "docker:index/image:Image", "img-gcp", props("imageName", ar+":0.27.6-abc"))
	_, tagged := Compute(e, "docker:index/tag:Tag", "img-gcp", props("sourceImage", repoDigest, "targetImage", ar+":0.27.6-abc"))
	_, pushed := Compute(e, "docker:index/registryImage:RegistryImage", "img-gcp", props("name", ar+":0.27.6-abc"))
	_, stray := Compute(e, "docker:index/registryImage:RegistryImage", "other", props("name", ar+":never-tagged"))

	digestOf := func(ref string) string { return ref[len(ref)-71:] }
	cases := []struct {
		name  string
		a, b  string
		equal bool
	}{
		{"a second build is another image", digestOf(repoDigest), digestOf(second["repoDigest"].StringValue()), false},
		{"the tag names the built image", digestOf(repoDigest), tagged["sourceImageId"].StringValue(), true},
		{"the push of the tagged image carries its digest", digestOf(repoDigest), pushed["sha256Digest"].StringValue(), true},
		{"a push of a name nobody tagged is another image", digestOf(repoDigest), stray["sha256Digest"].StringValue(), false},
	}
	for _, c := range cases {
		if (c.a == c.b) != c.equal {
			t.Errorf("%s: %s vs %s, want equal=%v", c.name, c.a, c.b, c.equal)
		}
	}
}
