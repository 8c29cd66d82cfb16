package fakeprovider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// provider is one fake resource provider (aws, gcp or docker). Outputs come
// from bench.Compute and bench.Invoke, the same per-type mocks the bench
// gives pulumi.WithMocks.
type provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	pkg     string
	version string
	rec     *recorder
	rewrite Rewrite
	inv     *inventory // the fake cloud (inventory.go)
	faults  *faults    // injected failures (faults.go)

	mu  sync.Mutex
	env bench.Env
}

// Unknowns and secrets travel both ways as they do with real providers: the
// engine hands us secret inputs and we hand back secret outputs.
var (
	unmarshal = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: false}
	marshal   = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
)

func (p *provider) props(s *structpb.Struct, what string) (resource.PropertyMap, error) {
	m, err := plugin.UnmarshalProperties(s, unmarshal)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "fakeprovider %s: %s: %v", p.pkg, what, err)
	}
	return m, nil
}

func (p *provider) out(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshal)
}

func (p *provider) record(method, urn string, preview bool) {
	c := Call{Provider: p.pkg, Method: method, URN: urn, Preview: preview}
	if urn != "" {
		u := resource.URN(urn)
		c.Type, c.Name = string(u.Type()), u.Name()
	}
	p.rec.add(c)
}

func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Attach is how the engine hands an already-running provider its address
// (PULUMI_DEBUG_PROVIDERS); nothing here calls back into the engine.
func (p *provider) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	p.record("Attach", "", false)
	return &emptypb.Empty{}, nil
}

func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

func (p *provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, p.pkg, p.version)}, nil
}

func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *provider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure takes the region (aws, gcp) and project (gcp) the outputs use.
func (p *provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := p.props(req.GetArgs(), "Configure")
	if err != nil {
		return nil, err
	}
	str := func(k string) string {
		if v, ok := args[resource.PropertyKey(k)]; ok {
			if v = bench.Unsecret(v); v.IsString() {
				return v.StringValue()
			}
		}
		return req.GetVariables()[p.pkg+":config:"+k]
	}
	p.mu.Lock()
	switch p.pkg {
	case "aws":
		if r := str("region"); r != "" {
			p.env.Region = r
		}
	case "gcp":
		if r := str("region"); r != "" {
			p.env.GcpRegion = r
		}
		if pr := str("project"); pr != "" {
			p.env.GcpProj = pr
		}
	}
	p.mu.Unlock()
	p.record("Configure", "", false)
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (p *provider) currentEnv() bench.Env {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.env
}

func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	p.record("Check", req.GetUrn(), false)
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// Diff compares the old inputs with the new ones, key by key, and reports a
// replacement when a changed key is one the real provider replaces on
// (replaceOn, replace.go).
func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := p.props(req.GetOldInputs(), "Diff old inputs")
	if err != nil {
		return nil, err
	}
	if req.GetOldInputs() == nil {
		if olds, err = p.props(req.GetOlds(), "Diff olds"); err != nil {
			return nil, err
		}
	}
	news, err := p.props(req.GetNews(), "Diff news")
	if err != nil {
		return nil, err
	}
	typ := string(resource.URN(req.GetUrn()).Type())
	changed := changedKeys(olds, news, req.GetIgnoreChanges())
	replaces := replacing(typ, changed)

	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true,
		DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	if len(changed) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs, resp.Replaces = changed, replaces
		for _, k := range changed {
			kind := pulumirpc.PropertyDiff_UPDATE
			switch _, had := olds[resource.PropertyKey(k)]; {
			case !had:
				kind = pulumirpc.PropertyDiff_ADD
			case !news.HasValue(resource.PropertyKey(k)):
				kind = pulumirpc.PropertyDiff_DELETE
			}
			if contains(replaces, k) {
				kind += pulumirpc.PropertyDiff_ADD_REPLACE - pulumirpc.PropertyDiff_ADD
			}
			resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
		}
	}
	c := Call{Provider: p.pkg, Method: "Diff", URN: req.GetUrn(), Type: typ, Name: resource.URN(req.GetUrn()).Name(),
		Changed: changed, Replaces: replaces}
	p.rec.add(c)
	return resp, nil
}

// changedKeys are the top-level input keys whose values differ (a secret
// that became plain counts), or are unknown in the new inputs.
func changedKeys(olds, news resource.PropertyMap, ignore []string) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if strings.HasPrefix(string(k), "__") || ignored(string(k), ignore) {
			continue
		}
		o, n := olds[k], news[k]
		if o.IsNull() && n.IsNull() {
			continue
		}
		if n.ContainsUnknowns() || !o.DeepEquals(n) {
			out = append(out, string(k))
		}
	}
	sort.Strings(out)
	return out
}

func ignored(key string, ignore []string) bool {
	for _, path := range ignore {
		if path == key || strings.HasPrefix(path, key+".") || strings.HasPrefix(path, key+"[") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (p *provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	p.record("Create", req.GetUrn(), req.GetPreview())
	news, err := p.props(req.GetProperties(), "Create")
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		// As a real provider previews a create: the inputs, outputs unknown.
		props, err := p.out(news)
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	u := resource.URN(req.GetUrn())
	id, state := bench.Compute(p.currentEnv(), string(u.Type()), u.Name(), news)
	if p.rewrite != nil {
		p.rewrite(string(u.Type()), u.Name(), state)
	}
	if err := p.applyCreate(ctx, req.GetUrn(), id, state); err != nil {
		return nil, err
	}
	props, err := p.out(state)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (p *provider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	p.record("Update", req.GetUrn(), req.GetPreview())
	olds, err := p.props(req.GetOlds(), "Update olds")
	if err != nil {
		return nil, err
	}
	news, err := p.props(req.GetNews(), "Update news")
	if err != nil {
		return nil, err
	}
	u := resource.URN(req.GetUrn())
	var state resource.PropertyMap
	if req.GetPreview() {
		// Known outputs stay, changed inputs show through.
		state = olds.Copy()
		for k, v := range news {
			state[k] = v
		}
	} else {
		_, state = bench.Compute(p.currentEnv(), string(u.Type()), u.Name(), news)
		if p.rewrite != nil {
			p.rewrite(string(u.Type()), u.Name(), state)
		}
		if err := p.applyUpdate(ctx, req.GetUrn(), req.GetId(), state); err != nil {
			return nil, err
		}
	}
	props, err := p.out(state)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// Read answers from the fake cloud's inventory (readCloud): what a create
// or update left, or gone; changed where a test injected drift (drift.go).
func (p *provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	p.record("Read", req.GetUrn(), false)
	return p.driftOn(req.GetUrn())(p.readCloud(req))
}

func (p *provider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	p.record("Delete", req.GetUrn(), false)
	if err := p.applyDelete(ctx, req.GetUrn(), req.GetId()); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Invoke answers from the bench's call mocks; a function nobody mocked fails
// the program with an error naming it.
func (p *provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	p.rec.add(Call{Provider: p.pkg, Method: "Invoke", Type: req.GetTok(), Preview: req.GetPreview()})
	args, err := p.props(req.GetArgs(), "Invoke "+req.GetTok())
	if err != nil {
		return nil, err
	}
	ret, err := bench.Invoke(p.currentEnv(), req.GetTok(), args)
	if err != nil {
		return nil, status.Errorf(codes.NotFound, "fakeprovider %s: %v", p.pkg, err)
	}
	out, err := p.out(ret)
	return &pulumirpc.InvokeResponse{Return: out}, err
}

// Cancel is the engine asking its providers to stop waiting (SIGINT, or its
// shutdown): hung calls in flight end (faults.go).
func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	p.faults.signalCancel()
	return &emptypb.Empty{}, nil
}
