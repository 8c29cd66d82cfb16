package rehearsal

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/fakeprovider"
)

const (
	urnBucket = "urn:pulumi:dev::sgraph-send::aws:s3/bucketV2:BucketV2::transfers"
	urnRun    = "urn:pulumi:dev::sgraph-send::gcp:cloudrunv2/service:Service::app"
	urnProd   = "urn:pulumi:prod::sgraph-send::aws:s3/bucketV2:BucketV2::transfers"
)

func cloudOf(pairs ...string) []fakeprovider.Resource {
	var out []fakeprovider.Resource
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, fakeprovider.Resource{URN: pairs[i], ID: pairs[i+1]})
	}
	return out
}

func res(urn, id string) apitype.ResourceV3 {
	return apitype.ResourceV3{URN: resource.URN(urn), ID: resource.ID(id), Custom: true, Type: resource.URN(urn).Type()}
}

// TestConverge proves each verdict of the convergence check: it names the
// orphan, the duplicate, the lost resource and the unfinished work, and
// passes only when the cloud equals the state.
func TestConverge(t *testing.T) {
	pendingCreate := apitype.OperationV2{Type: apitype.OperationTypeCreating, Resource: res(urnRun, "")}
	pendingDelete := apitype.OperationV2{Type: apitype.OperationTypeDeleting, Resource: res(urnBucket, "b-1")}
	replaced := res(urnBucket, "b-1")
	replaced.Delete = true
	tests := []struct {
		name           string
		cloud          []fakeprovider.Resource
		state          apitype.DeploymentV3
		consistent     string // "" passes, else a substring of the error
		converged      string
		orphans, dupes int
	}{
		{name: "equal", cloud: cloudOf(urnBucket, "b-1", urnProd, "p-1"),
			state: apitype.DeploymentV3{Resources: []apitype.ResourceV3{res(urnBucket, "b-1")}}},
		{name: "orphan", cloud: cloudOf(urnBucket, "b-1", urnRun, "r-1"),
			state:      apitype.DeploymentV3{Resources: []apitype.ResourceV3{res(urnBucket, "b-1")}},
			consistent: "orphan (in the cloud, not in state): gcp:cloudrunv2/service:Service app (id r-1)", converged: "orphan", orphans: 1},
		{name: "duplicate", cloud: cloudOf(urnRun, "r-1", urnRun, "r-1"),
			state:      apitype.DeploymentV3{Resources: []apitype.ResourceV3{res(urnRun, "r-1")}},
			consistent: "duplicate: gcp:cloudrunv2/service:Service app (id r-1): 2 in the cloud, 1 in state", converged: "duplicate", dupes: 1},
		{name: "lost", cloud: nil,
			state:      apitype.DeploymentV3{Resources: []apitype.ResourceV3{res(urnRun, "r-1")}},
			consistent: "lost (in state, not in the cloud): gcp:cloudrunv2/service:Service app (id r-1)", converged: "lost"},
		{name: "interrupted create: consistent, not converged", cloud: cloudOf(urnRun, "r-1"),
			state:     apitype.DeploymentV3{PendingOperations: []apitype.OperationV2{pendingCreate}},
			converged: "gcp:cloudrunv2/service:Service app (id r-1) exists in the cloud, not in state: its create was interrupted"},
		{name: "interrupted delete: consistent, not converged", cloud: nil,
			state:     apitype.DeploymentV3{Resources: []apitype.ResourceV3{res(urnBucket, "b-1")}, PendingOperations: []apitype.OperationV2{pendingDelete}},
			converged: "pending deleting of aws:s3/bucketV2:BucketV2 transfers"},
		{name: "replaced, awaiting delete", cloud: cloudOf(urnBucket, "b-1", urnBucket, "b-1"),
			state:     apitype.DeploymentV3{Resources: []apitype.ResourceV3{replaced, res(urnBucket, "b-1")}},
			converged: "replaced aws:s3/bucketV2:BucketV2 transfers awaiting delete"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Converge("dev", tc.cloud, tc.state)
			for _, check := range []struct {
				err  error
				want string
			}{{c.Consistent(), tc.consistent}, {c.Converged(), tc.converged}} {
				if check.want == "" {
					require.NoError(t, check.err)
					continue
				}
				require.Error(t, check.err)
				assert.Contains(t, check.err.Error(), check.want)
			}
			assert.Len(t, c.Orphans, tc.orphans)
			assert.Len(t, c.Duplicates, tc.dupes)
		})
	}
}

// TestSurvived proves the interrupted-destroy check names each way data is
// lost: gone from the cloud, gone from the state, unprotected.
func TestSurvived(t *testing.T) {
	want := []Kept{{Type: "aws:s3/bucketV2:BucketV2", Name: "transfers", URN: urnProd, Why: "data", Rule: true}}
	prot := res(urnProd, "p-1")
	prot.Protect = true
	tests := []struct {
		name  string
		state []apitype.ResourceV3
		cloud []fakeprovider.Resource
		err   string
	}{
		{name: "kept", state: []apitype.ResourceV3{prot}, cloud: cloudOf(urnProd, "p-1")},
		{name: "deleted in the cloud", state: []apitype.ResourceV3{prot}, err: "transfers is gone from the cloud"},
		{name: "dropped from state", cloud: cloudOf(urnProd, "p-1"), err: "transfers is gone from the state"},
		{name: "unprotected", state: []apitype.ResourceV3{res(urnProd, "p-1")}, cloud: cloudOf(urnProd, "p-1"), err: "transfers lost its protect"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Survived(want, apitype.DeploymentV3{Resources: tc.state}, tc.cloud)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}
