package imagecopy

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// reg is an in-memory registry on 127.0.0.1 (ggcr speaks plain HTTP to loopback).
type reg struct {
	srv   *httptest.Server
	blobs registry.BlobHandler
}

func newReg(t *testing.T) *reg {
	t.Helper()
	b := registry.NewInMemoryBlobHandler()
	srv := httptest.NewServer(registry.New(registry.WithBlobHandler(b), registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return &reg{srv: srv, blobs: b}
}

func (r *reg) host() string { return strings.TrimPrefix(r.srv.URL, "http://") }

// deleteBlob removes a blob the way a broken or half-finished push leaves a registry.
func (r *reg) deleteBlob(t *testing.T, h v1.Hash) {
	t.Helper()
	if err := r.blobs.(registry.BlobDeleteHandler).Delete(context.Background(), "", h); err != nil {
		t.Fatal(err)
	}
}

// push writes an image (or a two-platform index) to r and returns its digest ref.
func push(t *testing.T, r *reg, repo string, index bool) (string, v1.Image) {
	t.Helper()
	ref := mustRef(t, r.host()+"/"+repo+":tested")
	if index {
		idx, err := random.Index(512, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.WriteIndex(ref, idx); err != nil {
			t.Fatal(err)
		}
		h, _ := idx.Digest()
		m, _ := idx.IndexManifest()
		img, _ := idx.Image(m.Manifests[0].Digest)
		return r.host() + "/" + repo + "@" + h.String(), img
	}
	img, err := random.Image(512, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	h, _ := img.Digest()
	return r.host() + "/" + repo + "@" + h.String(), img
}

func digestOf(ref string) string { return ref[strings.Index(ref, "@")+1:] }

func TestCopyByDigestSurvivesTheSourceRegistry(t *testing.T) {
	for _, index := range []bool{false, true} {
		t.Run(fmt.Sprintf("index=%v", index), func(t *testing.T) {
			ctx := context.Background()
			dev, prod := newReg(t), newReg(t)
			src, _ := push(t, dev, "sgraph-send-dev", index)
			c := Copier{Keychain: authn.DefaultKeychain}
			got, err := c.Copy(ctx, src, prod.host()+"/sgraph-send-prod")
			if err != nil {
				t.Fatal(err)
			}
			if want := prod.host() + "/sgraph-send-prod@" + digestOf(src); got != want {
				t.Fatalf("copy is %s, want %s (same digest in prod's repository)", got, want)
			}
			// Dev is destroyed: its registry is gone.
			dev.srv.Close()
			if _, err := remote.Head(mustRef(t, src)); err == nil {
				t.Fatal("the source registry still answers; the test proves nothing")
			}
			if err := c.Verify(ctx, got, digestOf(src)); err != nil {
				t.Fatalf("prod's reference no longer resolves after dev is gone: %v", err)
			}
		})
	}
}

func TestCopyAndVerifyNameWhatIsBroken(t *testing.T) {
	ctx := context.Background()
	c := Copier{}
	cases := []struct {
		name   string
		break_ func(t *testing.T, dev, prod *reg, src string, img v1.Image) (ref, want string)
		words  []string
	}{
		{"a layer missing in the source fails the copy", func(t *testing.T, dev, prod *reg, src string, img v1.Image) (string, string) {
			ls, _ := img.Layers()
			h, _ := ls[1].Digest()
			dev.deleteBlob(t, h)
			_, err := c.Copy(ctx, src, prod.host()+"/sgraph-send-prod")
			if err == nil || !strings.Contains(err.Error(), h.Hex[:12]) {
				t.Fatalf("copy with a missing layer: want an error naming %s, got %v", h, err)
			}
			return "", ""
		}, nil},
		{"a layer missing in prod fails verify", func(t *testing.T, dev, prod *reg, src string, img v1.Image) (string, string) {
			got, err := c.Copy(ctx, src, prod.host()+"/sgraph-send-prod")
			if err != nil {
				t.Fatal(err)
			}
			ls, _ := img.Layers()
			h, _ := ls[2].Digest()
			prod.deleteBlob(t, h)
			return got, digestOf(src)
		}, []string{"layer 3", "is missing"}},
		{"a different digest fails verify", func(t *testing.T, dev, prod *reg, src string, img v1.Image) (string, string) {
			got, err := c.Copy(ctx, src, prod.host()+"/sgraph-send-prod")
			if err != nil {
				t.Fatal(err)
			}
			return got, "sha256:" + strings.Repeat("e", 64)
		}, []string{"not the tested sha256:eeee"}},
		{"a repository prod never received fails verify", func(t *testing.T, dev, prod *reg, src string, img v1.Image) (string, string) {
			return prod.host() + "/sgraph-send-prod@" + digestOf(src), digestOf(src)
		}, []string{"does not resolve"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dev, prod := newReg(t), newReg(t)
			src, img := push(t, dev, "sgraph-send-dev", false)
			ref, want := tc.break_(t, dev, prod, src, img)
			if ref == "" {
				return
			}
			err := c.Verify(ctx, ref, want)
			if err == nil {
				t.Fatal("verify passed on a broken copy")
			}
			for _, w := range tc.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestCopyRefusesBadReferences(t *testing.T) {
	c := Copier{}
	cases := []struct{ src, dst, word string }{
		{"r.example/a:latest", "r.example/b", "digest form"},
		{"r.example/a@sha256:" + strings.Repeat("a", 64), "r.example/b:tag", "not a repository"},
	}
	for _, tc := range cases {
		if _, err := c.Copy(context.Background(), tc.src, tc.dst); err == nil || !strings.Contains(err.Error(), tc.word) {
			t.Errorf("Copy(%s, %s) = %v, want an error with %q", tc.src, tc.dst, err, tc.word)
		}
	}
}

type fakeTokens struct {
	calls int
	err   error
}

func (f *fakeTokens) Login(_ context.Context, region string) (string, string, error) {
	f.calls++
	return "AWS", "pw-" + region, f.err
}

func TestECRKeychain(t *testing.T) {
	tok := &fakeTokens{}
	k := &ECRKeychain{Ctx: context.Background(), Tokens: tok}
	cases := []struct {
		host, wantUser, wantPass string
	}{
		{"123456789012.dkr.ecr.eu-west-2.amazonaws.com", "AWS", "pw-eu-west-2"},
		{"123456789012.dkr.ecr.eu-west-2.amazonaws.com", "AWS", "pw-eu-west-2"}, // cached
		{"europe-west2-docker.pkg.dev", "", ""},                                 // not ECR: anonymous here
		{"evil.example/123456789012.dkr.ecr.eu-west-2.amazonaws.com", "", ""},
	}
	for _, tc := range cases {
		reg, err := name.NewRegistry(strings.SplitN(tc.host, "/", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		a, err := k.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := a.Authorization()
		if cfg.Username != tc.wantUser || cfg.Password != tc.wantPass {
			t.Errorf("%s: got %q/%q, want %q/%q", tc.host, cfg.Username, cfg.Password, tc.wantUser, tc.wantPass)
		}
	}
	if tok.calls != 1 {
		t.Errorf("ECR login called %d times, want 1 (one token per region per run)", tok.calls)
	}
	bad := &ECRKeychain{Ctx: context.Background(), Tokens: &fakeTokens{err: errors.New("AccessDenied")}}
	reg, _ := name.NewRegistry("123456789012.dkr.ecr.us-east-1.amazonaws.com")
	if _, err := bad.Resolve(reg); err == nil || !strings.Contains(err.Error(), "us-east-1") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("a failed login must name the region and the cause, got %v", err)
	}
}

func TestDecodeECRToken(t *testing.T) {
	cases := []struct {
		tok string
		ok  bool
	}{
		{base64.StdEncoding.EncodeToString([]byte("AWS:secret")), true},
		{base64.StdEncoding.EncodeToString([]byte("AWSsecret")), false},
		{"not base64!", false},
	}
	for _, tc := range cases {
		u, p, err := DecodeECRToken(tc.tok)
		if (err == nil) != tc.ok || (tc.ok && (u != "AWS" || p != "secret")) {
			t.Errorf("DecodeECRToken(%q) = %q, %q, %v", tc.tok, u, p, err)
		}
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
