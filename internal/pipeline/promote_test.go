package pipeline

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

const (
	prodRepo = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-prod"
	oldImage = prodRepo + "@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
	// prodCopy is testImage (dev's) copied into prod's repository: same digest.
	prodCopy = prodRepo + "@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

// fakeCopier is a registry-to-registry copy in memory: it records the copies and
// answers dstRepo@<src digest>, or what broken says for a source.
type fakeCopier struct {
	copies []string
	broken map[string]string // src -> returned ref ("" with err)
	err    error
}

func (f *fakeCopier) Copy(_ context.Context, src, dstRepo string) (string, error) {
	f.copies = append(f.copies, src+" -> "+dstRepo)
	if got, ok := f.broken[src]; ok {
		return got, f.err
	}
	return dstRepo + "@" + release.DigestOf(src), nil
}

// prodStack serves a healthy app for every image but those in broken.
func prodStack(t *testing.T, broken ...string) *FakeStack {
	good := httptest.NewServer(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithToken())
	bad := httptest.NewServer(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{CorruptDownload: true}).WithToken())
	t.Cleanup(func() { good.Close(); bad.Close() })
	st := &FakeStack{StackName: "prod", Conf: map[string]string{"sgraph-send:environment": "prod", "sgraph-send:targets": `["fargate"]`}}
	st.OutputsFor = func(conf map[string]any) smoke.RawOutputs {
		img, _ := conf["sgraph-send:prebuiltImage"].(string)
		url := good.URL
		if slices.Contains(broken, img) {
			url = bad.URL
		}
		str := func(v string) smoke.Value { return smoke.Value{Value: v} }
		return smoke.RawOutputs{
			outputs.Stack: str("prod"), outputs.Environment: str("prod"), outputs.AppVersion: str("0.27.6"),
			outputs.AwsRegion: str("eu-west-2"), outputs.ImageRef: str(img), outputs.ImageRepository: str(prodRepo),
			outputs.UploadTokenHeader: str(smoketest.TokenHeader), outputs.UploadToken: {Value: smoketest.Token, Secret: true},
			outputs.FargateURL: str(url), outputs.FargateClusterName: str("c"), outputs.FargateServiceName: str("s"),
			outputs.FargateDesiredCount: {Value: float64(2)},
		}
	}
	st.SetOutputs(st.OutputsFor(map[string]any{"sgraph-send:prebuiltImage": oldImage}))
	_ = st.SetTags(context.Background(), release.GoodTags(release.Image{Ref: oldImage}, "0.27.5"))
	return st
}

// passedDev is dev after a passing cycle on testImage.
func passedDev(t *testing.T) *FakeStack {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	dev := devStack(a)
	dev.SetOutputs(a.outputsFor(map[string]any{"sgraph-send:targets": []string{"lambda", "fargate"}}))
	_ = dev.SetTags(context.Background(), release.CycleRecord{Image: release.Image{Ref: testImage}, Version: "0.27.6", PassedAt: "2026-11-30T18:04:11Z"}.Tags())
	return dev
}

func newRelease(prod, dev Stack) *Release {
	return &Release{Target: prod, Source: dev, Smoke: fastSmoke(), Ready: fastReady, Copier: &fakeCopier{}}
}

func TestReleasePromotesTheTestedDigest(t *testing.T) {
	prod, dev := prodStack(t), passedDev(t)
	s := newRelease(prod, dev).Run(context.Background())
	if s.Err != nil || !s.Passed || s.RolledBack {
		t.Fatalf("err=%v passed=%v rolledBack=%v: %s", s.Err, s.Passed, s.RolledBack, s.Message)
	}
	ups := prod.Ups()
	if len(ups) != 1 || ups[0]["prebuiltImage"] != prodCopy {
		t.Fatalf("prod ups %v, want one up pinned to prod's copy of dev's tested digest %s", ups, prodCopy)
	}
	if len(dev.Ups()) != 0 {
		t.Error("promotion changed dev")
	}
	tags, _ := prod.Tags(context.Background())
	if tags[release.TagGoodImage] != prodCopy || s.Runs.Ref != prodCopy {
		t.Errorf("good record %v, runs %s", tags, s.Runs)
	}
}

func TestReleaseRefusesWithoutAPassingCycle(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(dev *FakeStack)
		want   string
	}{
		{"no record", func(dev *FakeStack) { _ = dev.RemoveTags(context.Background(), release.CycleTags) }, "no passing cycle record"},
		{"dev destroyed", func(dev *FakeStack) { dev.SetOutputs(smoke.RawOutputs{}) }, "no imageRef output"},
		{"dev rebuilt since", func(dev *FakeStack) {
			_ = dev.SetTags(context.Background(), map[string]string{release.TagCycleImage: oldImage})
		}, "dev was updated after the cycle"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prod, dev := prodStack(t), passedDev(t)
			c.break_(dev)
			s := newRelease(prod, dev).Run(context.Background())
			if s.Err == nil || !strings.Contains(s.Err.Error(), c.want) {
				t.Fatalf("err %v, want %q", s.Err, c.want)
			}
			if len(prod.Ups()) != 0 {
				t.Errorf("prod was updated: %v", prod.Ups())
			}
		})
	}
}

func TestReleaseRollsBack(t *testing.T) {
	cases := []struct {
		name     string
		broken   []string
		upErr    bool
		wantRuns string
		words    []string
	}{
		{"new digest fails, old passes", []string{prodCopy}, false, oldImage, []string{"ROLLED BACK:", oldImage}},
		{"both fail", []string{prodCopy, oldImage}, false, oldImage, []string{"STILL FAILING", oldImage}},
		{"up of the new digest fails", nil, true, oldImage, []string{"ROLLED BACK:", "up failed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prod, dev := prodStack(t, c.broken...), passedDev(t)
			if c.upErr {
				prod.UpHook = func(_ context.Context, n int, _ Overrides) error {
					if n == 1 {
						return errors.New("up failed: ECS circuit breaker rolled the service back")
					}
					return nil
				}
			}
			s := newRelease(prod, dev).Run(context.Background())
			if s.Passed || !s.RolledBack || s.Err != nil {
				t.Fatalf("passed=%v rolledBack=%v err=%v", s.Passed, s.RolledBack, s.Err)
			}
			ups := prod.Ups()
			if len(ups) != 2 || ups[0]["prebuiltImage"] != prodCopy || ups[1]["prebuiltImage"] != oldImage {
				t.Fatalf("ups %v: want the new digest, then the previous good one", ups)
			}
			if s.Runs.Ref != c.wantRuns {
				t.Errorf("runs %s, want %s", s.Runs, c.wantRuns)
			}
			for _, w := range c.words {
				if !strings.Contains(s.Message, w) {
					t.Errorf("message %q lacks %q", s.Message, w)
				}
			}
			tags, _ := prod.Tags(context.Background())
			if tags[release.TagGoodImage] != oldImage {
				t.Errorf("a failed release moved the good record to %s", tags[release.TagGoodImage])
			}
		})
	}
}

func TestReleaseWithoutPreviousFailsLoudly(t *testing.T) {
	prod, dev := prodStack(t, prodCopy), passedDev(t)
	_ = prod.RemoveTags(context.Background(), []string{release.TagGoodImage, release.TagGoodVersion})
	// Prod's registries exist (bootstrapped) but nothing ran before.
	prod.SetOutputs(smoke.RawOutputs{outputs.ImageRepository: {Value: prodRepo}})
	s := newRelease(prod, dev).Run(context.Background())
	if s.Passed || s.RolledBack || !strings.Contains(s.Message, "RELEASE FAILED") || !strings.Contains(s.Message, "no previous digest") {
		t.Fatalf("passed=%v rolledBack=%v message=%q", s.Passed, s.RolledBack, s.Message)
	}
	if len(prod.Ups()) != 1 {
		t.Errorf("ups %v", prod.Ups())
	}
}

func TestReleaseCopiesIntoProdsOwnRegistries(t *testing.T) {
	devRepo := release.RepoOf(testImage)
	cases := []struct {
		name   string
		break_ func(prod *FakeStack, c *fakeCopier)
		want   []string // error words; nil: released
	}{
		{"copied, then deployed from prod's registry", func(*FakeStack, *fakeCopier) {}, nil},
		{"the copy fails (a layer is missing)", func(_ *FakeStack, c *fakeCopier) {
			c.broken = map[string]string{testImage: ""}
			c.err = errors.New("image sha256:aaaa in sgraph-send-prod: layer 2 sha256:1234 is missing")
		}, []string{"promotion stopped", "copying " + testImage, "layer 2"}},
		{"the copy carries another digest", func(_ *FakeStack, c *fakeCopier) {
			c.broken = map[string]string{testImage: prodRepo + "@sha256:" + strings.Repeat("9", 64)}
		}, []string{"must equal the one dev tested", "sha256:9999"}},
		{"prod has no registry yet", func(prod *FakeStack, _ *fakeCopier) {
			prod.SetOutputs(smoke.RawOutputs{})
		}, []string{"no imageRepository output", "--target"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prod, dev := prodStack(t), passedDev(t)
			cp := &fakeCopier{}
			c.break_(prod, cp)
			r := newRelease(prod, dev)
			r.Copier = cp
			s := r.Run(context.Background())
			if c.want == nil {
				if s.Err != nil || !s.Passed {
					t.Fatalf("err=%v passed=%v", s.Err, s.Passed)
				}
				if len(cp.copies) != 1 || cp.copies[0] != testImage+" -> "+prodRepo {
					t.Errorf("copies %v, want dev's digest into %s", cp.copies, prodRepo)
				}
				for _, up := range prod.Ups() {
					for k, v := range up {
						if s, _ := v.(string); strings.Contains(s, devRepo) {
							t.Errorf("prod's up sets %s=%s: a reference into dev's registry", k, s)
						}
					}
				}
				return
			}
			if s.Err == nil {
				t.Fatalf("released although %s", c.name)
			}
			for _, w := range c.want {
				if !strings.Contains(s.Err.Error(), w) {
					t.Errorf("error %q lacks %q", s.Err, w)
				}
			}
			if len(prod.Ups()) != 0 {
				t.Errorf("prod was updated after a failed copy: %v", prod.Ups())
			}
			if s.Promoted.Ref != "" {
				t.Errorf("a refused release reports a promotion %s (cmd/release would exit 1, not 2)", s.Promoted)
			}
		})
	}
}
