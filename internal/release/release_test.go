package release

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func outputsFixture(t *testing.T, name string) Outputs {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o, err := ReadOutputs(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func tagsFixture(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tags, err := ReadTags(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

func TestDecidePromotion(t *testing.T) {
	cases := []struct {
		name, outputs, tags string
		wantErr             []string // substrings of the error; nil: promotion allowed
	}{
		{"cycle passed on the current image", "dev-outputs.json", "dev-tags-passed.json", nil},
		{"dev destroyed: no imageRef", "dev-outputs-destroyed.json", "dev-tags-passed.json", []string{"promotion stopped", "no imageRef output", "cmd/cycle -stack dev"}},
		{"dev scaled to zero without container targets", "dev-outputs-storage-only.json", "dev-tags-passed.json", []string{"no imageRef output"}},
		{"no cycle record", "dev-outputs.json", "dev-tags-none.json", []string{"refused", "no passing cycle record", TagCycleImage}},
		{"record for another digest", "dev-outputs.json", "dev-tags-stale.json", []string{"refused", "@sha256:aaaa", "@sha256:cccc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := DecidePromotion("dev", outputsFixture(t, c.outputs), tagsFixture(t, c.tags))
			if c.wantErr == nil {
				if err != nil {
					t.Fatalf("want promotion, got %v", err)
				}
				out := outputsFixture(t, c.outputs)
				if p.Ref != out.Str("imageRef") || p.GcpRef != out.Str("gcpImageRef") || p.Version != "0.27.6" {
					t.Errorf("promotion %+v is not dev's tested image %s / %s", p, out.Str("imageRef"), out.Str("gcpImageRef"))
				}
				ov := p.Overrides()
				if ov["prebuiltImage"] != p.Ref || ov["prebuiltGcpImage"] != p.GcpRef {
					t.Errorf("overrides %v do not pin the promoted digests", ov)
				}
				return
			}
			if err == nil {
				t.Fatalf("want refusal, got promotion of %s", p.Image)
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDecidePromotionRefusesAMismatchedGcpCopy(t *testing.T) {
	tags := tagsFixture(t, "dev-tags-passed.json")
	tags[TagCycleGcpImage] = strings.Replace(tags[TagCycleGcpImage], "@sha256:b", "@sha256:e", 1)
	if _, err := DecidePromotion("dev", outputsFixture(t, "dev-outputs.json"), tags); err == nil || !strings.Contains(err.Error(), "gcpImageRef") {
		t.Fatalf("want refusal naming gcpImageRef, got %v", err)
	}
}

func TestDecidePromotionRefusesATagInImageRef(t *testing.T) {
	out := outputsFixture(t, "dev-outputs.json")
	out["imageRef"] = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev:latest"
	if _, err := DecidePromotion("dev", out, tagsFixture(t, "dev-tags-passed.json")); err == nil || !strings.Contains(err.Error(), "digest form") {
		t.Fatalf("want refusal of a mutable tag, got %v", err)
	}
}

func TestCycleRecordTagsRoundTrip(t *testing.T) {
	out := outputsFixture(t, "dev-outputs.json")
	rec := CycleRecord{Image: out.Image(), Version: "0.27.6", PassedAt: "2026-11-30T18:04:11Z"}
	tags := rec.Tags()
	for k := range tags {
		if len(k) > 40 || strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") != "" {
			t.Errorf("tag name %q breaks the backend's rule", k)
		}
	}
	if _, err := DecidePromotion("dev", out, tags); err != nil {
		t.Fatalf("the record the cycle writes does not promote: %v", err)
	}
	for _, k := range CycleTags {
		if _, ok := tags[k]; !ok {
			t.Errorf("CycleTags lists %s, which the record does not write (a cycle start would not clear it)", k)
		}
	}
}

func TestPreviousGood(t *testing.T) {
	cases := []struct {
		name, tags, before string
		ok, verified       bool
		wantSuffix         string
	}{
		{"good tag wins", "prod-tags-good.json", "prod-outputs-first.json", true, true, "cccc"},
		{"no tag: what prod ran before", "prod-tags-none.json", "prod-outputs-first.json", true, false, "dddd"},
		{"nothing at all", "prod-tags-none.json", "dev-outputs-destroyed.json", false, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, ok := PreviousGood(tagsFixture(t, c.tags), outputsFixture(t, c.before))
			if ok != c.ok || p.Verified != c.verified || !strings.HasSuffix(p.Ref, c.wantSuffix) {
				t.Errorf("got %+v ok=%v, want ok=%v verified=%v ref ending %q", p, ok, c.ok, c.verified, c.wantSuffix)
			}
		})
	}
}

func TestAfterSmoke(t *testing.T) {
	newImg := outputsFixture(t, "dev-outputs.json").Image()
	prev, _ := PreviousGood(tagsFixture(t, "prod-tags-good.json"), outputsFixture(t, "prod-outputs-before.json"))
	cases := []struct {
		name     string
		upErr    error
		passed   bool
		prev     Previous
		havePrev bool
		want     Step
		words    []string
	}{
		{"passed", nil, true, prev, true, Done, []string{"prod runs", "aaaa", "passed"}},
		{"smoke failed, previous good exists", nil, false, prev, true, RollBack, []string{"smoke failed", "rolling back to", "cccc", "last digest whose prod smoke passed"}},
		{"up failed", errors.New("ECS deployment circuit breaker"), false, prev, true, RollBack, []string{"up failed", "circuit breaker"}},
		{"no previous", nil, false, Previous{}, false, StopFailed, []string{"no previous digest"}},
		{"previous is the same digest", nil, false, Previous{Image: newImg, Verified: true}, true, StopFailed, []string{"change nothing"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			step, msg := AfterSmoke(newImg, c.upErr, c.passed, c.prev, c.havePrev)
			if step != c.want {
				t.Errorf("step %d, want %d (%s)", step, c.want, msg)
			}
			for _, w := range c.words {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestAfterRollbackNamesWhatProdRuns(t *testing.T) {
	newImg := outputsFixture(t, "dev-outputs.json").Image()
	prev, _ := PreviousGood(tagsFixture(t, "prod-tags-good.json"), outputsFixture(t, "prod-outputs-before.json"))
	cases := []struct {
		name   string
		upErr  error
		passed bool
		words  []string
	}{
		{"rollback passed", nil, true, []string{"ROLLED BACK:", "prod runs " + prev.Ref}},
		{"rollback smoke failed", nil, false, []string{"STILL FAILING", "prod runs " + prev.Ref}},
		{"rollback up failed", errors.New("boom"), false, []string{"ROLLBACK FAILED", "boom", "in between"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := AfterRollback(newImg, prev, c.upErr, c.passed)
			for _, w := range c.words {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestCheckVersion(t *testing.T) {
	cases := []struct {
		v  string
		ok bool
	}{
		{"0.27.6", true},
		{"1.0.0", true},
		{"10.200.3000", true},
		{"", false},
		{"v0.27.6", false},
		{"0.27", false},
		{"0.27.6rc1", false},
		{"0.27.6.post1", false},
		{">=0.27.6", false},
		{"latest", false},
		{"0.27.6; rm -rf /", false},
		{"0.27.6\n", false},
		{strings.Repeat("1", 40), false},
	}
	for _, c := range cases {
		err := CheckVersion(c.v)
		if (err == nil) != c.ok {
			t.Errorf("CheckVersion(%q) = %v, want ok=%v", c.v, err, c.ok)
		}
		if err != nil && c.v != "" && len(c.v) <= 32 && !strings.Contains(err.Error(), strconv.Quote(c.v)) {
			t.Errorf("CheckVersion(%q) error %q does not name the value", c.v, err)
		}
	}
}
