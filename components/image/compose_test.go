package image_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

type compose struct {
	Services map[string]struct {
		Image string `yaml:"image"`
		Build *struct {
			Context string            `yaml:"context"`
			Args    map[string]string `yaml:"args"`
		} `yaml:"build"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Ports       []string `yaml:"ports"`
		Environment []string `yaml:"environment"`
		Command     []string `yaml:"command"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

func envOf(list []string) map[string]string {
	out := map[string]string{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

// composeProblems checks docker/compose.yaml's wiring: the image built from
// this folder in container mode, gated by a required token, on S3 storage in
// the emulator's bucket, started only once the bucket exists, on loopback.
func composeProblems(c compose) []string {
	var p []string
	app, ok := c.Services["app"]
	if !ok {
		return []string{"no app service"}
	}
	if app.Build == nil || app.Build.Context != "." || !strings.HasPrefix(app.Build.Args["APP_VERSION"], "${APP_VERSION") {
		p = append(p, "app must build this folder's Dockerfile with APP_VERSION")
	}
	env := envOf(app.Environment)
	want := map[string]string{"SGRAPH_SEND_APP": "container", "SEND__STORAGE_MODE": "s3", appspec.UIRedirectsEnv: ui.EnvValue()}
	for k, v := range want {
		if env[k] != v {
			p = append(p, "app "+k+" must be "+v+", is "+env[k])
		}
	}
	if !strings.HasPrefix(env["SGRAPH_SEND__ACCESS_TOKEN"], "${SGRAPH_SEND_TOKEN:?") {
		p = append(p, "the upload token must be required (${SGRAPH_SEND_TOKEN:?...}), never a default")
	}
	if _, set := env["AWS_REGION"]; set {
		p = append(p, "AWS_REGION makes the app's handler modules download from a foreign bucket; use AWS_DEFAULT_REGION")
	}
	s3, ok := c.Services["s3"]
	if !ok || !strings.HasPrefix(s3.Image, "localstack/localstack:") || s3.Healthcheck == nil {
		p = append(p, "an s3 service (LocalStack) with a health check is required")
	}
	if env["AWS_ENDPOINT_URL"] != "http://s3:4566" {
		p = append(p, "app AWS_ENDPOINT_URL must point at the s3 service, is "+env["AWS_ENDPOINT_URL"])
	}
	bucket := c.Services["bucket"]
	if len(bucket.Command) == 0 || bucket.Command[len(bucket.Command)-1] != "s3://"+env["SEND__S3_BUCKET"] {
		p = append(p, "the bucket service must create SEND__S3_BUCKET "+env["SEND__S3_BUCKET"])
	}
	if bucket.DependsOn["s3"].Condition != "service_healthy" || app.DependsOn["bucket"].Condition != "service_completed_successfully" {
		p = append(p, "start order: s3 healthy, then bucket created, then app")
	}
	for _, port := range app.Ports {
		if !strings.HasPrefix(port, "127.0.0.1:") {
			p = append(p, "app port "+port+" must be bound to loopback")
		}
	}
	return p
}

func TestComposeWiring(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(dockerDir(t), "compose.yaml"))
	require.NoError(t, err)
	var c compose
	require.NoError(t, yaml.Unmarshal(raw, &c))
	assert.Empty(t, composeProblems(c))

	// Each broken variant is caught, naming its cause.
	for name, tc := range map[string]struct {
		edit func(string) string
		want string
	}{
		"memory storage": {func(s string) string {
			return strings.Replace(s, "SEND__STORAGE_MODE=s3", "SEND__STORAGE_MODE=memory", 1)
		}, "SEND__STORAGE_MODE"},
		"default token": {func(s string) string { return strings.Replace(s, "${SGRAPH_SEND_TOKEN:?", "${SGRAPH_SEND_TOKEN:-", 1) }, "token must be required"},
		"endpoint on AWS": {func(s string) string {
			return strings.Replace(s, "AWS_ENDPOINT_URL=http://s3:4566", "AWS_ENDPOINT_URL=", 1)
		}, "AWS_ENDPOINT_URL"},
		"other bucket":    {func(s string) string { return strings.Replace(s, "s3://sgraph-send-local", "s3://other", 1) }, "bucket service must create"},
		"public port":     {func(s string) string { return strings.Replace(s, `"127.0.0.1:8080:8080"`, `"8080:8080"`, 1) }, "loopback"},
		"no UI redirects": {func(s string) string { return strings.Replace(s, "SGRAPH_SEND_UI_REDIRECTS=", "X=", 1) }, appspec.UIRedirectsEnv},
		"AWS_REGION": {func(s string) string {
			return strings.Replace(s, "AWS_DEFAULT_REGION=eu-west-2\n      # The", "AWS_REGION=eu-west-2\n      # The", 1)
		}, "AWS_REGION"},
		"app before bucket": {func(s string) string {
			return strings.Replace(s, "service_completed_successfully", "service_started", 1)
		}, "start order"},
	} {
		t.Run(name, func(t *testing.T) {
			broken := tc.edit(string(raw))
			require.NotEqual(t, string(raw), broken, "the edit must apply")
			var b compose
			require.NoError(t, yaml.Unmarshal([]byte(broken), &b))
			assert.Contains(t, strings.Join(composeProblems(b), "\n"), tc.want)
		})
	}
}
