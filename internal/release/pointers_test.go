package release

import (
	"strings"
	"testing"
)

func dg(c string) string { return "sha256:" + strings.Repeat(c, 64) }

func goodTags(t *testing.T, ps ...Pointers) map[string]string {
	t.Helper()
	tags := map[string]string{}
	for _, p := range ps {
		k, v, err := p.Tag()
		if err != nil {
			t.Fatal(err)
		}
		if len(k) > 40 {
			t.Fatalf("tag name %s is over 40 characters", k)
		}
		tags[k] = v
	}
	return tags
}

func TestPointersTagRoundTrip(t *testing.T) {
	p := Pointers{Digest: dg("a"), LambdaAdmin: "12", LambdaPublic: "13", CloudRunRevision: "sgraph-send-prod-cloudrun-0123456789ab",
		TaskDefinition: "sgraph-send-prod:41", At: "2026-12-03T16:00:00Z"}
	k, v, err := p.Tag()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePointers(v)
	if err != nil || got != p || !strings.HasPrefix(k, TagGoodReleasePrefix) {
		t.Fatalf("round trip: %s=%s -> %+v, %v", k, v, got, err)
	}
	for _, bad := range []string{"", "la=1", "d=" + dg("a") + ";zz=1", "d=sha256:short"} {
		if _, err := ParsePointers(bad); err == nil {
			t.Errorf("ParsePointers(%q) accepted a broken record", bad)
		}
	}
	if _, _, err := (Pointers{Digest: "latest"}).Tag(); err == nil {
		t.Error("a record without a digest was written")
	}
}

func TestPickRollback(t *testing.T) {
	old := Pointers{Digest: dg("c"), LambdaAdmin: "3", LambdaPublic: "4", TaskDefinition: "sgraph-send-prod:7", At: "2026-12-01T10:00:00Z"}
	mid := Pointers{Digest: dg("b"), LambdaAdmin: "5", LambdaPublic: "6", TaskDefinition: "sgraph-send-prod:8", At: "2026-12-02T10:00:00Z"}
	now := func(d string) Outputs { return Outputs{"imageRef": "r.example/prod@" + d} }
	cases := []struct {
		name    string
		now     Outputs
		tags    map[string]string
		to      string
		want    string // digest
		wantErr string
	}{
		{"broken release: newest good", now(dg("a")), goodTags(t, old, mid), "", dg("b"), ""},
		{"serving the newest good: the one before", now(dg("b")), goodTags(t, old, mid), "", dg("c"), ""},
		{"by digest prefix", now(dg("a")), goodTags(t, old, mid), "sha256:cccccccccccc", dg("c"), ""},
		{"by full reference", now(dg("a")), goodTags(t, old, mid), "r.example/dev@" + dg("c"), dg("c"), ""},
		{"unknown digest", now(dg("a")), goodTags(t, old, mid), dg("e"), "", "not a good release"},
		{"too short", now(dg("a")), goodTags(t, old, mid), "ccc", "", "at least 12"},
		{"no record", now(dg("a")), map[string]string{}, "", "", "no good-release record"},
		{"only the current one", now(dg("b")), goodTags(t, mid), "", "", "prod serves now"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PickRollback(c.now, c.tags, c.to)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || p.Digest != c.want {
				t.Fatalf("picked %+v, %v; want %s", p, err, c.want)
			}
		})
	}
}

func TestFlipOverridesKeepTheImageAndMoveOnlyPointers(t *testing.T) {
	now := Outputs{"imageRef": "r.example/prod@" + dg("a"), "gcpImageRef": "g.example/p/r/i@" + dg("a"),
		"lambdaAdminVersion": "9", "lambdaPublicVersion": "9", "fargateTaskDefinition": "sgraph-send-prod:9"}
	to := Pointers{Digest: dg("b"), LambdaAdmin: "5", LambdaPublic: "6", CloudRunRevision: "sgraph-send-prod-cloudrun-aaaa", TaskDefinition: "sgraph-send-prod:8"}
	o, err := FlipOverrides(now, to)
	if err != nil {
		t.Fatal(err)
	}
	if o["prebuiltImage"] != now.Str("imageRef") || o["prebuiltGcpImage"] != now.Str("gcpImageRef") {
		t.Errorf("the flip must keep the images prod has (only pointers move): %v", o)
	}
	rb := o["rollback"].(map[string]string)
	want := map[string]string{"lambdaAdminVersion": "5", "lambdaPublicVersion": "6", "fargateTaskDefinition": "sgraph-send-prod:8"}
	if len(rb) != len(want) {
		t.Errorf("rollback %v, want %v (cloudrun is off now: not flipped)", rb, want)
	}
	for k, v := range want {
		if rb[k] != v {
			t.Errorf("rollback[%s] = %v, want %v", k, rb[k], v)
		}
	}
	if _, err := FlipOverrides(Outputs{}, to); err == nil {
		t.Error("a flip without an image output was allowed")
	}
	after := Outputs{"lambdaAdminVersion": "5", "lambdaPublicVersion": "9", "fargateTaskDefinition": "sgraph-send-prod:8"}
	got := Flipped(after, to)
	if !got["lambda-admin"] || got["lambda-public"] || !got["fargate"] {
		t.Errorf("Flipped %v: public did not move and must say so", got)
	}
}
