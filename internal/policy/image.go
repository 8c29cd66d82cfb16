package policy

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

const (
	ecrRepoType      = "aws:ecr/repository:Repository"
	ecrLifecycleType = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	arRepoType       = "gcp:artifactregistry/repository:Repository"
)

func init() {
	classify(map[string]string{
		ecrRepoType:                                "tags",
		ecrLifecycleType:                           "",
		"docker:index/image:Image":                 "",
		"docker:index/tag:Tag":                     "",
		"docker:index/registryImage:RegistryImage": "",
		arRepoType:                                 "labels",
		"gcp:projects/service:Service":             "",
	})
}

// digestForm is an image reference pinned to a manifest digest.
var digestForm = regexp.MustCompile(`^[^@\s]+@sha256:[0-9a-f]{64}$`)

// imageRefs says where each compute type names the image it runs. Adding a
// compute type that runs images means one entry here.
var imageRefs = map[string]func(res *bench.Resource) []string{
	"aws:lambda/function:Function": func(res *bench.Resource) []string {
		uri := res.Str("imageUri")
		if uri == "" && res.Str("packageType") != "Image" {
			return nil // a zip function runs no image
		}
		return []string{uri}
	},
	"aws:ecs/taskDefinition:TaskDefinition": func(res *bench.Resource) []string {
		var defs []struct {
			Image string `json:"image"`
		}
		if err := json.Unmarshal([]byte(res.Str("containerDefinitions")), &defs); err != nil {
			return []string{"<containerDefinitions is not JSON>"}
		}
		var out []string
		for _, d := range defs {
			out = append(out, d.Image)
		}
		return out
	},
	"gcp:cloudrunv2/service:Service": containersAt("template.containers"),
	"gcp:cloudrun/service:Service":   containersAt("template.spec.containers"),
}

func containersAt(path string) func(res *bench.Resource) []string {
	return func(res *bench.Resource) []string {
		cs, _ := res.Plain(path).([]any)
		var out []string
		for _, c := range cs {
			m, _ := c.(map[string]any)
			s, _ := m["image"].(string)
			out = append(out, s)
		}
		return out
	}
}

// ImageByDigest: every function, task and service runs its image by digest,
// so what was tested is what runs and a re-pushed tag changes nothing.
var ImageByDigest = Rule{Name: "image-by-digest", Check: checkImageByDigest}

func checkImageByDigest(r *bench.Result) []Finding {
	var out []Finding
	for _, res := range r.Resources {
		refs, ok := imageRefs[res.Type]
		if !ok {
			continue
		}
		images := refs(res)
		if len(images) == 0 {
			continue
		}
		var problems []string
		for _, img := range images {
			if !digestForm.MatchString(img) {
				problems = append(problems, fmt.Sprintf("image %q is not in digest form <repo>@sha256:<64 hex>", img))
			}
		}
		out = append(out, verdict(res, problems, "runs its image by digest"))
	}
	return out
}

// EcrRepositorySafety: images are scanned on push, old ones expire, prod tags
// are immutable and prod repositories are not force-deleted, dev ones are (so
// `pulumi destroy` finishes).
var EcrRepositorySafety = Rule{Name: "ecr-repository-safety", Check: checkEcrRepositories}

func checkEcrRepositories(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	var out []Finding
	for _, repo := range r.OfType(ecrRepoType) {
		var problems []string
		if scan, _ := repo.Plain("imageScanningConfiguration.scanOnPush").(bool); !scan {
			problems = append(problems, "imageScanningConfiguration.scanOnPush is not true")
		}
		if encs, _ := repo.Plain("encryptionConfigurations").([]any); len(encs) == 0 {
			problems = append(problems, "no explicit encryptionConfigurations")
		}
		if !hasExpiringLifecycle(r, stateString(repo, "name")) {
			problems = append(problems, "no lifecycle policy expiring images beyond a count")
		}
		force, _ := repo.Plain("forceDelete").(bool)
		mutability := repo.Str("imageTagMutability")
		if prod {
			if mutability != "IMMUTABLE" {
				problems = append(problems, fmt.Sprintf("prod imageTagMutability is %q, want IMMUTABLE", mutability))
			}
			if force {
				problems = append(problems, "prod repository must not set forceDelete")
			}
		} else if !force {
			problems = append(problems, "dev repository must set forceDelete so `pulumi destroy` finishes")
		}
		out = append(out, verdict(repo, problems, "scanned on push, lifecycle-limited, mutability fits the environment"))
	}
	return out
}

// ArtifactRegistrySafety: the Cloud Run copy is a Docker repository with a
// cleanup policy that keeps a bounded history, immutable tags in prod.
var ArtifactRegistrySafety = Rule{Name: "artifact-registry-safety", Check: checkArtifactRegistries}

func checkArtifactRegistries(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	var out []Finding
	for _, repo := range r.OfType(arRepoType) {
		var problems []string
		if f := repo.Str("format"); f != "DOCKER" {
			problems = append(problems, fmt.Sprintf("format is %q, want DOCKER", f))
		}
		keep := false
		policies, _ := repo.Plain("cleanupPolicies").([]any)
		for _, p := range policies {
			m, _ := p.(map[string]any)
			mrv, _ := m["mostRecentVersions"].(map[string]any)
			if n, _ := mrv["keepCount"].(float64); m["action"] == "KEEP" && n >= 1 {
				keep = true
			}
		}
		if !keep {
			problems = append(problems, "no KEEP cleanup policy bounding the kept versions")
		}
		if dry, _ := repo.Plain("cleanupPolicyDryRun").(bool); dry {
			problems = append(problems, "cleanupPolicyDryRun is true: nothing is ever deleted")
		}
		if immutable, _ := repo.Plain("dockerConfig.immutableTags").(bool); prod && !immutable {
			problems = append(problems, "prod repository must set dockerConfig.immutableTags")
		}
		out = append(out, verdict(repo, problems, "Docker format, bounded history, mutability fits the environment"))
	}
	return out
}

// hasExpiringLifecycle reports whether a lifecycle policy on repo expires
// images beyond a count.
func hasExpiringLifecycle(r *bench.Result, repo string) bool {
	for _, lp := range r.OfType(ecrLifecycleType) {
		if repo == "" || lp.Str("repository") != repo {
			continue
		}
		var doc struct {
			Rules []struct {
				Selection struct {
					CountType   string `json:"countType"`
					CountNumber int    `json:"countNumber"`
				} `json:"selection"`
				Action struct {
					Type string `json:"type"`
				} `json:"action"`
			} `json:"rules"`
		}
		if json.Unmarshal([]byte(lp.Str("policy")), &doc) != nil {
			continue
		}
		for _, rule := range doc.Rules {
			if rule.Action.Type == "expire" && rule.Selection.CountType == "imageCountMoreThan" && rule.Selection.CountNumber >= 1 {
				return true
			}
		}
	}
	return false
}

// stateString reads a string output of a resource (what the mock returned).
func stateString(res *bench.Resource, key string) string {
	v, ok := res.State[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	v = bench.Unsecret(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}
