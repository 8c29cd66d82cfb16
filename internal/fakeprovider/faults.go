package fakeprovider

import (
	"context"
	"fmt"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Fault is a failure the fake cloud injects into the Create, Update or
// Delete of the resources it matches, driven from a test.
type Fault struct {
	Method string // "Create", "Update" or "Delete"
	// Type and Name select the resources; "" matches any.
	Type, Name string
	// Skip lets the first Skip matching calls through (interrupt the k-th).
	Skip int
	// Times is how many matching calls it acts on; 0 means every one.
	Times int
	// Replaced limits a Delete fault to a replaced resource: one whose
	// replacement already exists (create-before-delete).
	Replaced bool
	// Hang makes the call wait until Release, the engine's Cancel RPC or the
	// end of the call's context (the engine's process gone) instead of
	// failing at once.
	Hang bool
	// Applied (with Hang): the cloud did the operation before the wait, as an
	// API that accepted a create (or delete) and is waiting for it to settle:
	// the created resource exists even if the call never returns.
	Applied bool
	// Forget (with Hang and Applied): an interrupted create reports no id,
	// as a provider that loses track of what the cloud made: the orphan a
	// convergence check must name (a broken provider, for the proof).
	Forget bool
}

func (f Fault) String() string {
	what := "fail"
	if f.Hang {
		what = "hang"
	}
	target := f.Type
	if f.Name != "" {
		target += " " + f.Name
	}
	return fmt.Sprintf("%s %s %s", what, f.Method, target)
}

// Injection is one injected Fault: how often it acted, on which resources,
// and the handle that releases its hangs.
type Injection struct {
	Fault
	mu      sync.Mutex
	seen    int
	urns    []string
	entered chan struct{}
	enter   sync.Once
	release chan struct{}
	rel     sync.Once
}

// Hits is how many calls the fault acted on.
func (i *Injection) Hits() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return len(i.urns)
}

// URNs are the resources whose calls it acted on, in order.
func (i *Injection) URNs() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.urns...)
}

// Entered is closed when the first hanging call begins to wait.
func (i *Injection) Entered() <-chan struct{} { return i.entered }

// Release lets every hanging call of this fault (now and later) complete.
func (i *Injection) Release() { i.rel.Do(func() { close(i.release) }) }

// faults are a Set's injections and the signal of the engine's Cancel RPC.
type faults struct {
	mu     sync.Mutex
	list   []*Injection
	cancel chan struct{}
}

// Inject adds a fault; it acts on calls from now on, in every engine run,
// until ClearFaults.
func (s *Set) Inject(f Fault) *Injection {
	in := &Injection{Fault: f, entered: make(chan struct{}), release: make(chan struct{})}
	s.faults.mu.Lock()
	s.faults.list = append(s.faults.list, in)
	s.faults.mu.Unlock()
	return in
}

// ClearFaults removes every fault and releases its hangs.
func (s *Set) ClearFaults() {
	s.faults.mu.Lock()
	list := s.faults.list
	s.faults.list = nil
	s.faults.mu.Unlock()
	for _, in := range list {
		in.Release()
	}
}

// match returns the first fault acting on this call, counting it.
func (fs *faults) match(method, urn string, inv *inventory) *Injection {
	u := resource.URN(urn)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, in := range fs.list {
		if in.Method != method || (in.Type != "" && in.Type != string(u.Type())) || (in.Name != "" && in.Name != u.Name()) {
			continue
		}
		if in.Replaced && inv.count(urn) < 2 {
			continue
		}
		in.mu.Lock()
		in.seen++
		act := in.seen > in.Skip && (in.Times == 0 || len(in.urns) < in.Times)
		if act {
			in.urns = append(in.urns, urn)
		}
		in.mu.Unlock()
		if act {
			return in
		}
	}
	return nil
}

// cancelled is closed by the engine's next Cancel RPC.
func (fs *faults) cancelled() <-chan struct{} {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cancel == nil {
		fs.cancel = make(chan struct{})
	}
	return fs.cancel
}

// signalCancel ends the hangs in flight (the engine cancelling, on SIGINT,
// or closing its providers); later calls hang again.
func (fs *faults) signalCancel() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cancel != nil {
		close(fs.cancel)
		fs.cancel = nil
	}
}

// wait blocks a hanging call: true when released, false when the engine
// cancelled or went away.
func (fs *faults) wait(ctx context.Context, in *Injection) bool {
	cancel := fs.cancelled()
	in.enter.Do(func() { close(in.entered) })
	select {
	case <-in.release:
		return true
	case <-cancel:
		return false
	case <-ctx.Done():
		return false
	}
}

func refused(in *Injection, urn string) error {
	u := resource.URN(urn)
	return status.Errorf(codes.Unavailable, "fakeprovider: injected fault: %s of %s %s refused by the cloud", in.Method, u.Type(), u.Name())
}

func interrupted(in *Injection, urn string) error {
	u := resource.URN(urn)
	return status.Errorf(codes.Canceled, "fakeprovider: injected hang: %s of %s %s interrupted before it completed", in.Method, u.Type(), u.Name())
}

// applyCreate records a completed create in the inventory, unless a fault
// acts on it. A hang that the cloud applied and the engine cancels answers
// as a real provider that knows the new id does: the resource exists but
// did not finish (ErrorResourceInitFailed, the partial state the Terraform
// bridge returns for a create that set its id and then failed), so the
// engine records it instead of losing it.
func (p *provider) applyCreate(ctx context.Context, urn, id string, state resource.PropertyMap) error {
	in := p.faults.match("Create", urn, p.inv)
	if in == nil {
		p.inv.add(urn, id, state)
		return nil
	}
	if !in.Hang {
		return refused(in, urn)
	}
	if in.Applied {
		p.inv.add(urn, id, state)
	}
	if p.faults.wait(ctx, in) {
		if !in.Applied {
			p.inv.add(urn, id, state)
		}
		return nil
	}
	if !in.Applied || in.Forget {
		return interrupted(in, urn)
	}
	props, err := p.out(state)
	if err != nil {
		return err
	}
	st, err := status.New(codes.Unknown, interrupted(in, urn).Error()).WithDetails(
		&pulumirpc.ErrorResourceInitFailed{Id: id, Properties: props, Reasons: []string{"create interrupted while waiting for the resource to become ready"}})
	if err != nil {
		return err
	}
	return st.Err()
}

// applyUpdate records an update in the inventory, unless a fault acts on
// it; an update of a resource the cloud no longer has fails NotFound.
func (p *provider) applyUpdate(ctx context.Context, urn, id string, state resource.PropertyMap) error {
	if in := p.faults.match("Update", urn, p.inv); in != nil {
		if !in.Hang {
			return refused(in, urn)
		}
		if in.Applied {
			p.inv.update(urn, id, state)
		}
		if !p.faults.wait(ctx, in) {
			return interrupted(in, urn)
		}
	}
	if !p.inv.update(urn, id, state) {
		return status.Errorf(codes.NotFound, "fakeprovider: update of %s: id %s does not exist in the cloud", urn, id)
	}
	return nil
}

// applyDelete removes a resource from the inventory, unless a fault acts on
// it.
func (p *provider) applyDelete(ctx context.Context, urn, id string) error {
	if in := p.faults.match("Delete", urn, p.inv); in != nil {
		if !in.Hang {
			return refused(in, urn)
		}
		if in.Applied {
			p.inv.remove(urn, id)
		}
		if !p.faults.wait(ctx, in) {
			return interrupted(in, urn)
		}
		if in.Applied {
			return nil
		}
	}
	p.inv.remove(urn, id)
	return nil
}

// readCloud answers a Read from the inventory, as a real provider reads the
// cloud: a resource the cloud no longer has reads as gone (the engine drops
// it on refresh), one it has reads as the cloud holds it (what an import of
// a pending create needs: the outputs the interrupted create never returned).
func (p *provider) readCloud(req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	r, ok := p.inv.get(req.GetUrn(), req.GetId())
	if !ok {
		return &pulumirpc.ReadResponse{}, nil
	}
	props, err := p.out(r.State)
	if err != nil {
		return nil, err
	}
	inputs := req.GetInputs()
	if len(inputs.GetFields()) == 0 {
		inputs = props
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: inputs}, nil
}
