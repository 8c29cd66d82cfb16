package release

import (
	"strings"
	"testing"
	"time"
)

func TestReleaseTag(t *testing.T) {
	const commit = "0123456789abcdef0123456789abcdef01234567"
	digest := "sha256:" + strings.Repeat("b", 64)
	good := TagInput{
		Stack: "prod", From: "dev", Commit: commit,
		At: time.Date(2026, 12, 1, 9, 30, 5, 0, time.FixedZone("CET", 3600)),
		Promoted: Promotion{
			Image:    Image{Ref: "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send@" + digest, GcpRef: "europe-west2-docker.pkg.dev/p/r/sgraph-send@" + digest},
			Version:  "0.27.6",
			PassedAt: "2026-12-01T07:55:00Z",
		},
	}
	tag, err := ReleaseTag(good)
	if err != nil {
		t.Fatal(err)
	}
	if tag.Name != "release/prod/20261201T083005Z" {
		t.Errorf("name %q: want UTC time", tag.Name)
	}
	for _, want := range []string{
		"sgraph-send prod release 2026-12-01T08:30:05Z: sgraph-ai-app-send 0.27.6\n\n",
		"\napp-version: 0.27.6\n",
		"\ndigest: " + digest + "\n",
		"\nimage: 123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send@" + digest + "\n",
		"\ngcp-image: europe-west2-docker.pkg.dev/p/r/sgraph-send@" + digest + "\n",
		"\nprogram-commit: " + commit + "\n",
		"\ntested-on: dev cycle passed at 2026-12-01T07:55:00Z\n",
	} {
		if !strings.Contains(tag.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, tag.Message)
		}
	}

	// Each broken input is refused, naming what is wrong.
	for name, tc := range map[string]struct {
		edit func(*TagInput)
		want string
	}{
		"short commit":   {func(in *TagInput) { in.Commit = "0123456" }, "40-hex"},
		"image by tag":   {func(in *TagInput) { in.Promoted.Ref = "r.example/app:latest" }, "image"},
		"no version":     {func(in *TagInput) { in.Promoted.Version = "" }, "app version"},
		"slash in stack": {func(in *TagInput) { in.Stack = "prod/x" }, "stack"},
		"no time":        {func(in *TagInput) { in.At = time.Time{} }, "time"},
	} {
		t.Run(name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			if _, err := ReleaseTag(in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one naming %q", err, tc.want)
			}
		})
	}
}
