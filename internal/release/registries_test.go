package release

import (
	"strings"
	"testing"
)

func TestProdImage(t *testing.T) {
	const (
		a      = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		b      = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		devECR = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev"
		devAR  = "europe-west2-docker.pkg.dev/sgraph-send-dev/sgraph-send-dev/sgraph-send"
		prdECR = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-prod"
		prdAR  = "europe-west2-docker.pkg.dev/sgraph-send-prod/sgraph-send-prod/sgraph-send"
	)
	cases := []struct {
		name    string
		tested  Image
		regs    Registries
		want    Image
		wantErr string
	}{
		{"both registries", Image{devECR + "@" + a, devAR + "@" + b}, Registries{prdECR, prdAR}, Image{prdECR + "@" + a, prdAR + "@" + b}, ""},
		{"ECR only", Image{Ref: devECR + "@" + a}, Registries{ECR: prdECR}, Image{Ref: prdECR + "@" + a}, ""},
		{"no registry yet", Image{Ref: devECR + "@" + a}, Registries{}, Image{}, "no imageRepository output"},
		{"cloud run copy without prod's AR", Image{devECR + "@" + a, devAR + "@" + b}, Registries{ECR: prdECR}, Image{}, "no gcpImageRepository output"},
		{"a malformed registry output", Image{Ref: devECR + "@" + a}, Registries{ECR: "Not A Repo"}, Image{}, "not an image reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ProdImage("prod", c.tested, c.regs)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
			if !c.regs.Owns(got.Ref) || (got.GcpRef != "" && !c.regs.Owns(got.GcpRef)) || c.regs.Owns(c.tested.Ref) {
				t.Errorf("ownership: prod must own %s and not dev's %s", got, c.tested)
			}
			if DigestOf(got.Ref) != DigestOf(c.tested.Ref) {
				t.Errorf("digest changed: %s vs %s", got.Ref, c.tested.Ref)
			}
		})
	}
}

func TestCheckCopy(t *testing.T) {
	const want = "r.example/prod@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	if err := CheckCopy("r.example/dev@sha256:aaaa", want, want); err != nil {
		t.Fatal(err)
	}
	if err := CheckCopy("r.example/dev@sha256:aaaa", "r.example/prod@sha256:ffff", want); err == nil || !strings.Contains(err.Error(), "sha256:ffff") {
		t.Fatalf("a copy with another digest must fail naming it, got %v", err)
	}
}
