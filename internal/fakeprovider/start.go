// Package fakeprovider serves aws, gcp and docker as in-process gRPC resource
// providers on 127.0.0.1 for the real Pulumi engine to attach to
// (PULUMI_DEBUG_PROVIDERS=aws:PORT,gcp:PORT,docker:PORT, see pkg/v3
// resource/plugin/provider_plugin.go). Created resources get their ids and
// outputs from internal/bench's per-type mocks (bench.Compute, bench.Invoke),
// the same ones pulumi.WithMocks uses; every call is recorded; Diff replaces
// on the keys of replaceOn. Nothing leaves loopback, nothing is persisted.
// What "exists in the cloud" is the Set's inventory (inventory.go), kept
// across engine runs for the Set's lifetime, so the engine's state can be
// checked against it; faults.go injects failures and hangs from a test.
package fakeprovider

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// Versions are the provider versions the program's SDKs pin (go.mod).
var Versions = map[string]string{"aws": "6.83.4", "gcp": "7.38.0", "docker": "4.10.0"}

// Rewrite adjusts the state of a created or updated resource after the
// mocks computed it, e.g. to point a URL at a server on 127.0.0.1.
type Rewrite func(typ, name string, state resource.PropertyMap)

// Options configure Start.
type Options struct {
	Rewrite Rewrite
}

// Set is the running providers.
type Set struct {
	rec     *recorder
	inv     *inventory
	faults  *faults
	servers []*grpc.Server
	ports   []string // "aws:PORT", in Versions order
}

// Start serves one fake provider per package in Versions on 127.0.0.1. Give
// DebugProviders() to the engine as PULUMI_DEBUG_PROVIDERS; Close when done.
func Start(opts Options) (*Set, error) {
	s := &Set{rec: &recorder{}, inv: &inventory{}, faults: &faults{}}
	for _, pkg := range []string{"aws", "gcp", "docker"} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("fakeprovider %s: %w", pkg, err)
		}
		srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 << 20))
		pulumirpc.RegisterResourceProviderServer(srv, &provider{
			pkg: pkg, version: Versions[pkg], rec: s.rec, rewrite: opts.Rewrite, inv: s.inv, faults: s.faults, env: bench.EnvFor(nil),
		})
		go func() { _ = srv.Serve(l) }()
		s.servers = append(s.servers, srv)
		s.ports = append(s.ports, fmt.Sprintf("%s:%d", pkg, l.Addr().(*net.TCPAddr).Port))
	}
	return s, nil
}

// DebugProviders is the value of PULUMI_DEBUG_PROVIDERS that attaches the
// engine to these providers.
func (s *Set) DebugProviders() string { return strings.Join(s.ports, ",") }

// Calls returns every call so far, in arrival order.
func (s *Set) Calls() []Call { return s.rec.all() }

// Reset forgets the calls so far (one operation's calls at a time).
func (s *Set) Reset() { s.rec.reset() }

// Close stops the servers, waiting at most a few seconds for calls in flight.
func (s *Set) Close() {
	s.ClearFaults() // hung calls would hold GracefulStop
	for _, srv := range s.servers {
		done := make(chan struct{})
		go func() { srv.GracefulStop(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			srv.Stop()
		}
	}
	s.servers = nil
}
