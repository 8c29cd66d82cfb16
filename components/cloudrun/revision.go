package cloudrun

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Each deploy names its revision and traffic names that revision (100 %), so a
// rollback is a traffic change to an earlier revision name: Cloud Run keeps old
// revisions and routes to them without a new deployment
// (cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration).

// revisionPattern is a revision name of a service: <service>-<suffix>, lowercase
// letters, digits and hyphens, at most 63 characters (Cloud Run's limit).
var revisionPattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidRevision reports whether rev can name a revision of service.
func ValidRevision(service, rev string) bool {
	return revisionPattern.MatchString(rev) && len(rev) > len(service)+1 && rev[:len(service)+1] == service+"-"
}

// revisionName is <service>-<12 hex> over everything the template carries that
// can change between deploys: the image digest, the secret versions, the plain
// environment and the sizing. A template change always gets a new name (Cloud Run
// refuses to reuse one); an unchanged template keeps its name, so a no-change up
// and a traffic-only rollback create no revision.
func revisionName(args *ServiceArgs, secrets []secretRef) pulumi.StringOutput {
	plain := args.Runtime.PlainEnvironment()
	keys := make([]string, 0, len(plain))
	for k := range plain {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []any{args.Image}
	for _, k := range keys {
		parts = append(parts, pulumi.String(k), plain[k])
	}
	for _, s := range secrets {
		parts = append(parts, pulumi.String(s.Env), s.Version)
	}
	static := fmt.Sprintf("%s|%s|%d|%d|%d|%s|%v", args.CPU, args.Memory, args.MinInstances, args.MaxInstances,
		args.Runtime.Port, args.Runtime.ProbePath, args.Storage != nil)
	return pulumi.All(parts...).ApplyT(func(vs []any) string {
		h := sha256.New()
		fmt.Fprint(h, static)
		for _, v := range vs {
			fmt.Fprintf(h, "|%v", v)
		}
		return args.ServiceName + "-" + hex.EncodeToString(h.Sum(nil))[:12]
	}).(pulumi.StringOutput)
}

// traffic sends 100 % to the named revision: this deploy's, or the rollback's.
func traffic(rev pulumi.StringInput) cloudrunv2.ServiceTrafficArray {
	return cloudrunv2.ServiceTrafficArray{&cloudrunv2.ServiceTrafficArgs{
		Type:     pulumi.String("TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"),
		Revision: rev,
		Percent:  pulumi.Int(100),
	}}
}
