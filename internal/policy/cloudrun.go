package policy

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const (
	runServiceType   = "gcp:cloudrunv2/service:Service"
	runInvokerType   = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
	gcpSecretType    = "gcp:secretmanager/secret:Secret"
	gcpAccessorType  = "gcp:secretmanager/secretIamMember:SecretIamMember"
	gcpAccountType   = "gcp:serviceaccount/account:Account"
	secretAccessor   = "roles/secretmanager.secretAccessor"
	runInvokerRole   = "roles/run.invoker"
	publicMemberName = "allUsers"
)

// gcpIAMTypes are the IAM grant types a Cloud Run identity could receive; any
// of them naming the service's account is checked by CloudRunLeastPrivilege.
var gcpIAMTypes = []string{
	gcpAccessorType,
	"gcp:projects/iAMMember:IAMMember",
	"gcp:projects/iAMBinding:IAMBinding",
	"gcp:serviceaccount/iAMMember:IAMMember",
	"gcp:storage/bucketIAMMember:BucketIAMMember",
	"gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
}

func init() {
	classify(map[string]string{
		"gcp:projects/service:Service": "",
		gcpAccountType:                 "",
		gcpSecretType:                  "labels",
		"gcp:secretmanager/secretVersion:SecretVersion": "",
		gcpAccessorType: "",
		runServiceType:  "labels",
		runInvokerType:  "",
	})
}

// CloudRunScaleToZeroInDev: a dev Cloud Run service keeps no instance warm, so
// an idle dev stack costs nothing.
var CloudRunScaleToZeroInDev = Rule{Name: "cloudrun-scale-to-zero-in-dev", Check: func(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	var out []Finding
	for _, svc := range r.OfType(runServiceType) {
		min := 0.0
		if v, ok := svc.Plain("template.scaling.minInstanceCount").(float64); ok {
			min = v
		}
		switch {
		case prod:
			out = append(out, pass(svc, fmt.Sprintf("prod: %g minimum instances", min)))
		case min != 0:
			out = append(out, fail(svc, fmt.Sprintf("dev service keeps %g instance(s) warm; set cloudRunMinInstances to 0", min)))
		default:
			out = append(out, pass(svc, "scales to zero"))
		}
	}
	return out
}}

// CloudRunSecretsByReference: secrets reach the container only as Secret
// Manager references (valueSource.secretKeyRef), never as an env value.
var CloudRunSecretsByReference = Rule{Name: "cloudrun-secrets-by-reference", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, svc := range r.OfType(runServiceType) {
		var problems []string
		refs := 0
		forEachEnv(svc, func(path string, env resource.PropertyMap) {
			name := ""
			if n, ok := env["name"]; ok && bench.Unsecret(n).IsString() {
				name = bench.Unsecret(n).StringValue()
			}
			if ref, ok := env["valueSource"]; ok && !ref.IsNull() {
				refs++
			}
			v, hasValue := env["value"]
			if !hasValue || v.IsNull() {
				return
			}
			plain := bench.Plain(v, false)
			s, _ := plain.(string)
			switch {
			case v.ContainsSecrets():
				problems = append(problems, fmt.Sprintf("%s (%s) carries a secret value inline; use valueSource.secretKeyRef", path, name))
			case secretish.MatchString(name) && !strings.HasSuffix(name, "_NAME"):
				problems = append(problems, fmt.Sprintf("secret-named %s (%s) has a plaintext value; use valueSource.secretKeyRef", path, name))
			default:
				for _, secret := range r.SecretValues {
					if secret != "" && strings.Contains(s, secret) {
						problems = append(problems, fmt.Sprintf("%s (%s) holds a secret config value in plaintext", path, name))
					}
				}
			}
		})
		out = append(out, verdict(svc, problems, fmt.Sprintf("%d secret(s) by Secret Manager reference, no secret inline", refs)))
	}
	return out
}}

// CloudRunLeastPrivilege: each service runs as its own service account, which
// holds nothing but secretAccessor on individual secrets; allUsers may invoke
// only when the stack says the service is public.
var CloudRunLeastPrivilege = Rule{Name: "cloudrun-least-privilege", Check: func(r *bench.Result) []Finding {
	public := false
	if v, ok := r.Output(outputs.CloudRunPublic); ok {
		public, _ = v.Value.(bool)
	}
	var out []Finding
	for _, svc := range r.OfType(runServiceType) {
		var problems []string
		email := svc.Str("template.serviceAccount")
		own := false
		for _, a := range r.OfType(gcpAccountType) {
			if s := a.State["email"]; s.IsString() && s.StringValue() == email {
				own = true
			}
		}
		if email == "" || !own {
			problems = append(problems, fmt.Sprintf("runs as %q, not a service account of its own (the default compute account often holds Editor)", email))
		}
		member := "serviceAccount:" + email
		for _, token := range gcpIAMTypes {
			for _, g := range r.OfType(token) {
				if g.Str("member") != member && !containsMember(g, member) {
					continue
				}
				if mountedBucketGrant(svc, token, g) {
					continue // object access on the bucket it mounts (durable.go)
				}
				if token != gcpAccessorType || g.Str("role") != secretAccessor {
					problems = append(problems, fmt.Sprintf("%s grants %s more than secretAccessor on one secret", g, g.Str("role")))
				}
			}
		}
		for _, inv := range r.OfType(runInvokerType) {
			if inv.Str("name") != svc.Str("name") {
				continue
			}
			if inv.Str("member") == publicMemberName && (!public || inv.Str("role") != runInvokerRole) {
				problems = append(problems, fmt.Sprintf("%s opens the service to allUsers (%s) while %s is not true", inv, inv.Str("role"), outputs.CloudRunPublic))
			}
		}
		out = append(out, verdict(svc, problems, "own service account, secretAccessor on its secrets only, public only by choice"))
	}
	return out
}}

// forEachEnv calls fn for every env entry of every container of a service.
func forEachEnv(svc *bench.Resource, fn func(path string, env resource.PropertyMap)) {
	containers, ok := svc.Get("template.containers")
	if !ok {
		return
	}
	containers = bench.Unsecret(containers)
	if !containers.IsArray() {
		return
	}
	for i, c := range containers.ArrayValue() {
		c = bench.Unsecret(c)
		if !c.IsObject() {
			continue
		}
		envs, ok := c.ObjectValue()["envs"]
		if !ok {
			continue
		}
		envs = bench.Unsecret(envs)
		if !envs.IsArray() {
			continue
		}
		for j, e := range envs.ArrayValue() {
			e = bench.Unsecret(e)
			if e.IsObject() {
				fn(fmt.Sprintf("template.containers[%d].envs[%d]", i, j), e.ObjectValue())
			}
		}
	}
}

// containsMember reports whether a binding's members list holds member.
func containsMember(g *bench.Resource, member string) bool {
	ms, _ := g.Plain("members").([]any)
	for _, m := range ms {
		if m == member {
			return true
		}
	}
	return false
}
