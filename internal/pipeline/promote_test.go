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

const oldImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

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
			outputs.AwsRegion: str("eu-west-2"), outputs.ImageRef: str(img),
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
	return &Release{Target: prod, Source: dev, Smoke: fastSmoke(), Ready: fastReady}
}

func TestReleasePromotesTheTestedDigest(t *testing.T) {
	prod, dev := prodStack(t), passedDev(t)
	s := newRelease(prod, dev).Run(context.Background())
	if s.Err != nil || !s.Passed || s.RolledBack {
		t.Fatalf("err=%v passed=%v rolledBack=%v: %s", s.Err, s.Passed, s.RolledBack, s.Message)
	}
	ups := prod.Ups()
	if len(ups) != 1 || ups[0]["prebuiltImage"] != testImage {
		t.Fatalf("prod ups %v, want one up pinned to dev's tested digest", ups)
	}
	if len(dev.Ups()) != 0 {
		t.Error("promotion changed dev")
	}
	tags, _ := prod.Tags(context.Background())
	if tags[release.TagGoodImage] != testImage || s.Runs.Ref != testImage {
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
		{"new digest fails, old passes", []string{testImage}, false, oldImage, []string{"ROLLED BACK:", oldImage}},
		{"both fail", []string{testImage, oldImage}, false, oldImage, []string{"STILL FAILING", oldImage}},
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
			if len(ups) != 2 || ups[0]["prebuiltImage"] != testImage || ups[1]["prebuiltImage"] != oldImage {
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
	prod, dev := prodStack(t, testImage), passedDev(t)
	_ = prod.RemoveTags(context.Background(), []string{release.TagGoodImage, release.TagGoodVersion})
	prod.SetOutputs(nil)
	s := newRelease(prod, dev).Run(context.Background())
	if s.Passed || s.RolledBack || !strings.Contains(s.Message, "RELEASE FAILED") || !strings.Contains(s.Message, "no previous digest") {
		t.Fatalf("passed=%v rolledBack=%v message=%q", s.Passed, s.RolledBack, s.Message)
	}
	if len(prod.Ups()) != 1 {
		t.Errorf("ups %v", prod.Ups())
	}
}
