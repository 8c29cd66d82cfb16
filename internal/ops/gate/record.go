package gate

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// maskedSecret is how `pulumi preview --json` prints a secret (it never
// shows secrets: pkg/backend/display/json.go, MassageSecrets).
const maskedSecret = "[secret]"

// Record maps the preview onto the record the rules read: every resource the
// up would leave (deletes are gone afterwards), its new inputs, state and
// options, and the stack's outputs. conf holds the stack's non-secret
// config (fully-qualified keys); secrets the values of its secret config, so
// a rule can find one that leaked into a plaintext input or export.
//
// A preview does not know what the cloud computes (ids, ARNs, names of
// created resources): such an input is the engine's unknown. mock, the same
// program and config under the bench's mocks (same URNs), fills it with the
// value the offline plan judges, and the resource's unknown id and outputs
// likewise, so rules that pair resources by id or ARN still pair them: the
// preview decides every flag and known value, the mocks only what the cloud
// will compute. What the mocks do not have (a resource the program did not
// register under them) is linked instead: where an unknown comes
// from exactly one resource (its property dependency), it is linked: the
// input and that resource's unknown id and outputs get one placeholder, so
// the rules that pair resources by id or ARN (a bucket and its policy, a
// function and its role) still pair them. Unknown tracks which resources had
// any unknown input, so a failure there can be called undecided.
func (d *Digest) Record(stack string, conf map[string]string, secrets []string, mock *bench.Result) (*bench.Result, map[string][]string) {
	r := &bench.Result{Stack: shortName(stack), Outputs: map[string]bench.Value{}, Config: map[string]string{}}
	for k, v := range d.Config {
		if v != maskedSecret {
			r.Config[k] = v
		}
	}
	for k, v := range conf {
		r.Config[k] = v
	}
	for _, s := range secrets {
		if s != "" {
			r.SecretValues = append(r.SecretValues, s)
		}
	}
	// A plain "[secret]" is what the engine left of a secret value in
	// plaintext (outputValue); secrets themselves are secret values here.
	r.SecretValues = append(r.SecretValues, maskedSecret)
	for k, v := range d.StackOutputs {
		r.Outputs[k] = outputValue(v)
	}
	unknown := map[string][]string{}
	var deps []*apitype.ResourceV3
	for _, st := range d.Steps {
		ns := st.NewState
		if ns == nil || isDelete(st.Op) {
			continue
		}
		if string(ns.Type) == bench.StackType {
			continue
		}
		if strings.HasPrefix(string(ns.Type), "pulumi:providers:") {
			continue
		}
		res := &bench.Resource{
			Type:                    string(ns.Type),
			Name:                    ns.URN.Name(),
			URN:                     string(ns.URN),
			ParentURN:               string(ns.Parent),
			Custom:                  ns.Custom,
			Inputs:                  propertyMap(ns.Inputs),
			State:                   propertyMap(ns.Outputs),
			ID:                      string(ns.ID),
			Protect:                 ns.Protect,
			RetainOnDelete:          ns.RetainOnDelete,
			IgnoreChanges:           ns.IgnoreChanges,
			AdditionalSecretOutputs: keys(ns.AdditionalSecretOutputs),
			Provider:                ns.Provider,
		}
		for _, u := range ns.Dependencies {
			res.Dependencies = append(res.Dependencies, string(u))
		}
		r.Resources = append(r.Resources, res)
		deps = append(deps, ns)
	}
	sort.SliceStable(r.Resources, func(i, j int) bool { return r.Resources[i].URN < r.Resources[j].URN })
	fill(r, mock)
	link(r, deps, unknown)
	return r, unknown
}

// link replaces unknown inputs that come from one resource with a placeholder
// that resource's unknown id and outputs share; see Record.
func link(r *bench.Result, states []*apitype.ResourceV3, unknown map[string][]string) {
	placeholder := func(urn string) string { return "(known after apply: " + urn + ")" }
	for _, ns := range states {
		res := r.ByURN(string(ns.URN))
		for k, v := range res.Inputs {
			if !v.ContainsUnknowns() {
				continue
			}
			unknown[res.URN] = append(unknown[res.URN], string(k))
			from := ns.PropertyDependencies[resource.PropertyKey(k)]
			if len(from) != 1 || r.ByURN(string(from[0])) == nil || !v.IsComputed() {
				continue
			}
			res.Inputs[k] = resource.NewProperty(placeholder(string(from[0])))
		}
		sort.Strings(unknown[res.URN])
	}
	for _, res := range r.Resources {
		if res.ID == "" || res.ID == plugin.UnknownStringValue {
			res.ID = placeholder(res.URN)
		}
		if res.State == nil {
			res.State = resource.PropertyMap{}
		}
		for _, k := range []resource.PropertyKey{"id", "arn", "name"} {
			v, ok := res.State[k]
			if (ok && v.ContainsUnknowns()) || (!ok && k != "name") {
				res.State[k] = resource.NewProperty(placeholder(res.URN))
			}
		}
	}
}

// fill takes unknown inputs, ids and outputs from the mock run's resource
// of the same URN.
func fill(r *bench.Result, mock *bench.Result) {
	if mock == nil {
		return
	}
	for _, res := range r.Resources {
		m := mock.ByURN(res.URN)
		if m == nil {
			continue
		}
		for k, v := range res.Inputs {
			if mv, ok := m.Inputs[k]; ok && v.ContainsUnknowns() {
				res.Inputs[k] = mv
			}
		}
		if res.ID == "" || res.ID == plugin.UnknownStringValue {
			res.ID = m.ID
		}
		if res.State == nil {
			res.State = resource.PropertyMap{}
		}
		for k, mv := range m.State {
			if v, ok := res.State[k]; !ok || v.ContainsUnknowns() {
				res.State[k] = mv
			}
		}
	}
}

func isDelete(op string) bool {
	switch op {
	case "delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace":
		return true
	}
	return false
}

// propertyMap turns the CLI's JSON into property values: "[secret]" back into
// a secret, the unknown sentinel into a computed value.
func propertyMap(m map[string]any) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[resource.PropertyKey(k)] = propertyValue(v)
	}
	return out
}

func propertyValue(v any) resource.PropertyValue {
	switch t := v.(type) {
	case string:
		switch t {
		case maskedSecret:
			return resource.MakeSecret(resource.NewProperty(""))
		case plugin.UnknownStringValue:
			return resource.MakeComputed(resource.NewProperty(""))
		}
		return resource.NewProperty(t)
	case []any:
		arr := make([]resource.PropertyValue, len(t))
		for i, e := range t {
			arr[i] = propertyValue(e)
		}
		return resource.NewProperty(arr)
	case map[string]any:
		return resource.NewProperty(propertyMap(t))
	case float64:
		return resource.NewProperty(t)
	case bool:
		return resource.NewProperty(t)
	case nil:
		return resource.NewNullProperty()
	}
	return resource.NewPropertyValue(v)
}

// outputValue reads one export from the event log, where a secret is the
// engine's secret object and the engine scrubs any plaintext string equal
// to a secret value to "[secret]": such a plain "[secret]" is a leak.
func outputValue(v any) bench.Value {
	switch t := v.(type) {
	case string:
		if t == plugin.UnknownStringValue {
			return bench.Value{Known: false}
		}
	case map[string]any:
		if _, ok := t[secretSig]; ok {
			return bench.Value{Value: maskedSecret, Known: true, Secret: true}
		}
	}
	return bench.Value{Value: v, Known: true}
}

// secretSig marks a serialized secret (sdk/go/common/resource/sig).
const secretSig = "4dabf18193072939515e22adb298388d"

func keys[K ~string](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// shortName is the stack's own name, without org/project/ (Pulumi Cloud):
// what the program sees as ctx.Stack() and the stack file is named after.
func shortName(stack string) string {
	if i := strings.LastIndex(stack, "/"); i >= 0 {
		return stack[i+1:]
	}
	return stack
}
