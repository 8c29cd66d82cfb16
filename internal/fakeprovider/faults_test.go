package fakeprovider

import (
	"context"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

const bucketURN = "urn:pulumi:dev::sgraph-send::aws:s3/bucketV2:BucketV2::transfers"

func create(t *testing.T, c pulumirpc.ResourceProviderClient, ctx context.Context, urn string) (*pulumirpc.CreateResponse, error) {
	t.Helper()
	return c.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: props(t, map[string]any{"bucket": "b"})})
}

func urnsOf(rs []Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.URN)
	}
	return out
}

// TestInventoryAndFaults drives each fault kind through gRPC, as the engine
// calls, and checks what the fake cloud holds after each.
func TestInventoryAndFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		// run makes the calls; it returns the error of the faulted call.
		run      func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, in *Injection) error
		wantErr  string // substring of the faulted call's error, "" for none
		wantInv  []string
		wantHits int
	}{
		{
			name: "no fault: create, update, delete", fault: Fault{Method: "Create", Type: "none"},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, _ *Injection) error {
				r, err := create(t, c, ctx(t), bucketURN)
				require.NoError(t, err)
				_, err = c.Update(ctx(t), &pulumirpc.UpdateRequest{Urn: bucketURN, Id: r.GetId(), Olds: r.GetProperties(), News: props(t, map[string]any{"bucket": "b", "x": "1"})})
				require.NoError(t, err)
				assert.Equal(t, "1", s.Inventory()[0].State["x"].StringValue(), "the update reached the cloud")
				_, err = c.Delete(ctx(t), &pulumirpc.DeleteRequest{Urn: bucketURN, Id: r.GetId()})
				return err
			},
		},
		{
			name: "create refused once, then succeeds", fault: Fault{Method: "Create", Type: "aws:s3/bucketV2:BucketV2", Times: 1},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, _ *Injection) error {
				_, err := create(t, c, ctx(t), bucketURN)
				assert.Empty(t, s.Inventory(), "a refused create leaves nothing")
				_, again := create(t, c, ctx(t), bucketURN)
				require.NoError(t, again)
				return err
			},
			wantErr: "Create of aws:s3/bucketV2:BucketV2 transfers refused", wantInv: []string{bucketURN}, wantHits: 1,
		},
		{
			name: "delete of a replaced resource refused", fault: Fault{Method: "Delete", Name: "transfers", Replaced: true},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, _ *Injection) error {
				r, err := create(t, c, ctx(t), bucketURN)
				require.NoError(t, err)
				// Not replaced (one instance): the delete goes through.
				_, err = c.Delete(ctx(t), &pulumirpc.DeleteRequest{Urn: bucketURN, Id: r.GetId()})
				require.NoError(t, err)
				_, err = create(t, c, ctx(t), bucketURN)
				require.NoError(t, err)
				_, err = create(t, c, ctx(t), bucketURN) // the replacement
				require.NoError(t, err)
				_, err = c.Delete(ctx(t), &pulumirpc.DeleteRequest{Urn: bucketURN, Id: r.GetId()})
				return err
			},
			wantErr: "Delete of aws:s3/bucketV2:BucketV2 transfers refused", wantInv: []string{bucketURN, bucketURN}, wantHits: 1,
		},
		{
			name: "applied create hangs; the engine's Cancel ends it with the id", fault: Fault{Method: "Create", Hang: true, Applied: true},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, in *Injection) error {
				errc := make(chan error, 1)
				go func() { _, err := create(t, c, ctx(t), bucketURN); errc <- err }()
				<-in.Entered()
				assert.Len(t, s.Inventory(), 1, "the cloud created it before the wait")
				_, err := c.Cancel(ctx(t), &emptypb.Empty{})
				require.NoError(t, err)
				err = <-errc
				var initFailed *pulumirpc.ErrorResourceInitFailed
				for _, d := range status.Convert(err).Details() {
					if f, ok := d.(*pulumirpc.ErrorResourceInitFailed); ok {
						initFailed = f
					}
				}
				require.NotNil(t, initFailed, "the interrupted create reports the id it has: %v", err)
				assert.Equal(t, s.Inventory()[0].ID, initFailed.GetId())
				return err
			},
			wantErr: "interrupted", wantInv: []string{bucketURN}, wantHits: 1,
		},
		{
			name: "create hangs until the caller goes away; not applied, nothing exists", fault: Fault{Method: "Create", Hang: true},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, in *Injection) error {
				cctx, cancel := context.WithCancel(context.Background())
				errc := make(chan error, 1)
				go func() { _, err := create(t, c, cctx, bucketURN); errc <- err }()
				<-in.Entered()
				cancel()
				select {
				case err := <-errc:
					return err
				case <-time.After(5 * time.Second):
					t.Fatal("the hang outlived its caller")
					return nil
				}
			},
			wantErr: "context canceled", wantHits: 1,
		},
		{
			name: "released hang completes", fault: Fault{Method: "Create", Hang: true},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, in *Injection) error {
				errc := make(chan error, 1)
				go func() { _, err := create(t, c, ctx(t), bucketURN); errc <- err }()
				<-in.Entered()
				assert.Empty(t, s.Inventory())
				in.Release()
				return <-errc
			},
			wantInv: []string{bucketURN}, wantHits: 1,
		},
		{
			name: "skip lets the first through", fault: Fault{Method: "Create", Skip: 1, Times: 1},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, _ *Injection) error {
				_, err := create(t, c, ctx(t), bucketURN)
				require.NoError(t, err)
				_, err = create(t, c, ctx(t), bucketURN)
				return err
			},
			wantErr: "refused", wantInv: []string{bucketURN}, wantHits: 1,
		},
		{
			name: "read of what the cloud lost is gone", fault: Fault{Method: "Delete", Type: "none"},
			run: func(t *testing.T, s *Set, c pulumirpc.ResourceProviderClient, _ *Injection) error {
				r, err := create(t, c, ctx(t), bucketURN)
				require.NoError(t, err)
				got, err := c.Read(ctx(t), &pulumirpc.ReadRequest{Urn: bucketURN, Id: r.GetId()})
				require.NoError(t, err)
				assert.Equal(t, r.GetId(), got.GetId())
				assert.Contains(t, got.GetProperties().GetFields(), "arn", "an import reads the cloud's outputs")
				require.True(t, s.DeleteByHand(bucketURN, r.GetId()))
				got, err = c.Read(ctx(t), &pulumirpc.ReadRequest{Urn: bucketURN, Id: r.GetId(), Properties: r.GetProperties()})
				require.NoError(t, err)
				assert.Empty(t, got.GetId(), "deleted by hand: the refresh must drop it")
				return nil
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, Options{})
			in := s.Inject(tc.fault)
			err := tc.run(t, s, client(t, s, "aws"), in)
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			}
			assert.Equal(t, tc.wantInv, urnsOf(s.Inventory()))
			assert.Equal(t, tc.wantHits, in.Hits(), "%s acted on %v", tc.fault, in.URNs())
		})
	}
}
