package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	ownDigest   = "@sha256:" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"
	prodECR     = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-prod"
	devECR      = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev"
	prodAR      = "europe-west2-docker.pkg.dev/sgraph-send-prod/sgraph-send-prod/sgraph-send"
	devAR       = "europe-west2-docker.pkg.dev/sgraph-send-dev/sgraph-send-dev/sgraph-send"
	allImageRun = `["lambda","fargate","cloudrun"]`
)

func TestProdOwnsItsImages(t *testing.T) {
	cases := []struct {
		name     string
		set      map[string]string
		wantFail []string // substrings of the failures; nil: passes
	}{
		{"prod builds into its own registries", nil, nil},
		{"prod runs a promoted copy in its own registries", map[string]string{"prebuiltImage": prodECR + ownDigest, "prebuiltGcpImage": prodAR + ownDigest}, nil},
		{"prod pulls from dev's ECR", map[string]string{"prebuiltImage": devECR + ownDigest, "prebuiltGcpImage": prodAR + ownDigest},
			[]string{"aws:lambda/function:Function", "aws:ecs/taskDefinition:TaskDefinition", "sgraph-send-dev@"}},
		{"prod pulls from dev's Artifact Registry", map[string]string{"prebuiltImage": prodECR + ownDigest, "prebuiltGcpImage": devAR + ownDigest},
			[]string{"gcp:cloudrunv2/service:Service", "sgraph-send-dev/sgraph-send-dev/sgraph-send@"}},
		{"a look-alike repository name is not prod's", map[string]string{"prebuiltImage": prodECR + "-old" + ownDigest, "prebuiltGcpImage": prodAR + ownDigest},
			[]string{"sgraph-send-prod-old@"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := map[string]string{"targets": allImageRun}
			for k, v := range c.set {
				set[k] = v
			}
			r := bench.MustRun(t, bench.Options{Stack: "prod", Set: set})
			fs := policy.Evaluate(r, policy.ProdOwnsItsImages)
			require.NotEmpty(t, fs)
			assert.NotEqual(t, "nothing to check in this stack", fs[0].Message, "the rule must look at prod's compute")
			failed := policy.Failed(fs)
			if c.wantFail == nil {
				assert.Empty(t, failed)
				return
			}
			require.NotEmpty(t, failed, "prod runs an image it does not own and the rule passed")
			var all []string
			for _, f := range failed {
				all = append(all, f.Resource+": "+f.Message)
			}
			joined := strings.Join(all, "\n")
			for _, w := range c.wantFail {
				assert.Contains(t, joined, w)
			}
		})
	}
}

func TestProdOwnsItsImagesIgnoresDev(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"targets": allImageRun, "prebuiltImage": prodECR + ownDigest, "prebuiltGcpImage": prodAR + ownDigest}})
	assert.Empty(t, policy.Failed(policy.Evaluate(r, policy.ProdOwnsItsImages)))
}
