package rehearsal

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Step is one step the engine took or planned for a resource.
type Step struct {
	Op    string // create, update, replace, delete, same, ...
	Type  string
	Name  string
	URN   string
	Diffs []string // the properties that differ, as the provider reported them
}

func (s Step) String() string {
	out := fmt.Sprintf("%s %s %s", s.Op, s.Type, s.Name)
	if len(s.Diffs) > 0 {
		out += " (" + strings.Join(s.Diffs, ", ") + ")"
	}
	return out
}

// Watch returns a channel for the EventStreams option of an operation and a
// function that waits for the stream to end and returns every resource step,
// collapsing a replacement's create/delete halves into one "replace".
func Watch() (chan<- events.EngineEvent, func() []Step) {
	ch := make(chan events.EngineEvent)
	done := make(chan []Step, 1)
	go func() {
		byURN := map[string]*Step{}
		var order []string
		for ev := range ch {
			pre := ev.ResourcePreEvent
			if pre == nil {
				continue
			}
			m := pre.Metadata
			op := string(m.Op)
			switch m.Op {
			case apitype.OpCreateReplacement, apitype.OpDeleteReplaced, apitype.OpReplace,
				apitype.OpDiscardReplaced, apitype.OpImportReplacement:
				op = string(apitype.OpReplace)
			}
			s, ok := byURN[m.URN]
			if !ok {
				s = &Step{Op: op, Type: m.Type, Name: resource.URN(m.URN).Name(), URN: m.URN}
				byURN[m.URN] = s
				order = append(order, m.URN)
			} else if op == string(apitype.OpReplace) {
				s.Op = op
			}
			for _, d := range m.Diffs {
				if !contains(s.Diffs, d) {
					s.Diffs = append(s.Diffs, d)
				}
			}
			sort.Strings(s.Diffs)
		}
		steps := make([]Step, 0, len(order))
		for _, u := range order {
			steps = append(steps, *byURN[u])
		}
		done <- steps
	}()
	return ch, func() []Step {
		select {
		case steps := <-done:
			return steps
		case <-time.After(time.Minute):
			return nil // the stream never ended: the operation failed before it began
		}
	}
}

// Changes are the steps that change something, without the stack itself
// and the default providers (bookkeeping, not cloud resources).
func Changes(steps []Step) []Step {
	var out []Step
	for _, s := range steps {
		if s.Op == string(apitype.OpSame) || s.Op == string(apitype.OpRead) ||
			s.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(s.Type, "pulumi:providers:") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// NoChanges fails unless an operation on unchanged code and config changed
// nothing, naming each resource and property that differs (a perpetual diff
// would show on every `pulumi up` and, for a replace, recreate the resource).
func NoChanges(steps []Step) error {
	ch := Changes(steps)
	if len(ch) == 0 {
		return nil
	}
	lines := make([]string, len(ch))
	for i, s := range ch {
		lines[i] = "  " + s.String()
	}
	return fmt.Errorf("perpetual diff: an up with no change to code or config changed %d resource(s):\n%s",
		len(ch), strings.Join(lines, "\n"))
}

// Ops maps "type::name" to the op of every changing step.
func Ops(steps []Step) map[string]string {
	out := map[string]string{}
	for _, s := range Changes(steps) {
		out[s.Type+"::"+s.Name] = s.Op
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
