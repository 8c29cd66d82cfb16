package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// ProdOwnsItsImages: prod runs images only from repositories prod's own graph creates
// (its ECR repository, its Artifact Registry repository). Dev is destroyed every night;
// an image prod pulls from dev's registry stops a new Fargate task, an EC2 replacement,
// a Cloud Run cold start or a rollback the day dev is gone. Dev graphs are not checked:
// dev may run what it likes.
var ProdOwnsItsImages = Rule{Name: "prod-owns-its-images", Check: checkProdOwnsImages}

func checkProdOwnsImages(r *bench.Result) []Finding {
	if r.Config["sgraph-send:environment"] != "prod" {
		return nil
	}
	owned := ownedRepositories(r)
	var out []Finding
	for _, res := range r.Resources {
		refs, ok := imageRefs[res.Type]
		if !ok {
			continue
		}
		var problems []string
		for _, img := range refs(res) {
			if img == "" {
				continue
			}
			if !ownedBy(img, owned) {
				problems = append(problems, fmt.Sprintf("image %q is not in a repository this stack owns (%s): promote by copying the digest into prod's registries (cmd/release)", img, strings.Join(owned, ", ")))
			}
		}
		out = append(out, verdict(res, problems, "runs an image from prod's own registry"))
	}
	return out
}

// ownedRepositories are the repository prefixes this graph creates: the ECR
// repository URL (from the mock/engine state) and <location>-docker.pkg.dev/<project>/<id>/.
func ownedRepositories(r *bench.Result) []string {
	var out []string
	for _, repo := range r.OfType(ecrRepoType) {
		if u := stateString(repo, "repositoryUrl"); u != "" {
			out = append(out, u)
		}
	}
	for _, repo := range r.OfType(arRepoType) {
		loc, proj, id := repo.Str("location"), repo.Str("project"), repo.Str("repositoryId")
		if loc != "" && proj != "" && id != "" {
			out = append(out, fmt.Sprintf("%s-docker.pkg.dev/%s/%s/", loc, proj, id))
		}
	}
	sort.Strings(out)
	return out
}

// ownedBy: the reference's repository is an owned ECR repository exactly, or lies
// under an owned Artifact Registry repository (which holds named images).
func ownedBy(ref string, owned []string) bool {
	repo, _, _ := strings.Cut(ref, "@")
	for _, o := range owned {
		if strings.HasSuffix(o, "/") {
			if strings.HasPrefix(repo, o) {
				return true
			}
		} else if repo == o {
			return true
		}
	}
	return false
}

func init() {
	// The live alias carries no tags (a pointer to a version of a tagged function).
	classify(map[string]string{"aws:lambda/alias:Alias": ""})
}
