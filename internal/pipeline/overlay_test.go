package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestOverlayLeavesTheStackFileAlone(t *testing.T) {
	path := filepath.Join("..", "..", "Pulumi.dev.yaml")
	base, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	orig := bytes.Clone(base)
	got, err := Overlay(base, Overrides{
		"targets":             []string{"lambda", "fargate", "ec2"},
		"fargateDesiredCount": 1,
		"ec2BakeAmi":          true,
		"appVersion":          "0.27.7",
		"aws:region":          "eu-west-2",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(base, orig) {
		t.Fatal("Overlay modified its input")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, orig) {
		t.Fatal("Pulumi.dev.yaml changed on disk")
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(got, &doc); err != nil {
		t.Fatalf("overlay is not YAML: %v\n%s", err, got)
	}
	c := doc.Config
	if ts, ok := c["sgraph-send:targets"].([]any); !ok || len(ts) != 3 || ts[2] != "ec2" {
		t.Errorf("targets = %#v, want a YAML list (the CLI rejects a string for the declared array)", c["sgraph-send:targets"])
	}
	if c["sgraph-send:fargateDesiredCount"] != 1 || c["sgraph-send:ec2BakeAmi"] != true {
		t.Errorf("typed overrides lost their type: %#v %#v", c["sgraph-send:fargateDesiredCount"], c["sgraph-send:ec2BakeAmi"])
	}
	if c["sgraph-send:appVersion"] != "0.27.7" || c["aws:region"] != "eu-west-2" {
		t.Errorf("appVersion %v, aws:region %v", c["sgraph-send:appVersion"], c["aws:region"])
	}
	if c["sgraph-send:logRetentionDays"] != 7 || c["gcp:region"] != "europe-west2" {
		t.Error("keys without an override changed")
	}
	if !strings.Contains(string(got), "# --- fargate ---") {
		t.Error("comments of the stack file were dropped")
	}
}

func TestOverlayRejectsWhatItCannotWrite(t *testing.T) {
	if _, err := Overlay([]byte("config: [1, 2]\n"), Overrides{"a": "b"}); err == nil {
		t.Error("config as a list accepted")
	}
	if _, err := Overlay([]byte("config: {}\n"), Overrides{"a": 1.5}); err == nil || !strings.Contains(err.Error(), "override a") {
		t.Errorf("float override: %v", err)
	}
	got, err := Overlay(nil, Overrides{"fargateDesiredCount": 1})
	if err != nil || !strings.Contains(string(got), "sgraph-send:fargateDesiredCount: 1") {
		t.Errorf("empty file: %v\n%s", err, got)
	}
}
