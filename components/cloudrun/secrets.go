package cloudrun

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// secretRef is one secret environment variable delivered from Secret Manager.
type secretRef struct {
	Env     string // environment variable name
	Secret  pulumi.StringOutput
	Version pulumi.StringOutput
	// deps must exist before a revision reads the secret: the version and the
	// accessor grant (without it the revision fails to start).
	deps []pulumi.Resource
}

// newSecrets stores each secret env value of the runtime as a Secret Manager
// secret with one version, and lets only the service account read it. The
// service references the version; the value never appears in its inputs.
func newSecrets(ctx *pulumi.Context, name string, args *ServiceArgs, account *serviceaccount.Account, a *apis, parent pulumi.ResourceOption) ([]secretRef, error) {
	envs := make([]string, 0, len(args.Runtime.SecretEnv))
	for k := range args.Runtime.SecretEnv {
		envs = append(envs, k)
	}
	sort.Strings(envs) // stable order: no spurious revision on every up
	var refs []secretRef
	for _, env := range envs {
		logical := name + "-" + strings.ToLower(env)
		secret, err := secretmanager.NewSecret(ctx, logical, &secretmanager.SecretArgs{
			Project:  pulumi.String(args.Project),
			SecretId: pulumi.String(secretID(args.ServiceName, env)),
			Replication: &secretmanager.SecretReplicationArgs{
				Auto: &secretmanager.SecretReplicationAutoArgs{},
			},
			Labels: args.Labels,
		}, parent, pulumi.DependsOn([]pulumi.Resource{a.SecretManager}))
		if err != nil {
			return nil, err
		}
		version, err := secretmanager.NewSecretVersion(ctx, logical, &secretmanager.SecretVersionArgs{
			Secret: secret.ID().ToStringOutput(),
			// Stays a Pulumi secret: encrypted in state, masked in logs.
			SecretData: pulumi.ToSecret(args.Runtime.SecretEnv[env]).(pulumi.StringOutput),
		}, parent)
		if err != nil {
			return nil, err
		}
		accessor, err := secretmanager.NewSecretIamMember(ctx, logical, &secretmanager.SecretIamMemberArgs{
			Project:  pulumi.String(args.Project),
			SecretId: secret.SecretId,
			Role:     pulumi.String("roles/secretmanager.secretAccessor"),
			Member:   account.Member,
		}, parent)
		if err != nil {
			return nil, err
		}
		refs = append(refs, secretRef{
			Env:    env,
			Secret: secret.SecretId,
			// A pinned version, not "latest": a new token creates a new
			// version and so a new revision that picks it up.
			Version: version.Version,
			deps:    []pulumi.Resource{version, accessor},
		})
	}
	return refs, nil
}

// secretID names a secret after its service and variable, e.g.
// sgraph-send-dev-cloudrun-sgraph_send__access_token (ids allow [A-Za-z0-9_-]).
func secretID(service, env string) string {
	return service + "-" + strings.ToLower(env)
}
