package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unverifiedTagPins are third-party actions still pinned by exact tag: their
// commit SHAs could not be verified from here (no GitHub access, and no
// public workflow we could read pins these exact tags). Dependabot's
// github-actions updates (.github/dependabot.yml) replace them with SHA pins
// on its first run. The last two came with the image, bake and bump-token
// workflows (issue 26), equally unverifiable from here.
var unverifiedTagPins = map[string]bool{
	"pulumi/actions@v6.6.1":                            true,
	"EnricoMi/publish-unit-test-result-action@v2.22.0": true,
	"actions/download-artifact@v5.0.0":                 true,
	"actions/create-github-app-token@v2.1.1":           true,
}

// shaPinLine is a SHA pin with the release it stands for, the form
// Dependabot keeps current: `uses: owner/repo@<40 hex> # vX.Y.Z`.
var (
	shaUses     = regexp.MustCompile(`uses:\s*["']?([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)@([0-9a-f]{40})["']?(.*)$`)
	versionNote = regexp.MustCompile(`^\s+# v\d+\.\d+\.\d+\s*$`)
)

// shaPinProblem says what is wrong with one raw `uses:` line, or "".
func shaPinProblem(line string) string {
	m := shaUses.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	if !versionNote.MatchString(m[3]) {
		return "a SHA pin needs its release in a comment, `# vX.Y.Z`, so readers and Dependabot know what it is"
	}
	return ""
}

func TestShaPinProblem(t *testing.T) {
	cases := []struct {
		line string
		ok   bool
	}{
		{"      - uses: actions/checkout@93cb6efe18208431cddfb8368fd83d5badbf9bfd # v5.0.1", true},
		{"      - uses: actions/checkout@93cb6efe18208431cddfb8368fd83d5badbf9bfd", false},
		{"      - uses: actions/checkout@93cb6efe18208431cddfb8368fd83d5badbf9bfd # v5", false},
		{"      - uses: actions/checkout@93cb6efe18208431cddfb8368fd83d5badbf9bfd # main", false},
		{"      - uses: ./.github/actions/setup", true},
	}
	for _, c := range cases {
		if got := shaPinProblem(c.line) == ""; got != c.ok {
			t.Errorf("shaPinProblem(%q) = %q, want ok=%v", c.line, shaPinProblem(c.line), c.ok)
		}
	}
}

// TestShaPinsNameTheirRelease: every SHA pin in the workflows and composite
// actions says which release it is.
func TestShaPinsNameTheirRelease(t *testing.T) {
	r := load(t)
	n := 0
	err := filepath.WalkDir(filepath.Join(r.root, ".github"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if shaUses.MatchString(line) {
				n++
			}
			if p := shaPinProblem(line); p != "" {
				t.Errorf("%s:%d: %s", path, i+1, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("found %d SHA pins; the workflows use at least 10", n)
	}
}

// TestDependabotKeepsPinsCurrent: Dependabot updates the actions, the Go
// modules and the image's base, so SHA pins do not freeze old releases.
func TestDependabotKeepsPinsCurrent(t *testing.T) {
	r := load(t)
	b, err := os.ReadFile(filepath.Join(r.root, ".github", "dependabot.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`package-ecosystem: "github-actions"`, `package-ecosystem: "gomod"`, `package-ecosystem: "docker"`, `directory: "/docker"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("dependabot.yml lacks %s", want)
		}
	}
}
