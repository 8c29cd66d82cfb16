package bench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// StackType is the root resource every top-level resource is parented to.
const StackType = "pulumi:pulumi:Stack"

// Resource is one registered resource as the engine would have seen it.
type Resource struct {
	Type                    string // Pulumi type token, e.g. aws:s3/bucketV2:BucketV2
	Name                    string // logical name
	URN                     string
	ParentURN               string
	Custom                  bool // false for component resources
	Inputs                  resource.PropertyMap
	State                   resource.PropertyMap // what the mock returned
	ID                      string
	Dependencies            []string // URNs this resource explicitly or implicitly depends on
	Protect                 bool
	RetainOnDelete          bool
	DeleteBeforeReplace     bool
	IgnoreChanges           []string
	AdditionalSecretOutputs []string
	Provider                string
}

// ParentType is the type token of the parent, read from the parent URN.
func (r *Resource) ParentType() string {
	if r.ParentURN == "" {
		return ""
	}
	return string(resource.URN(r.ParentURN).Type())
}

// Get returns the input at a property path such as "rules[0].status".
func (r *Resource) Get(path string) (resource.PropertyValue, bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return resource.PropertyValue{}, false
	}
	return p.Get(resource.NewObjectProperty(r.Inputs))
}

// Str returns the string input at path, unwrapping secrets; "" when absent.
func (r *Resource) Str(path string) string {
	v, ok := r.Get(path)
	if !ok {
		return ""
	}
	v = Unsecret(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// IsSecret reports whether the input at path is marked secret.
func (r *Resource) IsSecret(path string) bool {
	v, ok := r.Get(path)
	return ok && v.ContainsSecrets()
}

// Plain returns the input at path as plain Go values (secrets unwrapped).
func (r *Resource) Plain(path string) any {
	v, ok := r.Get(path)
	if !ok {
		return nil
	}
	return Plain(v, false)
}

// String is "type::name", handy in failure messages.
func (r *Resource) String() string { return fmt.Sprintf("%s::%s", r.Type, r.Name) }

// Unsecret strips secret and output wrappers from a value.
func Unsecret(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// Plain converts a property value to JSON-friendly Go values. With mask,
// secrets become "[secret]"; unknowns are "[unknown]" either way.
func Plain(v resource.PropertyValue, mask bool) any {
	switch {
	case v.IsSecret():
		if mask {
			return "[secret]"
		}
		return Plain(v.SecretValue().Element, mask)
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return "[unknown]"
		}
		if o.Secret && mask {
			return "[secret]"
		}
		return Plain(o.Element, mask)
	case v.IsComputed():
		return "[unknown]"
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = Plain(e, mask)
		}
		return out
	case v.IsObject():
		return PlainMap(v.ObjectValue(), mask)
	case v.IsAsset():
		a := v.AssetValue()
		return "asset:" + firstNonEmpty(a.Path, a.URI, "<text>")
	case v.IsArchive():
		a := v.ArchiveValue()
		return "archive:" + firstNonEmpty(a.Path, a.URI, "<assets>")
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	default:
		return fmt.Sprint(v.V)
	}
}

// PlainMap converts a property map with sorted, stable keys.
func PlainMap(m resource.PropertyMap, mask bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		if strings.HasPrefix(string(k), "__") {
			continue // engine bookkeeping such as __defaults
		}
		out[string(k)] = Plain(e, mask)
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortResources(rs []*Resource) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].URN < rs[j].URN })
}
