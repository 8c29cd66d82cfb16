package fakeprovider

import (
	"sort"
	"sync"
)

// Call is one request the engine made to a fake provider.
type Call struct {
	Provider string // aws, gcp or docker
	Method   string // Check, Diff, Create, Read, Update, Delete, Invoke, Configure, ...
	Type     string // resource type or function token; empty for provider-level calls
	Name     string // logical name of the resource; empty for invokes
	URN      string
	Preview  bool
	// Changed and Replaces are what Diff reported (top-level input keys).
	Changed  []string
	Replaces []string
}

// recorder keeps every call in arrival order.
type recorder struct {
	mu    sync.Mutex
	calls []Call
}

func (r *recorder) add(c Call) {
	sort.Strings(c.Changed)
	sort.Strings(c.Replaces)
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
}

func (r *recorder) all() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
}
