package fakeprovider

import (
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resource is one thing that "exists in the cloud": a create the fake
// provider completed (or accepted before it hung) and no delete has removed.
type Resource struct {
	URN, ID    string
	Type, Name string
	// State is what the cloud holds: the outputs the fake computed last.
	State resource.PropertyMap
}

// inventory is the fake cloud, shared by the three providers of a Set and
// kept for the Set's lifetime, across engine runs: the engine's state is
// checked against it (see rehearsal.Converge). It is a list, not a map by
// URN: a create-before-delete replacement holds two resources of one URN
// (and, the fake's ids being deterministic, often one id) until the old one
// is deleted, and a create repeated after a lost record is a duplicate the
// check must see.
type inventory struct {
	mu  sync.Mutex
	all []Resource
}

func (v *inventory) add(urn, id string, state resource.PropertyMap) {
	u := resource.URN(urn)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.all = append(v.all, Resource{URN: urn, ID: id, Type: string(u.Type()), Name: u.Name(), State: state.Copy()})
}

// find is the index of the oldest resource with urn and id, or -1.
func (v *inventory) find(urn, id string) int {
	for i, r := range v.all {
		if r.URN == urn && r.ID == id {
			return i
		}
	}
	return -1
}

// update replaces the state of (urn, id); false when the cloud has no such
// resource (an update of something gone).
func (v *inventory) update(urn, id string, state resource.PropertyMap) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	i := v.find(urn, id)
	if i < 0 {
		return false
	}
	v.all[i].State = state.Copy()
	return true
}

// remove deletes the oldest (urn, id): the replaced one when a replacement
// shares its id. A delete of what is already gone succeeds, as the real
// providers treat NotFound on delete.
func (v *inventory) remove(urn, id string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	i := v.find(urn, id)
	if i < 0 {
		return false
	}
	v.all = append(v.all[:i], v.all[i+1:]...)
	return true
}

func (v *inventory) get(urn, id string) (Resource, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i := v.find(urn, id); i >= 0 {
		r := v.all[i]
		r.State = r.State.Copy()
		return r, true
	}
	return Resource{}, false
}

// count is how many resources of urn exist.
func (v *inventory) count(urn string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, r := range v.all {
		if r.URN == urn {
			n++
		}
	}
	return n
}

func (v *inventory) list() []Resource {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]Resource, len(v.all))
	for i, r := range v.all {
		r.State = r.State.Copy()
		out[i] = r
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Inventory is what exists in the fake cloud now, sorted by URN.
func (s *Set) Inventory() []Resource { return s.inv.list() }

// DeleteByHand removes (urn, id) from the fake cloud, as an operator
// deleting an orphan in the console or with the cloud's CLI would; false
// when there is no such resource.
func (s *Set) DeleteByHand(urn, id string) bool { return s.inv.remove(urn, id) }
