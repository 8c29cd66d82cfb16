// Package plan is the offline plan: it runs the program for one stack under the
// bench, evaluates the policies and renders the result as a tree or as JSON.
package plan

import (
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/cost"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

// Document is the stable JSON contract of `cmd/plan -json`. Add fields only;
// never rename or remove one (tools and CI parse it).
type Document struct {
	Stack        string           `json:"stack"`
	Resources    []Resource       `json:"resources"`
	Outputs      map[string]any   `json:"outputs"`
	Policies     []policy.Finding `json:"policies"`
	Placeholders []string         `json:"placeholderSecrets"`
	// Cost is the monthly estimate (cost.go); CostError says why there is none.
	Cost      *cost.Estimate `json:"cost,omitempty"`
	CostError string         `json:"costError,omitempty"`
	// Reachability is every endpoint's path, hop by hop (internal/reachability).
	Reachability *reachability.Report `json:"reachability,omitempty"`
}

// Resource is one resource of the plan.
type Resource struct {
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	Parent         string         `json:"parent"` // type token of the parent, "" at the top
	DependsOn      []string       `json:"dependsOn"`
	Protect        bool           `json:"protect"`
	RetainOnDelete bool           `json:"retainOnDelete"`
	Inputs         map[string]any `json:"inputs"` // secrets shown as "[secret]"

	urn, parentURN string // for the tree; the JSON names parents by type only
}

// Build turns a bench run and its policy findings into the plan document.
func Build(r *bench.Result, findings []policy.Finding) Document {
	doc := Document{
		Stack:        r.Stack,
		Resources:    make([]Resource, 0, len(r.Resources)),
		Outputs:      map[string]any{},
		Policies:     findings,
		Placeholders: append([]string{}, r.Placeholders...),
	}
	for _, res := range r.Resources {
		parent := res.ParentType()
		if parent == bench.StackType {
			parent = ""
		}
		// Names, as the contract says; a resource and its component often share
		// one, so each name is listed once.
		deps := make([]string, 0, len(res.Dependencies))
		for _, d := range res.Dependencies {
			deps = append(deps, resource.URN(d).Name())
		}
		sort.Strings(deps)
		deps = slices.Compact(deps)
		doc.Resources = append(doc.Resources, Resource{
			Type:           res.Type,
			Name:           res.Name,
			Parent:         parent,
			DependsOn:      deps,
			Protect:        res.Protect,
			RetainOnDelete: res.RetainOnDelete,
			Inputs:         bench.PlainMap(res.Inputs, true),
			urn:            res.URN,
			parentURN:      res.ParentURN,
		})
	}
	for k, v := range r.Outputs {
		switch {
		case v.Secret:
			doc.Outputs[k] = "[secret]"
		case !v.Known:
			doc.Outputs[k] = "[unknown]"
		default:
			doc.Outputs[k] = v.Value
		}
	}
	addCost(&doc, r)
	return doc
}

// Passed reports whether every policy finding passed and every path is reachable.
func (d Document) Passed() bool {
	return len(policy.Failed(d.Policies)) == 0 && (d.Reachability == nil || len(d.Reachability.Failed()) == 0)
}
