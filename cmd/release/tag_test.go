package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
)

// writeTag leaves the files the release workflow reads: the tag name on one
// line and the message; a bad input writes nothing.
func TestWriteTag(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "release-tag")
	in := release.TagInput{Stack: "prod", From: "dev", Commit: strings.Repeat("a", 40), At: time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC),
		Promoted: release.Promotion{Image: release.Image{Ref: "r.example/app@sha256:" + strings.Repeat("c", 64)}, Version: "0.27.6"}}
	if err := writeTag(prefix, in); err != nil {
		t.Fatal(err)
	}
	name, _ := os.ReadFile(prefix + ".name")
	msg, _ := os.ReadFile(prefix + ".message")
	if string(name) != "release/prod/20261203T160000Z\n" || !strings.Contains(string(msg), "program-commit: "+in.Commit) {
		t.Errorf("name %q, message %q", name, msg)
	}

	bad := filepath.Join(t.TempDir(), "bad")
	in.Commit = "HEAD"
	if err := writeTag(bad, in); err == nil {
		t.Error("a symbolic commit must be refused")
	}
	if _, err := os.Stat(bad + ".name"); !os.IsNotExist(err) {
		t.Error("a refused tag must write nothing")
	}
}
