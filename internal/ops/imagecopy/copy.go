// Package imagecopy copies a container image from one registry to another by digest
// (the manifest or index and every blob it names) and proves the copy resolves. The
// release uses it to give prod its own copy of the digest dev tested, so prod never
// pulls from dev's registries, which are destroyed with dev.
package imagecopy

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Copier copies by digest with credentials from Keychain (Ambient in production).
// Transport is for tests; nil uses remote.DefaultTransport.
type Copier struct {
	Keychain  authn.Keychain
	Transport http.RoundTripper
}

func (c Copier) opts(ctx context.Context) []remote.Option {
	kc := c.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	o := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}
	if c.Transport != nil {
		o = append(o, remote.WithTransport(c.Transport))
	}
	return o
}

// Copy copies src (repo@sha256:...) into the repository dstRepo (no tag, no digest)
// under the same digest and returns dstRepo@<digest> after Verify passed on it. A
// multi-platform index is copied whole, with every child manifest and layer.
func (c Copier) Copy(ctx context.Context, src, dstRepo string) (string, error) {
	from, err := name.NewDigest(src)
	if err != nil {
		return "", fmt.Errorf("copy source %q is not an image reference in digest form: %w", src, err)
	}
	repo, err := name.NewRepository(dstRepo)
	if err != nil {
		return "", fmt.Errorf("copy destination %q is not a repository (<registry>/<path>, no tag or digest): %w", dstRepo, err)
	}
	to := repo.Digest(from.DigestStr())
	o := c.opts(ctx)
	desc, err := remote.Get(from, o...)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", src, err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return "", fmt.Errorf("reading index %s: %w", src, err)
		}
		if err := remote.WriteIndex(to, idx, o...); err != nil {
			return "", fmt.Errorf("copying index %s to %s: %w", src, repo, err)
		}
	} else {
		img, err := desc.Image()
		if err != nil {
			return "", fmt.Errorf("reading image %s: %w", src, err)
		}
		if err := remote.Write(to, img, o...); err != nil {
			return "", fmt.Errorf("copying image %s to %s: %w", src, repo, err)
		}
	}
	if err := c.Verify(ctx, to.String(), from.DigestStr()); err != nil {
		return "", err
	}
	return to.String(), nil
}

// Verify proves ref resolves in its own registry: its manifest's digest is want, and
// every blob it names (configs and layers, through an index's children) is there. The
// error names the missing blob.
func (c Copier) Verify(ctx context.Context, ref, want string) error {
	d, err := name.NewDigest(ref)
	if err != nil {
		return fmt.Errorf("%q is not an image reference in digest form: %w", ref, err)
	}
	o := c.opts(ctx)
	head, err := remote.Head(d, o...)
	if err != nil {
		return fmt.Errorf("%s does not resolve: %w", ref, err)
	}
	if head.Digest.String() != want {
		return fmt.Errorf("%s resolves to digest %s, not the tested %s", ref, head.Digest, want)
	}
	return c.verifyBlobs(d, head.Digest, o)
}

func (c Copier) verifyBlobs(ref name.Digest, h v1.Hash, o []remote.Option) error {
	repo := ref.Context()
	desc, err := remote.Get(repo.Digest(h.String()), o...)
	if err != nil {
		return fmt.Errorf("manifest %s in %s: %w", h, repo, err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return err
		}
		m, err := idx.IndexManifest()
		if err != nil {
			return err
		}
		for _, child := range m.Manifests {
			if err := c.verifyBlobs(ref, child.Digest, o); err != nil {
				return fmt.Errorf("index %s: %w", h, err)
			}
		}
		return nil
	}
	img, err := desc.Image()
	if err != nil {
		return err
	}
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	blobs := []struct {
		what string
		d    v1.Descriptor
	}{{"config", m.Config}}
	for i, l := range m.Layers {
		blobs = append(blobs, struct {
			what string
			d    v1.Descriptor
		}{fmt.Sprintf("layer %d", i+1), l})
	}
	for _, b := range blobs {
		if err := headBlob(repo, b.d.Digest, o); err != nil {
			return fmt.Errorf("image %s in %s: %s %s is missing: %w", h, repo, b.what, b.d.Digest, err)
		}
	}
	return nil
}

// headBlob asks the registry for a blob (layers stream lazily, so a HEAD is the honest
// "is it there" without downloading it).
func headBlob(repo name.Repository, h v1.Hash, o []remote.Option) error {
	l, err := remote.Layer(repo.Digest(h.String()), o...)
	if err != nil {
		return err
	}
	// Size makes the lazy layer issue its HEAD request.
	if _, err := l.Size(); err != nil {
		return err
	}
	return nil
}

// RepoOf is ref without its digest or tag: the repository it lives in.
func RepoOf(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		return ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i]
	}
	return ref
}
