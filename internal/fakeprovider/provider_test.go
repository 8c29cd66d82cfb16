package fakeprovider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// client dials the fake provider for pkg, as the engine does after reading
// PULUMI_DEBUG_PROVIDERS.
func client(t *testing.T, s *Set, pkg string) pulumirpc.ResourceProviderClient {
	t.Helper()
	for _, p := range strings.Split(s.DebugProviders(), ",") {
		name, port, _ := strings.Cut(p, ":")
		if name != pkg {
			continue
		}
		conn, err := grpc.NewClient("127.0.0.1:"+port, grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		return pulumirpc.NewResourceProviderClient(conn)
	}
	t.Fatalf("no %s in %s", pkg, s.DebugProviders())
	return nil
}

func start(t *testing.T, opts Options) *Set {
	s, err := Start(opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func props(t *testing.T, m map[string]any) *structpb.Struct {
	pm := resource.NewPropertyMapFromMap(m)
	s, err := plugin.MarshalProperties(pm, marshal)
	require.NoError(t, err)
	return s
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestDebugProviders(t *testing.T) {
	s := start(t, Options{})
	assert.Regexp(t, `^aws:\d+,gcp:\d+,docker:\d+$`, s.DebugProviders())
	for pkg, v := range Versions {
		info, err := client(t, s, pkg).GetPluginInfo(ctx(t), &emptypb.Empty{})
		require.NoError(t, err)
		assert.Equal(t, v, info.GetVersion())
	}
}

const taskDefURN = "urn:pulumi:dev::sgraph-send::sgraph-send:fargate:Service$aws:ecs/taskDefinition:TaskDefinition::app"

func TestDiff(t *testing.T) {
	old := map[string]any{"cpu": "256", "memory": "512", "tags": map[string]any{"owner": "platform"}}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for k, v := range old {
			m[k] = v
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	secret := resource.MakeSecret(resource.NewProperty("256"))
	for _, tc := range []struct {
		name     string
		news     map[string]any
		ignore   []string
		changes  pulumirpc.DiffResponse_DiffChanges
		diffs    []string
		replaces []string
	}{
		{"no change", old, nil, pulumirpc.DiffResponse_DIFF_NONE, nil, nil},
		{"tag: update", with("tags", map[string]any{"owner": "x"}), nil, pulumirpc.DiffResponse_DIFF_SOME, []string{"tags"}, nil},
		{"cpu: replace", with("cpu", "512"), nil, pulumirpc.DiffResponse_DIFF_SOME, []string{"cpu"}, []string{"cpu"}},
		{"added key", with("family", "app"), nil, pulumirpc.DiffResponse_DIFF_SOME, []string{"family"}, []string{"family"}},
		{"removed key", with("tags", nil), nil, pulumirpc.DiffResponse_DIFF_SOME, []string{"tags"}, nil},
		{"unknown: may replace", with("cpu", resource.MakeComputed(resource.NewProperty(""))), nil, pulumirpc.DiffResponse_DIFF_SOME, []string{"cpu"}, []string{"cpu"}},
		{"now secret", with("cpu", secret), nil, pulumirpc.DiffResponse_DIFF_SOME, []string{"cpu"}, []string{"cpu"}},
		{"ignored", with("tags", map[string]any{"owner": "x"}), []string{"tags.owner"}, pulumirpc.DiffResponse_DIFF_NONE, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, Options{})
			res, err := client(t, s, "aws").Diff(ctx(t), &pulumirpc.DiffRequest{
				Urn: taskDefURN, Id: "app", OldInputs: props(t, old), Olds: props(t, old), News: props(t, tc.news), IgnoreChanges: tc.ignore,
			})
			require.NoError(t, err)
			assert.Equal(t, tc.changes, res.GetChanges())
			assert.Equal(t, tc.diffs, res.GetDiffs())
			assert.Equal(t, tc.replaces, res.GetReplaces())
			calls := s.Calls()
			require.Len(t, calls, 1)
			assert.Equal(t, Call{Provider: "aws", Method: "Diff", Type: "aws:ecs/taskDefinition:TaskDefinition", Name: "app",
				URN: taskDefURN, Changed: tc.diffs, Replaces: tc.replaces}, calls[0])
		})
	}
}

// Create answers with the bench's per-type mock (one source of truth), then
// the rewrite hook; preview returns the inputs only.
func TestCreate(t *testing.T) {
	const urn = "urn:pulumi:dev::sgraph-send::aws:ecr/repository:Repository::images"
	in := map[string]any{"name": "sgraph-send-dev"}
	wantID, wantState := bench.Compute(bench.EnvFor(map[string]string{"aws:region": "eu-central-1"}), "aws:ecr/repository:Repository", "images",
		resource.NewPropertyMapFromMap(in))

	var rewritten string
	s := start(t, Options{Rewrite: func(typ, name string, st resource.PropertyMap) { rewritten = typ + "::" + name }})
	c := client(t, s, "aws")
	_, err := c.Configure(ctx(t), &pulumirpc.ConfigureRequest{Args: props(t, map[string]any{"region": "eu-central-1"}), AcceptSecrets: true})
	require.NoError(t, err)

	res, err := c.Create(ctx(t), &pulumirpc.CreateRequest{Urn: urn, Properties: props(t, in)})
	require.NoError(t, err)
	got, err := plugin.UnmarshalProperties(res.GetProperties(), unmarshal)
	require.NoError(t, err)
	assert.Equal(t, wantID, res.GetId())
	assert.Equal(t, wantState, got)
	assert.Contains(t, got["repositoryUrl"].StringValue(), ".eu-central-1.", "region from Configure")
	assert.Equal(t, "aws:ecr/repository:Repository::images", rewritten)

	prev, err := c.Create(ctx(t), &pulumirpc.CreateRequest{Urn: urn, Properties: props(t, in), Preview: true})
	require.NoError(t, err)
	assert.Empty(t, prev.GetId())
	assert.Len(t, prev.GetProperties().GetFields(), 1, "preview: inputs only")
}

func TestInvoke(t *testing.T) {
	s := start(t, Options{})
	c := client(t, s, "aws")
	res, err := c.Invoke(ctx(t), &pulumirpc.InvokeRequest{Tok: "aws:index/getPartition:getPartition", Args: props(t, nil)})
	require.NoError(t, err)
	assert.Equal(t, "aws", res.GetReturn().GetFields()["partition"].GetStringValue())

	_, err = c.Invoke(ctx(t), &pulumirpc.InvokeRequest{Tok: "aws:ec2/getAmi:getAmi", Args: props(t, nil)})
	require.Error(t, err, "an invoke nobody mocked must fail")
	assert.Contains(t, err.Error(), "aws:ec2/getAmi:getAmi")
}

// Every resource type the program registers in either stack has replace
// rules, so a new type is a conscious decision (docker's Image never replaces).
func TestReplaceOnCoversProgram(t *testing.T) {
	for _, stack := range bench.Stacks {
		r := bench.MustRun(t, bench.Options{Stack: stack})
		for _, res := range r.Resources {
			if res.Custom && res.Type != "docker:index/image:Image" {
				assert.NotEmpty(t, ReplaceOn(res.Type), "%s (stack %s) has no entry in replaceOn", res.Type, stack)
			}
		}
	}
}
