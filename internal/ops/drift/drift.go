// Package drift reports what the cloud changed behind the code's back: it
// reads `pulumi preview --refresh --expect-no-changes --json` (the refresh
// reads every resource from the cloud, the preview diffs it against the
// program) and renders the GitHub issue body the scheduled drift workflow
// opens or updates. No drift, no body.
package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/gate"
)

// Change is one property that differs between the cloud and the code.
type Change struct {
	Property string `json:"property"`
	Kind     string `json:"kind"`  // update, add, delete (as the engine's detailed diff says)
	Cloud    string `json:"cloud"` // what the refresh read; secrets stay "[secret]"
	Code     string `json:"code"`  // what the program sets
}

// Resource is one drifted resource and what the next up would do to it.
type Resource struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	URN     string   `json:"urn"`
	Op      string   `json:"op"`
	Changes []Change `json:"changes"`
}

// Report is one stack's drift.
type Report struct {
	Stack     string     `json:"stack"`
	Resources []Resource `json:"resources"`
}

// Drifted reports whether anything differs.
func (r *Report) Drifted() bool { return len(r.Resources) > 0 }

// Find reads the preview's steps: every step that would change a resource
// (the stack and providers are bookkeeping) with the properties behind it.
func Find(stack string, d *gate.Digest) *Report {
	rep := &Report{Stack: stack}
	for _, st := range d.Steps {
		switch st.Op {
		case "same", "read", "refresh":
			if st.Op != "refresh" || len(st.DetailedDiff) == 0 {
				continue
			}
		}
		s := st.NewState
		if s == nil {
			s = st.OldState
		}
		if s == nil || string(s.Type) == "pulumi:pulumi:Stack" || strings.HasPrefix(string(s.Type), "pulumi:providers:") {
			continue
		}
		res := Resource{Type: string(s.Type), Name: s.URN.Name(), URN: st.URN, Op: st.Op}
		keys := map[string]string{}
		for k, pd := range st.DetailedDiff {
			keys[k] = pd.Kind
		}
		for _, k := range append(st.DiffReasons, st.ReplaceReasons...) {
			if _, ok := keys[k]; !ok {
				keys[k] = "update"
			}
		}
		for k, kind := range keys {
			res.Changes = append(res.Changes, Change{Property: k, Kind: kind,
				Cloud: valueAt(st.OldState, k), Code: valueAt(st.NewState, k)})
		}
		sort.Slice(res.Changes, func(i, j int) bool { return res.Changes[i].Property < res.Changes[j].Property })
		rep.Resources = append(rep.Resources, res)
	}
	sort.Slice(rep.Resources, func(i, j int) bool { return rep.Resources[i].URN < rep.Resources[j].URN })
	return rep
}

// valueAt is the input at a top-level key or a detailed-diff path
// ("tags.env", "rules[0].status") as compact JSON, "" when absent.
func valueAt(s *apitype.ResourceV3, path string) string {
	if s == nil {
		return ""
	}
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return ""
	}
	v, ok := p.Get(resource.NewObjectProperty(resource.NewPropertyMapFromMap(s.Inputs)))
	if !ok || v.IsNull() {
		return ""
	}
	return compact(v.Mappable())
}

// intro heads the drift issue.
const intro = "Drift detected by `pulumi preview --refresh --expect-no-changes` (the scheduled drift workflow; " +
	"details in docs/operate.md). The next `pulumi up` puts the code's values back; change the code " +
	"instead if the cloud's values are the ones to keep.\n\n"

// Body is the issue body for the reports: "" when nothing drifted.
func Body(reps []*Report) string {
	body := ""
	for _, r := range reps {
		body = Merge(body, r)
	}
	return body
}

// section is one stack's part of the issue: a table of every drifted
// property, or the resource alone when the engine names no property.
func section(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Stack `%s`: %d drifted resource(s)\n\n", r.Stack, len(r.Resources))
	b.WriteString("| resource | next `up` | property | cloud now | code says |\n|---|---|---|---|---|\n")
	for _, res := range r.Resources {
		if len(res.Changes) == 0 {
			fmt.Fprintf(&b, "| `%s` `%s` | %s | | | |\n", res.Type, res.Name, res.Op)
		}
		for _, c := range res.Changes {
			fmt.Fprintf(&b, "| `%s` `%s` | %s | `%s` | %s | %s |\n", res.Type, res.Name, res.Op, c.Property, cell(c.Cloud), cell(c.Code))
		}
	}
	b.WriteString("\n")
	return b.String()
}

func cell(s string) string {
	if s == "" {
		return "(absent)"
	}
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return "`" + strings.ReplaceAll(s, "|", "\\|") + "`"
}

func compact(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Print writes the report for a terminal or a CI log.
func (r *Report) Print(w io.Writer) {
	if !r.Drifted() {
		fmt.Fprintf(w, "drift %s: none (the cloud matches the code)\n", r.Stack)
		return
	}
	fmt.Fprintf(w, "drift %s: %d resource(s)\n", r.Stack, len(r.Resources))
	for _, res := range r.Resources {
		fmt.Fprintf(w, "  %s %s (%s)\n", res.Type, res.Name, res.Op)
		for _, c := range res.Changes {
			fmt.Fprintf(w, "    %s: cloud %s, code %s\n", c.Property, orAbsent(c.Cloud), orAbsent(c.Code))
		}
	}
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
