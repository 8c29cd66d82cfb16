package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// GCP resources of the Cloud Run target. Projects come from gcp:project of the
// stack (env.GcpProj), so outputs look like the real thing.
func init() {
	mockResource("gcp:projects/service:Service", func(e env, name string, in, st resource.PropertyMap) string {
		project := gcpStrIn(in, "project", e.GcpProj)
		st["project"] = resource.NewProperty(project)
		return project + "/" + gcpStrIn(in, "service", name)
	})
	mockResource("gcp:serviceaccount/account:Account", func(e env, name string, in, st resource.PropertyMap) string {
		project := gcpStrIn(in, "project", e.GcpProj)
		email := fmt.Sprintf("%s@%s.iam.gserviceaccount.com", gcpStrIn(in, "accountId", name), project)
		id := fmt.Sprintf("projects/%s/serviceAccounts/%s", project, email)
		st["project"] = resource.NewProperty(project)
		st["email"] = resource.NewProperty(email)
		st["name"] = resource.NewProperty(id)
		st["member"] = resource.NewProperty("serviceAccount:" + email)
		st["uniqueId"] = resource.NewProperty(fmt.Sprintf("1%020d", gcpHashNumber(email)))
		return id
	})
	mockResource("gcp:secretmanager/secret:Secret", func(e env, name string, in, st resource.PropertyMap) string {
		project := gcpStrIn(in, "project", e.GcpProj)
		id := fmt.Sprintf("projects/%s/secrets/%s", project, gcpStrIn(in, "secretId", name))
		st["project"] = resource.NewProperty(project)
		st["name"] = resource.NewProperty(id)
		st["createTime"] = resource.NewProperty("2025-01-01T00:00:00Z")
		return id
	})
	mockResource("gcp:secretmanager/secretVersion:SecretVersion", func(e env, name string, in, st resource.PropertyMap) string {
		id := gcpStrIn(in, "secret", "projects/"+e.GcpProj+"/secrets/"+name) + "/versions/1"
		st["name"] = resource.NewProperty(id)
		st["version"] = resource.NewProperty("1")
		st["enabled"] = resource.NewProperty(true)
		st["createTime"] = resource.NewProperty("2025-01-01T00:00:00Z")
		return id
	})
	mockResource("gcp:cloudrunv2/service:Service", func(e env, name string, in, st resource.PropertyMap) string {
		project := gcpStrIn(in, "project", e.GcpProj)
		region := gcpStrIn(in, "location", e.GcpRegion)
		svc := gcpStrIn(in, "name", name)
		id := fmt.Sprintf("projects/%s/locations/%s/services/%s", project, region, svc)
		rev := fmt.Sprintf("%s-00001-%s", svc, shortHash(id)[:3])
		// A named template revision is what Cloud Run creates (revision.go).
		if t, ok := in["template"]; ok && t.IsObject() {
			if r, ok := t.ObjectValue()["revision"]; ok && r.IsString() && r.StringValue() != "" {
				rev = r.StringValue()
			}
		}
		st["project"] = resource.NewProperty(project)
		st["location"] = resource.NewProperty(region)
		st["name"] = resource.NewProperty(svc)
		projectHash := (shortHash(project) + shortHash(project+"run"))[:10]
		st["uri"] = resource.NewProperty(fmt.Sprintf("https://%s-%s-%s.a.run.app", svc, projectHash, gcpRegionCode(region)))
		st["uid"] = resource.NewProperty(shortHash(id) + "-0000-4000-8000-" + shortHash(id+"uid") + "0000")
		st["latestReadyRevision"] = resource.NewProperty(rev)
		st["latestCreatedRevision"] = resource.NewProperty(rev)
		st["etag"] = resource.NewProperty(`"` + shortHash(id+"etag") + `"`)
		return id
	})
	iamMember := func(parentKey string) resourceMock {
		return func(e env, name string, in, st resource.PropertyMap) string {
			st["etag"] = resource.NewProperty("BwY" + shortHash(name))
			return fmt.Sprintf("%s/%s/%s", gcpStrIn(in, parentKey, name), gcpStrIn(in, "role", ""), gcpStrIn(in, "member", ""))
		}
	}
	mockResource("gcp:secretmanager/secretIamMember:SecretIamMember", iamMember("secretId"))
	mockResource("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", iamMember("name"))
	mockResource("gcp:projects/iAMMember:IAMMember", iamMember("project"))
}

// gcpStrIn returns the string input key, or def when absent or not a known string.
func gcpStrIn(in resource.PropertyMap, key, def string) string {
	if v, ok := in[resource.PropertyKey(key)]; ok {
		v = Unsecret(v)
		if v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
	}
	return def
}

// gcpRegionCode is the short region code in classic run.app URLs (europe-west2 -> nw).
func gcpRegionCode(region string) string {
	codes := map[string]string{
		"europe-west1": "ew", "europe-west2": "nw", "europe-west3": "ey", "europe-west4": "ez",
		"us-central1": "uc", "us-east1": "ue", "us-east4": "uk", "us-west1": "uw",
		"asia-northeast1": "an", "asia-southeast1": "as", "australia-southeast1": "ts",
	}
	if c, ok := codes[region]; ok {
		return c
	}
	parts := strings.Split(region, "-")
	code := ""
	for _, p := range parts {
		code += p[:1]
	}
	return code
}

// gcpHashNumber is a stable number derived from s, for numeric ids.
func gcpHashNumber(s string) uint64 {
	var n uint64
	for _, c := range shortHash(s) + shortHash(s+"2") {
		n = n*16 + uint64(strings.IndexRune("0123456789abcdef", c))
	}
	return n
}
