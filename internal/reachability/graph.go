// Package reachability proves, offline, that every endpoint a stack outputs
// can be reached hop by hop in the recorded graph (the bench's resources or
// the engine's state after `up`), and that each runtime can reach the AWS and
// Google APIs it calls. Each rule names the provider documentation it models;
// what only a real cloud shows (route tables beyond the default VPC's, NACLs,
// DNS propagation) is listed in docs/reachability.md.
package reachability

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// Node is one resource: its type, logical name, id and properties (the
// provider's outputs over the inputs, as plain Go values).
type Node struct {
	Type, Name, ID string
	Props          map[string]any
}

// Graph is what a stack registered and exported.
type Graph struct {
	Stack   string
	Nodes   []*Node
	Outputs map[string]any
}

// FromBench reads a bench run (the program under mocks).
func FromBench(r *bench.Result) *Graph {
	g := &Graph{Stack: r.Stack, Outputs: map[string]any{}}
	for _, res := range r.Resources {
		if !res.Custom {
			continue
		}
		props := bench.PlainMap(res.Inputs, false)
		for k, v := range bench.PlainMap(res.State, false) {
			if _, ok := props[k]; !ok || v != "[unknown]" {
				props[k] = v
			}
		}
		g.Nodes = append(g.Nodes, &Node{Type: res.Type, Name: res.Name, ID: res.ID, Props: props})
	}
	for k, v := range r.Outputs {
		if v.Known {
			g.Outputs[k] = v.Value
		}
	}
	return g
}

// FromState reads the engine's state (a stack export) and the stack outputs.
func FromState(stack string, rs []apitype.ResourceV3, outputs map[string]any) *Graph {
	g := &Graph{Stack: stack, Outputs: outputs}
	for _, r := range rs {
		if !r.Custom || strings.HasPrefix(string(r.Type), "pulumi:providers:") {
			continue
		}
		props := map[string]any{}
		for k, v := range r.Inputs {
			props[k] = v
		}
		for k, v := range r.Outputs {
			props[k] = v
		}
		g.Nodes = append(g.Nodes, &Node{Type: string(r.Type), Name: string(resource.URN(r.URN).Name()), ID: string(r.ID), Props: props})
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].Type+g.Nodes[i].Name < g.Nodes[j].Type+g.Nodes[j].Name })
	return g
}

// OfType returns the nodes of one type token.
func (g *Graph) OfType(token string) []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if n.Type == token {
			out = append(out, n)
		}
	}
	return out
}

// Find returns the node of this type and logical name, or nil.
func (g *Graph) Find(token, name string) *Node {
	for _, n := range g.Nodes {
		if n.Type == token && n.Name == name {
			return n
		}
	}
	return nil
}

// Drop removes the nodes for which drop is true (tests break graphs with it).
func (g *Graph) Drop(drop func(*Node) bool) {
	kept := g.Nodes[:0]
	for _, n := range g.Nodes {
		if !drop(n) {
			kept = append(kept, n)
		}
	}
	g.Nodes = kept
}

// byRef returns the first node of type token whose id, arn or name is ref.
func (g *Graph) byRef(token, ref string) *Node {
	if ref == "" {
		return nil
	}
	for _, n := range g.OfType(token) {
		if n.ID == ref || n.Str("arn") == ref || n.Str("id") == ref || n.Str("name") == ref {
			return n
		}
	}
	return nil
}

// Get walks a dotted path with [i] indexes, e.g. "loadBalancers[0].targetGroupArn".
func (n *Node) Get(path string) any {
	var cur any = n.Props
	for _, part := range strings.Split(path, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			fmt.Sscanf(part[i:], "[%d]", &idx)
			part = part[:i]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = unwrap(m[part])
		if idx >= 0 {
			l, ok := cur.([]any)
			if !ok || idx >= len(l) {
				return nil
			}
			cur = unwrap(l[idx])
		}
	}
	return cur
}

// Str is the string at path, "" when absent.
func (n *Node) Str(path string) string {
	s, _ := n.Get(path).(string)
	return s
}

// Num is the number at path (numbers in strings too), -1 when absent.
func (n *Node) Num(path string) int {
	return num(n.Get(path))
}

// List is the list at path.
func (n *Node) List(path string) []any {
	l, _ := n.Get(path).([]any)
	return l
}

// Strs is the list of strings at path.
func (n *Node) Strs(path string) []string {
	var out []string
	for _, v := range n.List(path) {
		if s, ok := unwrap(v).(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (n *Node) String() string { return n.Name }

func num(v any) int {
	switch x := unwrap(v).(type) {
	case float64:
		return int(x)
	case int:
		return x
	case string:
		var i int
		if _, err := fmt.Sscanf(x, "%d", &i); err == nil {
			return i
		}
	}
	return -1
}

// unwrap opens a secret as the state file stores it when the value is
// plaintext in the export (the engine's {"4dabf...": sig, "value": v}).
func unwrap(v any) any {
	if m, ok := v.(map[string]any); ok {
		if _, sig := m[resource.SigKey]; sig {
			if inner, ok := m["value"]; ok {
				return inner
			}
			if pt, ok := m["plaintext"].(string); ok {
				return pt
			}
		}
	}
	return v
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
