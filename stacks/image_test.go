package stacks_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const (
	ecrRepoT   = "aws:ecr/repository:Repository"
	ecrLifeT   = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	dockerImgT = "docker:index/image:Image"
	arRepoT    = "gcp:artifactregistry/repository:Repository"
	gcpSvcT    = "gcp:projects/service:Service"
)

var digestOnly = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

// imageRun runs a stack with targets switched on (the image is built only for
// targets that run it).
func imageRun(t *testing.T, stack, targets string, set map[string]string) *bench.Result {
	t.Helper()
	s := map[string]string{"targets": targets}
	for k, v := range set {
		s[k] = v
	}
	return bench.MustRun(t, bench.Options{Stack: stack, Set: s})
}

func outputString(t *testing.T, r *bench.Result, key string) string {
	t.Helper()
	v, ok := r.Output(key)
	require.True(t, ok, "output %s not exported", key)
	require.True(t, v.Known, key)
	s, _ := v.Value.(string)
	return s
}

func TestImageBuildPerEnvironment(t *testing.T) {
	cases := []struct {
		stack      string
		mutability string
		force      bool
		keep       float64
	}{
		{"dev", "MUTABLE", true, 10},
		{"prod", "IMMUTABLE", false, 30},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			r := imageRun(t, tc.stack, `["lambda"]`, nil)

			repos := r.OfType(ecrRepoT)
			require.Len(t, repos, 1)
			repo := repos[0]
			assert.Equal(t, "sgraph-send-"+tc.stack, repo.Str("name"))
			assert.Equal(t, tc.mutability, repo.Str("imageTagMutability"))
			assert.Equal(t, tc.force, repo.Plain("forceDelete"))
			assert.Equal(t, true, repo.Plain("imageScanningConfiguration.scanOnPush"))
			assert.Equal(t, "AES256", repo.Str("encryptionConfigurations[0].encryptionType"))
			assert.Equal(t, "sgraph-send:image:Image", repo.ParentType())
			assert.Equal(t, tc.stack, repo.Str("tags.stack"))

			lps := r.OfType(ecrLifeT)
			require.Len(t, lps, 1)
			assert.Equal(t, "sgraph-send-"+tc.stack, lps[0].Str("repository"))
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(lps[0].Str("policy")), &doc))
			rule := doc["rules"].([]any)[0].(map[string]any)
			sel := rule["selection"].(map[string]any)
			assert.Equal(t, "imageCountMoreThan", sel["countType"])
			assert.Equal(t, tc.keep, sel["countNumber"])
			assert.Equal(t, "any", sel["tagStatus"])
			assert.Equal(t, "expire", rule["action"].(map[string]any)["type"])

			imgs := r.OfType(dockerImgT)
			require.Len(t, imgs, 1, "one build without a GCP target")
			img := imgs[0]
			version := r.Config["sgraph-send:appVersion"]
			assert.Equal(t, "linux/amd64", img.Str("build.platform"))
			assert.Equal(t, version, img.Str("build.args.APP_VERSION"))
			assert.Equal(t, "docker", img.Str("build.context"))
			assert.Equal(t, "docker/Dockerfile", img.Str("build.dockerfile"))
			assert.Regexp(t, `^123456789012\.dkr\.ecr\.eu-west-2\.amazonaws\.com/sgraph-send-`+tc.stack+`:`+regexp.QuoteMeta(version)+`-[0-9a-f]{12}$`, img.Str("imageName"))
			assert.Equal(t, "123456789012.dkr.ecr.eu-west-2.amazonaws.com", img.Str("registry.server"))
			assert.Equal(t, "AWS", img.Str("registry.username"))
			assert.True(t, img.IsSecret("registry.password"), "registry password must stay secret")
			assert.True(t, r.DependsOn(img, repo), "push must wait for the repository")

			// Consumers receive the digest form only.
			ref := outputString(t, r, outputs.ImageRef)
			assert.Regexp(t, digestOnly, ref)
			assert.True(t, strings.HasPrefix(ref, "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-"+tc.stack+"@sha256:"), ref)
			fns := r.OfType("aws:lambda/function:Function")
			require.NotEmpty(t, fns)
			for _, fn := range fns {
				assert.Equal(t, ref, fn.Str("imageUri"), fn.String())
			}
			_, gcp := r.Output(outputs.GcpImageRef)
			assert.False(t, gcp, "no Artifact Registry copy without a GCP target")
			assert.Empty(t, r.OfType(arRepoT))

			for _, f := range policy.Failed(policy.Evaluate(r)) {
				t.Errorf("%s on %s: %s", f.Rule, f.Resource, f.Message)
			}
		})
	}
}

// The tag follows the build's inputs: same inputs, same tag; a new version, a new tag.
func TestImageTagFollowsInputs(t *testing.T) {
	name := func(r *bench.Result) string { return r.OfType(dockerImgT)[0].Str("imageName") }
	a := imageRun(t, "dev", `["lambda"]`, nil)
	b := imageRun(t, "dev", `["lambda"]`, nil)
	c := imageRun(t, "dev", `["lambda"]`, map[string]string{"appVersion": "0.27.7"})
	assert.Equal(t, name(a), name(b))
	assert.NotEqual(t, name(a), name(c))
	assert.Contains(t, name(c), ":0.27.7-")
}

func TestImageGcpCopy(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := imageRun(t, stack, `["cloudrun"]`, nil)
			prod := stack == "prod"

			ars := r.OfType(arRepoT)
			require.Len(t, ars, 1)
			ar := ars[0]
			assert.Equal(t, "DOCKER", ar.Str("format"))
			assert.Equal(t, r.Config["gcp:region"], ar.Str("location"))
			assert.Equal(t, r.Config["gcp:project"], ar.Str("project"))
			assert.Equal(t, prod, ar.Plain("dockerConfig.immutableTags"))
			assert.Equal(t, stack, ar.Str("labels.stack"))
			assert.Equal(t, "pulumi", ar.Str("labels.managed-by"))

			var api *bench.Resource
			for _, s := range r.OfType(gcpSvcT) {
				if s.Str("service") == "artifactregistry.googleapis.com" {
					api = s
				}
			}
			require.NotNil(t, api, "artifactregistry.googleapis.com must be enabled")
			assert.Equal(t, false, api.Plain("disableOnDestroy"))
			assert.True(t, r.DependsOn(ar, api), "repository must wait for the API")

			// Build once, push twice: one build (to ECR), tagged locally with its
			// Artifact Registry name and that same image pushed there.
			imgs := r.OfType(dockerImgT)
			require.Len(t, imgs, 1)
			ecrImg := imgs[0]
			assert.NotContains(t, ecrImg.Str("imageName"), ".pkg.dev/")
			tags := r.OfType("docker:index/tag:Tag")
			pushes := r.OfType("docker:index/registryImage:RegistryImage")
			require.Len(t, tags, 1)
			require.Len(t, pushes, 1)
			assert.Equal(t, bench.Unsecret(ecrImg.State["repoDigest"]).StringValue(), tags[0].Str("sourceImage"), "the tag names the built image by digest")
			assert.Equal(t, tags[0].Str("targetImage"), pushes[0].Str("name"), "the push uploads the tagged image")
			assert.Equal(t, "europe-west2-docker.pkg.dev", pushes[0].Str("authConfig.address"))
			assert.Equal(t, "oauth2accesstoken", pushes[0].Str("authConfig.username"))
			assert.True(t, pushes[0].IsSecret("authConfig.password"))
			// Same tag in both registries.
			tag := func(s string) string { return s[strings.LastIndex(s, ":")+1:] }
			assert.Equal(t, tag(ecrImg.Str("imageName")), tag(pushes[0].Str("name")))
			digest := func(s string) string { return s[strings.Index(s, "@")+1:] }
			assert.Equal(t, digest(outputString(t, r, outputs.ImageRef)), digest(outputString(t, r, outputs.GcpImageRef)),
				"ECR and Artifact Registry references carry one digest")

			ref := outputString(t, r, outputs.GcpImageRef)
			assert.Regexp(t, digestOnly, ref)
			assert.True(t, strings.HasPrefix(ref, "europe-west2-docker.pkg.dev/"+r.Config["gcp:project"]+"/sgraph-send-"+stack+"/sgraph-send@sha256:"), ref)
			assert.Regexp(t, digestOnly, outputString(t, r, outputs.ImageRef))
			for _, svc := range r.OfType("gcp:cloudrunv2/service:Service") {
				assert.Equal(t, ref, svc.Str("template.containers[0].image"), svc.String())
			}

			for _, f := range policy.Failed(policy.Evaluate(r)) {
				t.Errorf("%s on %s: %s", f.Rule, f.Resource, f.Message)
			}
		})
	}
}

const prebuiltGcp = "europe-west2-docker.pkg.dev/sgraph-send-dev/sgraph-send-dev/sgraph-send@sha256:" +
	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

func TestImagePrebuiltSkipsTheBuild(t *testing.T) {
	t.Run("aws", func(t *testing.T) {
		r := imageRun(t, "prod", `["lambda"]`, map[string]string{"prebuiltImage": bench.PrebuiltImage})
		assert.Empty(t, r.OfType(dockerImgT), "no build")
		// The repository stays, protected in prod: promoting a digest must
		// never ask the engine to delete a protected registry holding images.
		for _, typ := range []string{ecrRepoT, ecrLifeT} {
			res := r.OfType(typ)
			require.Len(t, res, 1, typ)
			assert.True(t, res[0].Protect && res[0].RetainOnDelete, "%s kept through destroy in prod", typ)
		}
		assert.Equal(t, bench.PrebuiltImage, outputString(t, r, outputs.ImageRef))
		for _, fn := range r.OfType("aws:lambda/function:Function") {
			assert.Equal(t, bench.PrebuiltImage, fn.Str("imageUri"))
		}
	})
	t.Run("gcp", func(t *testing.T) {
		r := imageRun(t, "dev", `["cloudrun"]`, map[string]string{"prebuiltImage": bench.PrebuiltImage, "prebuiltGcpImage": prebuiltGcp})
		assert.Empty(t, r.OfType(dockerImgT))
		assert.Len(t, r.OfType(arRepoT), 1, "the Artifact Registry repository stays")
		assert.Equal(t, prebuiltGcp, outputString(t, r, outputs.GcpImageRef))
		for _, svc := range r.OfType("gcp:cloudrunv2/service:Service") {
			assert.Equal(t, prebuiltGcp, svc.Str("template.containers[0].image"))
		}
	})
}

func TestNoImageWithoutATargetThatRunsIt(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"targets": `[]`}})
	assert.Empty(t, r.OfType(dockerImgT))
	assert.Empty(t, r.OfType(ecrRepoT))
	_, ok := r.Output(outputs.ImageRef)
	assert.False(t, ok)
}

func TestImageBadConfig(t *testing.T) {
	cases := []struct {
		name    string
		targets string
		set     map[string]string
		remove  []string
		key     string
		problem string
	}{
		{"empty app version", `["lambda"]`, map[string]string{"appVersion": ""}, nil, "sgraph-send:appVersion", "pin the sgraph-ai-app-send version"},
		{"app version latest", `["lambda"]`, map[string]string{"appVersion": "latest"}, nil, "sgraph-send:appVersion", "exact release"},
		{"app version two parts", `["lambda"]`, map[string]string{"appVersion": "0.27"}, nil, "sgraph-send:appVersion", "exact release"},
		{"prebuilt by tag", `["lambda"]`, map[string]string{"prebuiltImage": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send:latest"}, nil, "sgraph-send:prebuiltImage", "digest form"},
		{"prebuilt garbage", `["lambda"]`, map[string]string{"prebuiltImage": "not an image!"}, nil, "sgraph-send:prebuiltImage", "digest form"},
		{"prebuilt short digest", `["lambda"]`, map[string]string{"prebuiltImage": "repo@sha256:abc123"}, nil, "sgraph-send:prebuiltImage", "digest form"},
		{"prebuilt gcp by tag", `["cloudrun"]`, map[string]string{"prebuiltImage": bench.PrebuiltImage, "prebuiltGcpImage": "europe-west2-docker.pkg.dev/p/r/i:v1"}, nil, "sgraph-send:prebuiltGcpImage", "digest form"},
		{"prebuilt without gcp copy", `["cloudrun"]`, map[string]string{"prebuiltImage": bench.PrebuiltImage}, nil, "sgraph-send:prebuiltGcpImage", "nothing to copy"},
		{"gcp copy without prebuilt", `["cloudrun"]`, map[string]string{"prebuiltGcpImage": prebuiltGcp}, nil, "sgraph-send:prebuiltGcpImage", "only used together with prebuiltImage"},
		{"keep count zero", `["lambda"]`, map[string]string{"imageKeepCount": "0"}, nil, "sgraph-send:imageKeepCount", "1..1000"},
		{"keep count too high", `["lambda"]`, map[string]string{"imageKeepCount": "1001"}, nil, "sgraph-send:imageKeepCount", "1..1000"},
		{"no gcp project", `["cloudrun"]`, nil, []string{"gcp:project"}, "gcp:project", "pulumi config set gcp:project <your-project-id>"},
		{"bad gcp region", `["cloudrun"]`, map[string]string{"gcp:region": "Europe"}, nil, "gcp:region", "pulumi config set gcp:region"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{"targets": tc.targets}
			for k, v := range tc.set {
				set[k] = v
			}
			ce, r := configErr(t, bench.Options{Set: set, Remove: tc.remove})
			assert.Contains(t, ce.Keys(), tc.key)
			assert.Contains(t, ce.Error(), tc.problem)
			require.NotNil(t, r)
			assert.Empty(t, r.Resources, "nothing may be registered on a config error")
		})
	}
}
