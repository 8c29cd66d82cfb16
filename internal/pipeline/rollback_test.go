package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// flipStack is prod serving a broken release (versions 9, task definition :9) with a
// good release on record (versions 5/6, :8). Its outputs follow the rollback override,
// unless stuck names a target whose pointer does not move.
func flipStack(t *testing.T, stuck string) *FakeStack {
	a := newApps(t, smoketest.Faults{}, smoketest.Faults{})
	st := &FakeStack{StackName: "prod", Conf: map[string]string{"sgraph-send:environment": "prod", "sgraph-send:targets": `["lambda","fargate"]`}}
	st.OutputsFor = func(conf map[string]any) smoke.RawOutputs {
		raw := a.outputsFor(map[string]any{"sgraph-send:targets": []string{"lambda", "fargate"}, "sgraph-send:fargateDesiredCount": 2})
		raw[outputs.ImageRef] = smoke.Value{Value: prodCopy}
		pick := func(key, target, def string) smoke.Value {
			rb, _ := conf["sgraph-send:rollback"].(map[string]string)
			if v, ok := rb[key]; ok && target != stuck {
				return smoke.Value{Value: v}
			}
			return smoke.Value{Value: def}
		}
		raw[outputs.LambdaAdminVersion] = pick("lambdaAdminVersion", "lambda-admin", "9")
		raw[outputs.LambdaPublicVersion] = pick("lambdaPublicVersion", "lambda-public", "9")
		raw[outputs.FargateTaskDefinition] = pick("fargateTaskDefinition", "fargate", "sgraph-send-prod:9")
		return raw
	}
	st.SetOutputs(st.OutputsFor(map[string]any{}))
	k, v, err := release.Pointers{Digest: release.DigestOf(oldImage), LambdaAdmin: "5", LambdaPublic: "6",
		TaskDefinition: "sgraph-send-prod:8", At: "2026-12-02T10:00:00Z"}.Tag()
	if err != nil {
		t.Fatal(err)
	}
	_ = st.SetTags(context.Background(), map[string]string{k: v})
	return st
}

func TestRollbackFlipsEveryTarget(t *testing.T) {
	cases := []struct {
		name   string
		stuck  string
		upErr  error
		passed bool
		words  []string
	}{
		{"every target flips", "", nil, true, []string{"ROLLED BACK", "cccc"}},
		{"the public alias does not move", "lambda-public", nil, false, []string{"ROLLBACK INCOMPLETE"}},
		{"the flip's up fails", "", errors.New("UpdateAlias: AccessDenied"), false, []string{"ROLLBACK FAILED", "AccessDenied"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := flipStack(t, c.stuck)
			if c.upErr != nil {
				st.UpHook = func(context.Context, int, Overrides) error { return c.upErr }
			}
			s := (&Rollback{Target: st, Smoke: fastSmoke(), Ready: fastReady}).Run(context.Background())
			msg := s.Message
			if s.Err != nil {
				msg = s.Err.Error()
			}
			if s.Passed != c.passed {
				t.Fatalf("passed=%v, want %v: %s %+v", s.Passed, c.passed, msg, s.Flips)
			}
			for _, w := range c.words {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			ups := st.Ups()
			if len(ups) != 1 {
				t.Fatalf("ups %v, want exactly one flip", ups)
			}
			if ups[0]["prebuiltImage"] != prodCopy {
				t.Errorf("the flip changed the image to %v: only pointers may move", ups[0]["prebuiltImage"])
			}
			rb, _ := ups[0]["rollback"].(map[string]string)
			if rb["lambdaAdminVersion"] != "5" || rb["lambdaPublicVersion"] != "6" || rb["fargateTaskDefinition"] != "sgraph-send-prod:8" {
				t.Errorf("rollback override %v is not the good release's pointers", rb)
			}
			if c.upErr != nil {
				return
			}
			if len(s.Flips) != 3 {
				t.Fatalf("flips %+v, want lambda-admin, lambda-public, fargate", s.Flips)
			}
			for _, f := range s.Flips {
				if f.Passed == (f.Target == c.stuck) {
					t.Errorf("%s: passed=%v (%s)", f.Target, f.Passed, f.Detail)
				}
				if f.Took <= 0 {
					t.Errorf("%s: no flip time measured", f.Target)
				}
			}
		})
	}
}

func TestRollbackRefusesWithoutARecord(t *testing.T) {
	st := flipStack(t, "")
	_ = st.RemoveTags(context.Background(), []string{release.TagGoodReleasePrefix + strings.Repeat("c", 16)})
	s := (&Rollback{Target: st, Smoke: fastSmoke(), Ready: fastReady}).Run(context.Background())
	if s.Err == nil || !strings.Contains(s.Err.Error(), "no good-release record") || len(st.Ups()) != 0 {
		t.Fatalf("err %v ups %v", s.Err, st.Ups())
	}
}

func TestReleaseRecordsThePointersItPassedWith(t *testing.T) {
	prod, dev := prodStack(t), passedDev(t)
	base := prod.OutputsFor
	prod.OutputsFor = func(conf map[string]any) smoke.RawOutputs {
		raw := base(conf)
		raw[outputs.FargateTaskDefinition] = smoke.Value{Value: "sgraph-send-prod:12"}
		return raw
	}
	s := newRelease(prod, dev).Run(context.Background())
	if !s.Passed {
		t.Fatal(s.Message, s.Err)
	}
	tags, _ := prod.Tags(context.Background())
	goods := release.GoodReleases(tags)
	if len(goods) != 1 || goods[0].Digest != release.DigestOf(prodCopy) || goods[0].TaskDefinition != "sgraph-send-prod:12" || goods[0].At == "" {
		t.Fatalf("good releases %+v", goods)
	}
}

func TestOverlayWritesTheRollbackObject(t *testing.T) {
	got, err := Overlay([]byte("config: {}\n"), Overrides{"rollback": map[string]string{"lambdaAdminVersion": "5", "fargateTaskDefinition": "sgraph-send-prod:8"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config map[string]map[string]string `yaml:"config"`
	}
	if err := yaml.Unmarshal(got, &doc); err != nil {
		t.Fatalf("overlay is not YAML: %v\n%s", err, got)
	}
	rb := doc.Config["sgraph-send:rollback"]
	if rb["lambdaAdminVersion"] != "5" || rb["fargateTaskDefinition"] != "sgraph-send-prod:8" {
		t.Fatalf("overlay rollback %v:\n%s", rb, got)
	}
	if _, err := Overlay([]byte("config: {}\n"), Overrides{"rollback": map[string]int{"x": 1}}); err == nil {
		t.Error("an unsupported value type was written")
	}
}
