package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sgraph-ai/sgraph-send-infra/smoke/browser"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// lowerToken: a token the real UI accepts (all lower case).
const lowerToken = "upload-secret-lower-0123"

// requireBrowser skips without chromium, unless SMOKE_BROWSER_REQUIRED is set (CI).
func requireBrowser(t *testing.T) {
	t.Helper()
	if err := browser.DefaultConfig().Available(); err != nil {
		if os.Getenv("SMOKE_BROWSER_REQUIRED") != "" {
			t.Fatalf("SMOKE_BROWSER_REQUIRED is set but %v", err)
		}
		t.Skipf("browser journey skipped: %v", err)
	}
}

// TestCycleBrowser runs `cycle -browser` on fake dev: the journey runs inside the
// smoke step on both container-app targets, its rows count in the verdict and the
// JUnit file, its artifacts are saved, and the scale-down still runs after it.
func TestCycleBrowser(t *testing.T) {
	cases := []struct {
		name      string
		pf        smoketest.PageFaults
		chromium  string // "" the default; "missing" a path with no browser
		artifacts bool   // -browser-artifacts to a folder of its own
		want      int
		rows      []string // regexps the output must match
		shots     bool
	}{
		{name: "journey passes", want: exitPassed, shots: true, rows: []string{
			`(?m)^fargate\s+ui-journey\s+PASS`, `(?m)^ec2\s+ui-journey\s+PASS`,
			`(?m)^fargate\s+ui-share-link\s+PASS`, `verdict:\s+PASSED`}},
		{name: "broken share link fails the cycle", pf: smoketest.PageFaults{LinkNotFound: true}, want: exitFailed, shots: true, rows: []string{
			`(?m)^fargate\s+ui-share-link\s+FAIL\s+.*answered 404`, `(?m)^ec2\s+ui-share-link\s+FAIL`, `verdict:\s+FAILED`}},
		{name: "artifacts folder", artifacts: true, want: exitPassed, shots: true, rows: []string{
			`(?m)^fargate\s+ui-journey\s+PASS`}},
		{name: "no browser fails the cycle", chromium: "missing", want: exitFailed, rows: []string{
			`(?m)^fargate\s+ui-journey\s+FAIL\s+\S+\s+browser: no browser at `, `verdict:\s+FAILED`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"-stack", "dev", "-browser", "-junit", filepath.Join(dir, "smoke-junit.xml")}
			if c.chromium == "missing" {
				args = append(args, "-browser-chromium", filepath.Join(dir, "no-chromium"))
			} else {
				requireBrowser(t)
			}
			shotDir := dir
			if c.artifacts {
				shotDir = filepath.Join(dir, "shots")
				if err := os.Mkdir(shotDir, 0o755); err != nil {
					t.Fatal(err)
				}
				args = append(args, "-browser-artifacts", shotDir)
			}
			st := fakeDevPages(t, smoketest.Faults{}, c.pf, lowerToken)
			useFake(t, st)
			var out, errb strings.Builder
			got := run(context.Background(), args, &out, &errb)
			if got != c.want {
				t.Fatalf("exit %d, want %d\n%s\n%s", got, c.want, out.String(), errb.String())
			}
			for _, re := range c.rows {
				if !regexp.MustCompile(re).MatchString(out.String()) {
					t.Errorf("output lacks %s:\n%s", re, out.String())
				}
			}
			xml, err := os.ReadFile(filepath.Join(dir, "smoke-junit.xml"))
			if err != nil || !strings.Contains(string(xml), `name="ui-journey"`) {
				t.Errorf("JUnit lacks the journey (%v):\n%s", err, xml)
			}
			if c.shots {
				for _, target := range []string{"fargate", "ec2"} {
					if shots, _ := filepath.Glob(filepath.Join(shotDir, "browser-"+target+"-*.png")); len(shots) == 0 {
						t.Errorf("no %s screenshots in %s", target, shotDir)
					}
					if _, err := os.Stat(filepath.Join(shotDir, "browser-"+target+"-console.txt")); err != nil {
						t.Errorf("no %s console: %v", target, err)
					}
				}
			}
			ups := st.Ups()
			if len(ups) != 2 || ups[1]["fargateDesiredCount"] != 0 || contains(ups[1]["targets"].([]string), "ec2") {
				t.Errorf("ups %v: the scale-down did not follow the journey", ups)
			}
		})
	}
}
