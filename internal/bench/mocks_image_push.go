package bench

import (
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// localImages plays the Docker engine's local image store, which is machine-wide like
// the engine: a name (repo:tag or repo@digest) maps to the manifest digest of the image
// it names. A build records its image; a tag gives the same image another name; a push
// of a name uploads that image, so it carries that image's digest. Same content, same
// digest; a second build is a different image (real builds embed timestamps), and the
// docker.Image mock derives its digest from its own name, so two builds never share one.
var localImages = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

func rememberLocal(name, digest string) {
	localImages.Lock()
	defer localImages.Unlock()
	localImages.m[name] = digest
}

// localDigest is the digest of the local image name refers to: a digest reference names
// its digest by definition; a tag is looked up.
func localDigest(name string) (string, bool) {
	if _, d, ok := strings.Cut(name, "@"); ok {
		return d, true
	}
	localImages.Lock()
	defer localImages.Unlock()
	d, ok := localImages.m[name]
	return d, ok
}

func strIn(in resource.PropertyMap, key string) string {
	if v, ok := in[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

func init() {
	// docker.Tag: `docker tag source target` (the provider's id is <source id>.<target>).
	mockResource("docker:index/tag:Tag", func(e env, name string, in, st resource.PropertyMap) string {
		src, target := strIn(in, "sourceImage"), strIn(in, "targetImage")
		d, ok := localDigest(src)
		if !ok {
			// No such local image: docker would fail; an unknown image gets its own digest.
			d = Digest("untagged:" + src)
		}
		rememberLocal(target, d)
		st["sourceImageId"] = resource.NewProperty(d)
		return d + "." + target
	})
	// docker.RegistryImage: pushes the local image called name; its sha256Digest is that
	// image's digest. A name no build or tag produced is a different image.
	mockResource("docker:index/registryImage:RegistryImage", func(e env, name string, in, st resource.PropertyMap) string {
		n := strIn(in, "name")
		d, ok := localDigest(n)
		if !ok {
			d = Digest("pushed:" + n)
		}
		st["sha256Digest"] = resource.NewProperty(d)
		return n + "@" + d
	})
}
