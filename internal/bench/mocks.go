package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Fixed identity of the mocked accounts, so outputs are realistic and stable.
const (
	AwsAccount = "123456789012"
	GcpProject = "sgraph-send-test"
)

// env is what mock functions know about the run.
type env struct {
	Region    string // aws:region of the stack
	GcpRegion string
	GcpProj   string
}

// resourceMock computes the id and output state of one resource type from its
// inputs. state starts as a copy of the inputs (what the provider echoes back).
type resourceMock func(e env, name string, inputs, state resource.PropertyMap) (id string)

// callMock answers one provider function (data source) call.
type callMock func(e env, args resource.PropertyMap) (resource.PropertyMap, error)

var (
	resourceMocks = map[string]resourceMock{}
	callMocks     = map[string]callMock{}
)

// mockResource and mockCall register mocks; each area's file calls them from init.
func mockResource(token string, m resourceMock) { resourceMocks[token] = m }
func mockCall(token string, m callMock)         { callMocks[token] = m }

// mocks implements pulumi.MockResourceMonitor and records every registration.
type mocks struct {
	project, stack string
	env            env
	preview        bool // answer like a provider during preview: no computed outputs
	mu             sync.Mutex
	rs             []*Resource
}

func newMocks(project, stack string, cfg map[string]string) *mocks {
	return &mocks{project: project, stack: stack, env: EnvFor(cfg)}
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	state := args.Inputs.Copy()
	id := args.Name + "-id"
	if m.preview && args.Custom {
		id = "" // unknown until created; the SDK resolves missing outputs as unknown
		for k, v := range state {
			if v.ContainsUnknowns() {
				// The mock monitor cannot marshal unknowns back; left out, the
				// SDK resolves them as unknown, as the engine would report them.
				delete(state, k)
			}
		}
	} else if args.Custom {
		id, state = Compute(m.env, args.TypeToken, args.Name, args.Inputs)
	}
	rpc := args.RegisterRPC
	r := &Resource{
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: args.Inputs,
		State:  state,
		ID:     id,
	}
	if rpc != nil {
		r.ParentURN = rpc.GetParent()
		r.Dependencies = dedupe(rpc.GetDependencies(), propertyDependencies(rpc.GetPropertyDependencies()))
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.AdditionalSecretOutputs = rpc.GetAdditionalSecretOutputs()
		r.Provider = rpc.GetProvider()
		r.URN = m.urn(rpc.GetParent(), args.TypeToken, args.Name)
	}
	m.mu.Lock()
	m.rs = append(m.rs, r)
	m.mu.Unlock()
	return id, state, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	out, err := Invoke(m.env, args.Token, args.Args)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return out, nil
}

func (m *mocks) resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]*Resource(nil), m.rs...)
	sortResources(out)
	return out
}

// urn rebuilds the URN the mock monitor assigns (it is not passed to mocks),
// so parents and dependencies resolve to recorded resources.
func (m *mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

func propertyDependencies(deps map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) []string {
	var out []string
	for _, d := range deps {
		out = append(out, d.GetUrns()...)
	}
	sort.Strings(out)
	return out
}

func dedupe(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// defaultMock gives every resource a realistic id and, for AWS, an ARN.
func defaultMock(e env, token, name string, state resource.PropertyMap) string {
	id := name + "-" + shortHash(token+name)
	if strings.HasPrefix(token, "aws:") {
		if _, ok := state["arn"]; !ok {
			service := strings.SplitN(strings.TrimPrefix(token, "aws:"), "/", 2)[0]
			state["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, e.Region, AwsAccount, service, id))
		}
	}
	state["id"] = resource.NewProperty(id)
	return id
}

// shortHash is a stable 8-hex suffix, like the ones autonaming appends.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// Digest is a stable, realistic sha256 digest derived from s.
func Digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
