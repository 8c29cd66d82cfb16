package image_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/image"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

func validArgs(t *testing.T) *image.Args {
	return &image.Args{
		Context:        "docker",
		WorkDir:        filepath.Dir(dockerDir(t)),
		AppVersion:     "0.27.6",
		RepositoryName: "sgraph-send-dev",
		KeepCount:      10,
		Tags:           pulumi.StringMap{"stack": pulumi.String("dev")},
	}
}

// runComponent runs only the component under the bench's mocks.
func runComponent(t *testing.T, args *image.Args) (*bench.Result, error) {
	t.Helper()
	return bench.Run(bench.Options{Stack: "dev", Program: func(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
		img, err := image.New(ctx, "img", args)
		if err != nil {
			return nil, err
		}
		return map[string]pulumi.Input{"ref": img.ImageRef, "gcp": img.GcpImageRef, "tag": img.Tag}, nil
	}})
}

func TestNewRejectsBadArgs(t *testing.T) {
	cases := map[string]func(a *image.Args){
		"no context":         func(a *image.Args) { a.Context = "" },
		"empty version":      func(a *image.Args) { a.AppVersion = "" },
		"version with v":     func(a *image.Args) { a.AppVersion = "v0.27.6" },
		"latest":             func(a *image.Args) { a.AppVersion = "latest" },
		"uppercase repo":     func(a *image.Args) { a.RepositoryName = "SGraph" },
		"keep zero":          func(a *image.Args) { a.KeepCount = 0 },
		"keep too many":      func(a *image.Args) { a.KeepCount = 1001 },
		"context without df": func(a *image.Args) { a.Context = "components" },
		"bad gcp project": func(a *image.Args) {
			a.Gcp = &image.GcpArgs{Project: "X", Region: "europe-west2", RepositoryID: "sgraph-send-dev"}
		},
	}
	for name, breakArgs := range cases {
		t.Run(name, func(t *testing.T) {
			a := validArgs(t)
			breakArgs(a)
			r, err := runComponent(t, a)
			require.Error(t, err)
			assert.Empty(t, r.Resources, "nothing registered on invalid args")
		})
	}
	_, err := runComponent(t, nil)
	assert.Error(t, err)
}

func TestNewBuildsAndPushesByDigest(t *testing.T) {
	a := validArgs(t)
	a.Gcp = &image.GcpArgs{Project: "sgraph-send-test", Region: "europe-west2", RepositoryID: "sgraph-send-dev",
		Labels: pulumi.StringMap{"stack": pulumi.String("dev")}}
	r, err := runComponent(t, a)
	require.NoError(t, err)
	for _, key := range []string{"ref", "gcp"} {
		v, ok := r.Output(key)
		require.True(t, ok)
		assert.Regexp(t, `@sha256:[0-9a-f]{64}$`, v.Value, key)
	}
	tag, _ := r.Output("tag")
	assert.Regexp(t, `^0\.27\.6-[0-9a-f]{12}$`, tag.Value)
	for _, res := range r.Resources {
		if res.Custom {
			assert.Equal(t, "sgraph-send:image:Image", res.ParentType(), "%s must be parented to the component", res)
		}
	}
	// Build once, push twice: one build, its ECR image tagged and pushed to AR.
	assert.Len(t, r.OfType("docker:index/image:Image"), 1)
	assert.Len(t, r.OfType("docker:index/tag:Tag"), 1)
	assert.Len(t, r.OfType("docker:index/registryImage:RegistryImage"), 1)
	ref, _ := r.Output("ref")
	gcp, _ := r.Output("gcp")
	digest := func(s any) string { str, _ := s.(string); return str[strings.Index(str, "@")+1:] }
	assert.Equal(t, digest(ref.Value), digest(gcp.Value), "ECR and Artifact Registry carry one digest")
}

func TestSameDigest(t *testing.T) {
	const src = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/r@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	cases := []struct {
		pushed string
		ok     bool
	}{
		{"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},
		{"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", false},
		{"", false},
	}
	for _, c := range cases {
		err := image.SameDigest(src, c.pushed)
		assert.Equal(t, c.ok, err == nil, "%q: %v", c.pushed, err)
		if err != nil {
			assert.Contains(t, err.Error(), "build once, push twice")
		}
	}
}

func TestLifecyclePolicyKeepsN(t *testing.T) {
	doc, err := image.LifecyclePolicy(7)
	require.NoError(t, err)
	var p struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus   string `json:"tagStatus"`
				CountType   string `json:"countType"`
				CountNumber int    `json:"countNumber"`
			} `json:"selection"`
			Action struct {
				Type string `json:"type"`
			} `json:"action"`
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &p))
	require.Len(t, p.Rules, 1)
	assert.Equal(t, 1, p.Rules[0].RulePriority)
	assert.Equal(t, "any", p.Rules[0].Selection.TagStatus)
	assert.Equal(t, "imageCountMoreThan", p.Rules[0].Selection.CountType)
	assert.Equal(t, 7, p.Rules[0].Selection.CountNumber)
	assert.Equal(t, "expire", p.Rules[0].Action.Type)
}
