package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/browser"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// containerJSON: one container-app target (fargate) serving the fixture UI.
func containerJSON(t *testing.T, pf smoketest.PageFaults) string {
	srv := httptest.NewServer(smoketest.NewPages(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}), pf))
	t.Cleanup(srv.Close)
	b, err := json.Marshal(map[string]any{
		outputs.Stack: "dev", outputs.AppVersion: "0.27.6",
		outputs.FargateURL: srv.URL, outputs.FargateDesiredCount: 1,
	})
	require.NoError(t, err)
	return string(b)
}

func TestBrowserFlagWithoutChromiumFailsTheJourney(t *testing.T) {
	code, out, errOut := runCmd(containerJSON(t, smoketest.PageFaults{}),
		append(fast, "-outputs", "-", "-browser", "-browser-chromium", filepath.Join(t.TempDir(), "no-chromium"))...)
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Regexp(t, `(?m)^fargate\s+ui-journey\s+FAIL\s+\S+\s+browser: no browser at `, out)
	assert.Regexp(t, `(?m)^fargate\s+ui-share-link\s+SKIP`, out)
}

func TestBrowserFlagReportsABrokenShareLink(t *testing.T) {
	if err := browser.DefaultConfig().Available(); err != nil {
		if os.Getenv("SMOKE_BROWSER_REQUIRED") != "" {
			t.Fatalf("SMOKE_BROWSER_REQUIRED is set but %v", err)
		}
		t.Skipf("browser journey skipped: %v", err)
	}
	dir := t.TempDir()
	junit := filepath.Join(dir, "smoke.xml")
	code, out, errOut := runCmd(containerJSON(t, smoketest.PageFaults{LinkNotFound: true}),
		append(fast, "-outputs", "-", "-browser", "-junit", junit)...)
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Regexp(t, `(?m)^fargate\s+ui-journey\s+PASS\s+.*/send/v0/v0.2/v0.2.0/en-gb/download/index.html#[0-9a-f]+/<key>`, out)
	assert.Regexp(t, `(?m)^fargate\s+ui-share-link\s+FAIL\s+.*/en-gb/download/#[0-9a-f]+/<key> answered 404`, out)
	shots, _ := filepath.Glob(filepath.Join(dir, "browser-fargate-*.png"))
	assert.NotEmpty(t, shots, "screenshots next to the JUnit file")
	_, err := os.Stat(filepath.Join(dir, "browser-fargate-console.txt"))
	assert.NoError(t, err)
	xml, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(xml), `name="ui-share-link"`)
}
