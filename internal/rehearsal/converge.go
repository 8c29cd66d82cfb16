package rehearsal

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/fakeprovider"
)

// Deployment is a stack's whole state, pending operations included.
func Deployment(ctx context.Context, st auto.Stack) (apitype.DeploymentV3, error) {
	var d apitype.DeploymentV3
	ud, err := st.Export(ctx)
	if err != nil {
		return d, fmt.Errorf("stack export %s: %w", st.Name(), err)
	}
	if err := json.Unmarshal(ud.Deployment, &d); err != nil {
		return d, fmt.Errorf("stack export %s: %w", st.Name(), err)
	}
	return d, nil
}

// Convergence compares what exists in the fake cloud with what a stack's
// state says exists, resource by resource (URN and id).
type Convergence struct {
	Stack string
	// Orphans exist in the cloud and nowhere in the state: nothing will
	// ever delete them (they cost money, hold data).
	Orphans []string
	// Duplicates: the cloud holds more of a resource than the state does.
	Duplicates []string
	// Lost: the state holds a resource the cloud does not have.
	Lost []string
	// Pending: work the state says is unfinished: operations interrupted
	// (pending creates, updates, deletes) and replaced resources still
	// awaiting their delete.
	Pending []string
}

// Converge checks stack's state against the cloud's inventory.
func Converge(stack string, cloud []fakeprovider.Resource, d apitype.DeploymentV3) Convergence {
	c := Convergence{Stack: stack}
	prefix := "urn:pulumi:" + stack + "::"
	type key struct{ urn, id string }
	inCloud, inState := map[key]int{}, map[key]int{}
	for _, r := range cloud {
		if strings.HasPrefix(r.URN, prefix) {
			inCloud[key{r.URN, r.ID}]++
		}
	}
	for _, r := range CloudResources(d.Resources) {
		if r.External {
			continue // read, not managed: nothing the cloud's inventory made
		}
		if r.PendingReplacement {
			// Delete-before-replace: deleted in the cloud, kept in state
			// until its replacement is created.
			c.Pending = append(c.Pending, fmt.Sprintf("%s %s deleted for its replacement, which is not created yet (id %s)", r.Type, r.URN.Name(), r.ID))
			continue
		}
		inState[key{string(r.URN), string(r.ID)}]++
		if r.Delete {
			c.Pending = append(c.Pending, fmt.Sprintf("replaced %s %s awaiting delete (id %s)", r.Type, r.URN.Name(), r.ID))
		}
	}
	// An interrupted operation the state records explains one mismatch:
	// a pending create, what exists in the cloud under its URN; a pending
	// delete, what the cloud already lost. The recovery must resolve them.
	pendingCreate, pendingDelete := map[string]bool{}, map[key]bool{}
	for _, op := range d.PendingOperations {
		c.Pending = append(c.Pending, fmt.Sprintf("pending %s of %s %s", op.Type, op.Resource.Type, op.Resource.URN.Name()))
		switch op.Type {
		case apitype.OperationTypeCreating:
			pendingCreate[string(op.Resource.URN)] = true
		case apitype.OperationTypeDeleting:
			pendingDelete[key{string(op.Resource.URN), string(op.Resource.ID)}] = true
		}
	}
	for k, n := range inCloud {
		name := describe(k.urn, k.id)
		switch m := inState[k]; {
		case m == 0 && pendingCreate[k.urn]:
			c.Pending = append(c.Pending, fmt.Sprintf("%s exists in the cloud, not in state: its create was interrupted", name))
		case m == 0:
			c.Orphans = append(c.Orphans, name)
		case n > m:
			c.Duplicates = append(c.Duplicates, fmt.Sprintf("%s: %d in the cloud, %d in state", name, n, m))
		}
	}
	for k, m := range inState {
		if n := inCloud[k]; n < m && pendingDelete[k] {
			c.Pending = append(c.Pending, fmt.Sprintf("%s is gone from the cloud, still in state: its delete was interrupted", describe(k.urn, k.id)))
		} else if n < m {
			c.Lost = append(c.Lost, fmt.Sprintf("%s: in state, %d of %d in the cloud", describe(k.urn, k.id), n, m))
		}
	}
	for _, l := range [][]string{c.Orphans, c.Duplicates, c.Lost, c.Pending} {
		sort.Strings(l)
	}
	return c
}

func describe(urn, id string) string {
	u := resource.URN(urn)
	return fmt.Sprintf("%s %s (id %s)", u.Type(), u.Name(), id)
}

// Consistent fails when the cloud and the state disagree: an orphan, a
// duplicate or a lost resource. Unfinished work the state knows about is
// allowed (the engine will finish it): the rule for the moment right after
// a failed run.
func (c Convergence) Consistent() error {
	var lines []string
	for _, l := range []struct {
		what string
		list []string
	}{{"orphan (in the cloud, not in state)", c.Orphans}, {"duplicate", c.Duplicates}, {"lost (in state, not in the cloud)", c.Lost}} {
		for _, s := range l.list {
			lines = append(lines, l.what+": "+s)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("stack %s and the cloud disagree:\n  %s", c.Stack, strings.Join(lines, "\n  "))
}

// Converged fails unless the cloud equals the state and nothing is pending:
// the rule after the recovery.
func (c Convergence) Converged() error {
	err := c.Consistent()
	if len(c.Pending) == 0 {
		return err
	}
	msg := fmt.Sprintf("stack %s has unfinished work:\n  %s", c.Stack, strings.Join(c.Pending, "\n  "))
	if err != nil {
		msg = err.Error() + "\n" + msg
	}
	return fmt.Errorf("%s", msg)
}

// Survived fails unless every resource of want (ExpectedKept) is both in
// the state and in the cloud, those the rule names still protected: what
// an interrupted prod destroy must leave, at any point.
func Survived(want []Kept, d apitype.DeploymentV3, cloud []fakeprovider.Resource) error {
	inState := map[string]apitype.ResourceV3{}
	for _, r := range CloudResources(d.Resources) {
		inState[string(r.URN)] = r
	}
	inCloud := map[string]bool{}
	for _, r := range cloud {
		inCloud[r.URN] = true
	}
	var problems []string
	for _, k := range want {
		r, ok := inState[k.URN]
		switch {
		case !inCloud[k.URN]:
			problems = append(problems, fmt.Sprintf("%s %s is gone from the cloud (%s)", k.Type, k.Name, k.Why))
		case !ok:
			problems = append(problems, fmt.Sprintf("%s %s is gone from the state: no longer managed (%s)", k.Type, k.Name, k.Why))
		case k.Rule && !r.Protect:
			problems = append(problems, fmt.Sprintf("%s %s lost its protect (%s)", k.Type, k.Name, k.Why))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("interrupted destroy lost data or its guards:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}
