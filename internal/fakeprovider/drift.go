package fakeprovider

import (
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

// drift is what someone changed in the fake cloud behind the engine's back
// (a setting edited in the console): Read, which `pulumi refresh` and
// `preview --refresh` call, answers with these values instead of the
// recorded ones.
type drift struct {
	mu      sync.Mutex
	changes map[string]resource.PropertyMap // "type::name" -> changed top-level properties
}

// drifts holds each Set's drift, keyed by the recorder its providers share,
// so the providers need no field of their own.
var drifts sync.Map // *recorder -> *drift

func (s *Set) drift() *drift {
	d, _ := drifts.LoadOrStore(s.rec, &drift{changes: map[string]resource.PropertyMap{}})
	return d.(*drift)
}

// Drift makes every later Read of the resource of type typ named name (its
// logical name) report property key as value, in its state and its inputs,
// as a real provider reads back a setting changed outside Pulumi.
func (s *Set) Drift(typ, name, key string, value any) {
	name = typ + "::" + name
	d := s.drift()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.changes[name] == nil {
		d.changes[name] = resource.PropertyMap{}
	}
	d.changes[name][resource.PropertyKey(key)] = resource.NewPropertyValue(value)
}

// ClearDrift puts the fake cloud back in line with the recorded state.
func (s *Set) ClearDrift() {
	d := s.drift()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changes = map[string]resource.PropertyMap{}
}

// driftOn wraps a Read answer for urn with the drift injected for it.
func (p *provider) driftOn(urn string) func(*pulumirpc.ReadResponse, error) (*pulumirpc.ReadResponse, error) {
	return func(resp *pulumirpc.ReadResponse, err error) (*pulumirpc.ReadResponse, error) {
		if err != nil || resp == nil {
			return resp, err
		}
		v, ok := drifts.Load(p.rec)
		if !ok {
			return resp, nil
		}
		d := v.(*drift)
		d.mu.Lock()
		u := resource.URN(urn)
		changed := d.changes[string(u.Type())+"::"+u.Name()].Copy()
		d.mu.Unlock()
		if len(changed) == 0 {
			return resp, nil
		}
		for _, field := range []**structpb.Struct{&resp.Properties, &resp.Inputs} {
			if *field == nil {
				continue
			}
			m, err := p.props(*field, "Read (drift)")
			if err != nil {
				return nil, err
			}
			for k, val := range changed {
				m[k] = val
			}
			if *field, err = p.out(m); err != nil {
				return nil, err
			}
		}
		return resp, nil
	}
}
