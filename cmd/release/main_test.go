package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

func TestCheckVersion(t *testing.T) {
	cases := []struct {
		version string
		want    int
		says    string
	}{
		{"0.27.7", exitOK, "0.27.7 is a release"},
		{"0.27.7-rc1", exitRefused, `"0.27.7-rc1"`},
		{"latest", exitRefused, `"latest"`},
		{"", exitRefused, "empty"},
	}
	for _, c := range cases {
		var out, errb strings.Builder
		got := run(context.Background(), []string{"-check-version", c.version}, &out, &errb)
		if got != c.want || !strings.Contains(out.String()+errb.String(), c.says) {
			t.Errorf("-check-version %q: exit %d (want %d), output %q %q lacks %q", c.version, got, c.want, out.String(), errb.String(), c.says)
		}
	}
}

// TestMissingDevOutputStopsPromotion: dev without an imageRef output refuses with
// exit 2 and a message naming the output, and prod is not touched.
func TestMissingDevOutputStopsPromotion(t *testing.T) {
	dev := &pipeline.FakeStack{StackName: "dev"}
	dev.SetOutputs(smoke.RawOutputs{"stack": {Value: "dev"}})
	prod := &pipeline.FakeStack{StackName: "prod"}
	old := openStack
	openStack = func(_ context.Context, _, name string, _ io.Writer) (pipeline.Stack, error) {
		if name == "dev" {
			return dev, nil
		}
		return prod, nil
	}
	t.Cleanup(func() { openStack = old })
	var out, errb strings.Builder
	got := run(context.Background(), []string{"-stack", "prod", "-from", "dev"}, &out, &errb)
	if got != exitRefused || !strings.Contains(errb.String(), "no imageRef output") {
		t.Fatalf("exit %d, stderr %q", got, errb.String())
	}
	if len(prod.Ups()) != 0 {
		t.Errorf("prod was updated: %v", prod.Ups())
	}
}

func TestRollbackWithoutARecordIsRefused(t *testing.T) {
	prod := &pipeline.FakeStack{StackName: "prod"}
	prod.SetOutputs(smoke.RawOutputs{"imageRef": {Value: "r.example/prod@sha256:" + strings.Repeat("a", 64)}})
	old := openStack
	openStack = func(context.Context, string, string, io.Writer) (pipeline.Stack, error) { return prod, nil }
	t.Cleanup(func() { openStack = old })
	for _, args := range [][]string{{"-stack", "prod", "-rollback"}, {"-stack", "prod", "-rollback-to", "sha256:" + strings.Repeat("c", 12)}} {
		var out, errb strings.Builder
		if got := run(context.Background(), args, &out, &errb); got != exitRefused || !strings.Contains(errb.String(), "no good-release record") {
			t.Errorf("%v: exit %d, stderr %q", args, got, errb.String())
		}
	}
	if len(prod.Ups()) != 0 {
		t.Errorf("prod was updated: %v", prod.Ups())
	}
}
