package rehearsal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// TestRehearsalRelease runs the release path on the real engine: dev builds, prod
// runs dev's digest from prod's own registries, dev is destroyed, prod still has a
// no-change up, a second release, and a rollback that changes only pointers.
//
// The registry copy itself (imagecopy) is tested against real registry servers in
// internal/ops/imagecopy; there is no registry here, so this test sets the references
// the copy produces (release.ProdImage) and proves the graph uses nothing else.
func TestRehearsalRelease(t *testing.T) {
	r := newRig(t)
	defer r.phases.summary()
	ctx := r.ctx

	dev, err := r.eng.Stack(ctx, "dev", stacks.Run, r.secrets["dev"])
	require.NoError(t, err)
	prod, err := r.eng.Stack(ctx, "prod", stacks.Run, r.secrets["prod"])
	require.NoError(t, err)
	out := func(st auto.Stack) release.Outputs {
		o, err := st.Outputs(ctx)
		require.NoError(t, err)
		plain := release.Outputs{}
		for k, v := range o {
			if !v.Secret {
				plain[k] = v.Value
			}
		}
		return plain
	}
	set := func(st auto.Stack, kv map[string]string) {
		for k, v := range kv {
			require.NoError(t, st.SetConfig(ctx, Project+":"+k, auto.ConfigValue{Value: v}))
		}
	}

	r.phases.run("dev: up (build)", func() { r.up(t, dev) })
	tested := out(dev).Image()
	require.NotEmpty(t, tested.GcpRef, "dev runs cloudrun: the tested image has an Artifact Registry copy")

	r.phases.run("prod: first up (its own registries)", func() { r.up(t, prod) })
	regs := out(prod).Registries()
	own, err := release.ProdImage("prod", tested, regs)
	require.NoError(t, err)

	r.phases.run("prod: promote dev's digest from prod's registries", func() {
		set(prod, map[string]string{"prebuiltImage": own.Ref, "prebuiltGcpImage": own.GcpRef})
		r.up(t, prod)
		st, err := State(ctx, prod)
		require.NoError(t, err)
		refs := imageRefsIn(t, st)
		require.NotEmpty(t, refs)
		assert.NoError(t, ownedOnly(refs, regs, tested))
		// The check fails on a graph that pulls from dev (shown able to fail).
		broken := map[string]string{}
		for k, v := range refs {
			broken[k] = v
		}
		for k := range broken {
			broken[k] = tested.Ref
			break
		}
		assert.ErrorContains(t, ownedOnly(broken, regs, tested), "sgraph-send-dev")
		t.Logf("promote: %d image references in prod's state, all in prod's registries", len(refs))
	})
	good := out(prod).Pointers()

	r.phases.run("dev: destroy", func() {
		var log bytes.Buffer
		_, err := dev.Destroy(ctx, optdestroy.ProgressStreams(&log), optdestroy.ErrorProgressStreams(&log))
		require.NoError(t, err, log.String())
	})
	r.phases.run("prod: no-change up without dev", func() {
		assert.NoError(t, NoChanges(r.up(t, prod)))
	})

	r.phases.run("prod: next release", func() {
		next := release.Image{Ref: release.RepoOf(own.Ref) + "@sha256:" + strings.Repeat("e", 64),
			GcpRef: release.RepoOf(own.GcpRef) + "@sha256:" + strings.Repeat("e", 64)}
		set(prod, map[string]string{"prebuiltImage": next.Ref, "prebuiltGcpImage": next.GcpRef})
		r.up(t, prod)
		now := out(prod).Pointers()
		assert.NotEqual(t, good.LambdaAdmin, now.LambdaAdmin, "a new image publishes a new Lambda version")
		assert.NotEqual(t, good.CloudRunRevision, now.CloudRunRevision, "a new image is a new Cloud Run revision")
		assert.NotEqual(t, good.TaskDefinition, now.TaskDefinition, "a new image is a new task definition revision")
	})

	r.phases.run("prod: rollback flip (dev gone)", func() {
		rb := map[string]string{"lambdaAdminVersion": good.LambdaAdmin, "lambdaPublicVersion": good.LambdaPublic,
			"cloudRunRevision": good.CloudRunRevision, "fargateTaskDefinition": good.TaskDefinition}
		b, _ := json.Marshal(rb)
		require.NoError(t, prod.SetConfigWithOptions(ctx, Project+":rollback", auto.ConfigValue{Value: string(b)}, nil))
		steps := Changes(r.up(t, prod))
		changed, replaced, err := pointerOnly(steps)
		t.Logf("rollback: %d resources changed, %d replaced: %v", changed, replaced, steps)
		fmt.Printf("rollback flip on the real engine: %d resources changed, %d replaced\n", changed, replaced)
		assert.NoError(t, err)
		assert.Equal(t, 4, changed, "two aliases, the Cloud Run traffic, the ECS service")
		now := out(prod).Pointers()
		assert.Equal(t, good.LambdaAdmin, now.LambdaAdmin)
		assert.Equal(t, good.LambdaPublic, now.LambdaPublic)
		assert.Equal(t, good.CloudRunRevision, now.CloudRunRevision)
		assert.Equal(t, good.TaskDefinition, now.TaskDefinition)
	})

	r.phases.run("prod: a redeploy-style rollback is not a flip", func() {
		// The old way: deploy the good digest again. It replaces the task definition
		// and updates both functions, and the pointer check says so.
		require.NoError(t, prod.RemoveConfig(ctx, Project+":rollback"))
		set(prod, map[string]string{"prebuiltImage": own.Ref, "prebuiltGcpImage": own.GcpRef})
		changed, replaced, err := pointerOnly(Changes(r.up(t, prod)))
		t.Logf("redeploy rollback: %d changed, %d replaced: %v", changed, replaced, err)
		assert.Error(t, err, "a redeploy must not pass as a pointer flip")
		assert.Positive(t, replaced)
	})
}

// pointerOnly counts a rollback's changes and fails unless every change is an
// in-place update of a pointer resource.
func pointerOnly(steps []Step) (changed, replaced int, err error) {
	pointers := map[string]bool{"aws:lambda/alias:Alias": true, "gcp:cloudrunv2/service:Service": true, "aws:ecs/service:Service": true}
	var bad []string
	for _, s := range steps {
		changed++
		if s.Op == string(apitype.OpReplace) {
			replaced++
		}
		if !pointers[s.Type] || s.Op != string(apitype.OpUpdate) {
			bad = append(bad, s.String())
		}
	}
	if len(bad) > 0 {
		return changed, replaced, fmt.Errorf("a rollback changed more than pointers: %s", strings.Join(bad, "; "))
	}
	return changed, replaced, nil
}

// ownedOnly fails naming every reference outside prod's registries or on another
// digest than dev tested.
func ownedOnly(refs map[string]string, regs release.Registries, tested release.Image) error {
	var bad []string
	for where, ref := range refs {
		if !regs.Owns(ref) || release.DigestOf(ref) != release.DigestOf(tested.Ref) {
			bad = append(bad, where+" runs "+ref)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("prod runs images it does not own: %s", strings.Join(bad, "; "))
	}
	return nil
}

// imageRefsIn lists every image reference prod's compute names in the engine's state:
// Lambda imageUri, ECS container images, Cloud Run container images.
func imageRefsIn(t *testing.T, st []apitype.ResourceV3) map[string]string {
	out := map[string]string{}
	for _, res := range st {
		name := string(res.Type) + "::" + res.URN.Name()
		switch res.Type {
		case "aws:lambda/function:Function":
			if s, ok := res.Inputs["imageUri"].(string); ok {
				out[name] = s
			}
		case "aws:ecs/taskDefinition:TaskDefinition":
			var defs []struct {
				Image string `json:"image"`
			}
			s, _ := res.Inputs["containerDefinitions"].(string)
			require.NoError(t, json.Unmarshal([]byte(s), &defs), name)
			for i, d := range defs {
				out[fmt.Sprintf("%s[%d]", name, i)] = d.Image
			}
		case "gcp:cloudrunv2/service:Service":
			tpl, _ := res.Inputs["template"].(map[string]any)
			cs, _ := tpl["containers"].([]any)
			for i, c := range cs {
				m, _ := c.(map[string]any)
				s, _ := m["image"].(string)
				out[fmt.Sprintf("%s[%d]", name, i)] = s
			}
		}
	}
	return out
}
