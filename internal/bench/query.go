package bench

import "sort"

// OfType returns the resources of one type token, in stable order.
func (r *Result) OfType(token string) []*Resource {
	var out []*Resource
	for _, res := range r.Resources {
		if res.Type == token {
			out = append(out, res)
		}
	}
	return out
}

// Find returns the resource with this type and logical name, or nil.
func (r *Result) Find(token, name string) *Resource {
	for _, res := range r.Resources {
		if res.Type == token && res.Name == name {
			return res
		}
	}
	return nil
}

// ByURN returns the resource with this URN, or nil.
func (r *Result) ByURN(urn string) *Resource {
	for _, res := range r.Resources {
		if res.URN == urn {
			return res
		}
	}
	return nil
}

// Children returns the direct children of parent.
func (r *Result) Children(parent *Resource) []*Resource {
	var out []*Resource
	for _, res := range r.Resources {
		if res.ParentURN == parent.URN {
			out = append(out, res)
		}
	}
	return out
}

// Descendants returns every resource below parent, at any depth.
func (r *Result) Descendants(parent *Resource) []*Resource {
	var out []*Resource
	for _, c := range r.Children(parent) {
		out = append(out, c)
		out = append(out, r.Descendants(c)...)
	}
	return out
}

// Ancestor returns the nearest ancestor of res of the given type, or nil.
func (r *Result) Ancestor(res *Resource, token string) *Resource {
	for p := r.ByURN(res.ParentURN); p != nil; p = r.ByURN(p.ParentURN) {
		if p.Type == token {
			return p
		}
	}
	return nil
}

// DependsOn reports whether res depends on other, directly or through any chain
// of dependencies or parent components (what the engine orders by).
func (r *Result) DependsOn(res, other *Resource) bool {
	seen := map[string]bool{}
	var walk func(urn string) bool
	walk = func(urn string) bool {
		if seen[urn] {
			return false
		}
		seen[urn] = true
		cur := r.ByURN(urn)
		if cur == nil {
			return false
		}
		for _, d := range cur.Dependencies {
			if d == other.URN || walk(d) {
				return true
			}
			// A dependency on a component means on everything inside it.
			if dep := r.ByURN(d); dep != nil && !dep.Custom {
				for _, c := range r.Descendants(dep) {
					if c.URN == other.URN || walk(c.URN) {
						return true
					}
				}
			}
		}
		return false
	}
	return walk(res.URN)
}

// Output returns an export's value; ok is false when it was not exported.
func (r *Result) Output(key string) (Value, bool) {
	v, ok := r.Outputs[key]
	return v, ok
}

// SecretInputs lists the top-level input keys of res that carry a secret.
func (res *Resource) SecretInputs() []string {
	var keys []string
	for k, v := range res.Inputs {
		if v.ContainsSecrets() {
			keys = append(keys, string(k))
		}
	}
	sort.Strings(keys)
	return keys
}
