package gate

import (
	"fmt"
	"io"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

// Verdict is the rules' judgement of one preview.
type Verdict struct {
	Stack string
	// Blocking are failures on values the preview knows: they stop the up.
	Blocking []policy.Finding
	// Undecided are failures on a resource with inputs only the apply
	// computes (an image digest, a role ARN): the offline plan, which has
	// the mocks' values, judges those; they do not stop the up.
	Undecided []policy.Finding
	Passed    int
	Resources int
}

// OK reports whether the up may go on.
func (v *Verdict) OK() bool { return len(v.Blocking) == 0 }

// Err names every blocking rule and resource, or is nil.
func (v *Verdict) Err() error {
	if v.OK() {
		return nil
	}
	lines := make([]string, len(v.Blocking))
	for i, f := range v.Blocking {
		lines[i] = fmt.Sprintf("  %s: %s: %s", f.Rule, f.Resource, f.Message)
	}
	return &Blocked{Verdict: v, msg: fmt.Sprintf("policy gate: %d mandatory rule(s) fail on the preview of stack %s; the up is stopped:\n%s",
		len(v.Blocking), v.Stack, strings.Join(lines, "\n"))}
}

// Blocked is the error of a preview the rules stop.
type Blocked struct {
	Verdict *Verdict
	msg     string
}

func (b *Blocked) Error() string { return b.msg }

// Judge runs every rule (all are mandatory) over the preview's record; mock
// (may be nil) is the same stack under the bench's mocks (see Record).
func Judge(d *Digest, stack string, conf map[string]string, secrets []string, mock *bench.Result) *Verdict {
	rec, unknown := d.Record(stack, conf, secrets, mock)
	v := &Verdict{Stack: stack, Resources: len(rec.Resources)}
	byName := map[string]string{}
	for _, res := range rec.Resources {
		byName[res.String()] = res.URN
	}
	for _, f := range policy.Evaluate(rec) {
		switch {
		case f.Passed:
			v.Passed++
		case len(unknown[byName[f.Resource]]) > 0:
			f.Message += fmt.Sprintf(" [undecided in preview: %s known only after apply]", strings.Join(unknown[byName[f.Resource]], ", "))
			v.Undecided = append(v.Undecided, f)
		default:
			v.Blocking = append(v.Blocking, f)
		}
	}
	return v
}

// Print writes the verdict for the CI log.
func (v *Verdict) Print(w io.Writer) {
	fmt.Fprintf(w, "policy gate on the preview of %s: %d resources, %d findings passed, %d undecided, %d blocking\n",
		v.Stack, v.Resources, v.Passed, len(v.Undecided), len(v.Blocking))
	for _, f := range v.Undecided {
		fmt.Fprintf(w, "  UNDECIDED %s: %s: %s\n", f.Rule, f.Resource, f.Message)
	}
	for _, f := range v.Blocking {
		fmt.Fprintf(w, "  FAIL      %s: %s: %s\n", f.Rule, f.Resource, f.Message)
	}
	if v.OK() {
		fmt.Fprintln(w, "verdict: PASS (the up may go on)")
	} else {
		fmt.Fprintln(w, "verdict: FAIL (the up is stopped)")
	}
}
