package plan

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// maxValue keeps the tree readable: long inputs (policies, scripts) are cut.
const maxValue = 72

// WriteTree prints the resource tree with each resource's key settings, then
// the outputs and the policy verdicts.
func WriteTree(w io.Writer, d Document) {
	fmt.Fprintf(w, "Stack %s: %d resources\n", d.Stack, len(d.Resources))
	if len(d.Placeholders) > 0 {
		fmt.Fprintf(w, "NOTE: secrets replaced by placeholders (not set or not decryptable here): %s\n", strings.Join(d.Placeholders, ", "))
	}
	children := map[string][]Resource{}
	urns := map[string]bool{}
	for _, r := range d.Resources {
		urns[r.urn] = true
	}
	for _, r := range d.Resources {
		parent := r.parentURN
		if !urns[parent] {
			parent = "" // the root stack
		}
		children[parent] = append(children[parent], r)
	}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		kids := children[parent]
		sort.Slice(kids, func(i, j int) bool {
			if kids[i].Type != kids[j].Type {
				return kids[i].Type < kids[j].Type
			}
			return kids[i].Name < kids[j].Name
		})
		indent := strings.Repeat("  ", depth+1)
		for _, r := range kids {
			fmt.Fprintf(w, "%s%s %s%s\n", indent, r.Type, r.Name, flags(r))
			for _, line := range settings(r) {
				fmt.Fprintf(w, "%s    %s\n", indent, line)
			}
			walk(r.urn, depth+1)
		}
	}
	walk("", 0)

	fmt.Fprintln(w, "\nOutputs:")
	keys := make([]string, 0, len(d.Outputs))
	for k := range d.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-26s %s\n", k, short(fmt.Sprint(d.Outputs[k])))
	}

	failed := 0
	fmt.Fprintln(w, "\nPolicies:")
	for _, f := range d.Policies {
		verdict := "PASS"
		if !f.Passed {
			verdict = "FAIL"
			failed++
		}
		fmt.Fprintf(w, "  %s %-26s %s: %s\n", verdict, f.Rule, orStack(f.Resource), f.Message)
	}
	fmt.Fprintf(w, "\n%d policy findings, %d failed\n", len(d.Policies), failed)
	writeReachability(w, d)
	writeCost(w, d)
}

func flags(r Resource) string {
	var fs []string
	if r.Protect {
		fs = append(fs, "protect")
	}
	if r.RetainOnDelete {
		fs = append(fs, "retainOnDelete")
	}
	if len(r.DependsOn) > 0 {
		fs = append(fs, "dependsOn="+strings.Join(r.DependsOn, ","))
	}
	if len(fs) == 0 {
		return ""
	}
	return "  [" + strings.Join(fs, " ") + "]"
}

// settings lists the scalar inputs of a resource, which carry the decisions a
// reviewer looks for (auth types, sizes, counts, retention, flags).
func settings(r Resource) []string {
	keys := make([]string, 0, len(r.Inputs))
	for k := range r.Inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		switch v := r.Inputs[k].(type) {
		case string, bool, float64:
			out = append(out, fmt.Sprintf("%s: %s", k, short(fmt.Sprint(v))))
		case map[string]any, []any:
			if k == "tags" || k == "tagsAll" || k == "labels" {
				continue // the tagging policy covers them
			}
			out = append(out, fmt.Sprintf("%s: %s", k, short(compact(v))))
		}
	}
	return out
}

func orStack(s string) string {
	if s == "" {
		return "(stack)"
	}
	return s
}

func short(s string) string {
	s = strings.ReplaceAll(s, "\n", "\\n")
	if len(s) > maxValue {
		return s[:maxValue-3] + "..."
	}
	return s
}
