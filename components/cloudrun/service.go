package cloudrun

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudrunv2"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newRunService registers the cloudrunv2.Service. Storage is whatever the
// runtime env says (memory or disk): both live inside one instance, so
// transfers do not survive a restart, a new revision or a scale to zero.
func newRunService(ctx *pulumi.Context, name string, args *ServiceArgs, account *serviceaccount.Account,
	secrets []secretRef, a *apis, parent pulumi.ResourceOption, extraDeps ...pulumi.Resource) (*cloudrunv2.Service, pulumi.StringOutput, error) {
	deps := append([]pulumi.Resource{a.Run}, extraDeps...)
	for _, s := range secrets {
		deps = append(deps, s.deps...)
	}
	opts := []pulumi.ResourceOption{parent, pulumi.DependsOn(deps)}
	if args.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	rt := args.Runtime
	rev := revisionName(args, secrets)
	serve := rev
	if args.RollbackRevision != "" {
		serve = pulumi.String(args.RollbackRevision).ToStringOutput()
	}
	svc, err := cloudrunv2.NewService(ctx, name, &cloudrunv2.ServiceArgs{
		Project:     pulumi.String(args.Project),
		Location:    pulumi.String(args.Region),
		Name:        pulumi.String(args.ServiceName),
		Ingress:     pulumi.String("INGRESS_TRAFFIC_ALL"),
		Labels:      args.Labels,
		LaunchStage: launchStage(args),
		Traffics:    traffic(serve),
		Template: &cloudrunv2.ServiceTemplateArgs{
			Revision:             rev,
			ServiceAccount:       account.Email,
			ExecutionEnvironment: executionEnvironment(args),
			Volumes:              volumes(args),
			Scaling: &cloudrunv2.ServiceTemplateScalingArgs{
				MinInstanceCount: pulumi.Int(args.MinInstances),
				MaxInstanceCount: pulumi.Int(args.MaxInstances),
			},
			// Request concurrency stays at Cloud Run's default (80). Session
			// affinity keeps a browser on the instance that holds its transfer
			// when more than one instance runs.
			SessionAffinity: pulumi.Bool(true),
			Containers: cloudrunv2.ServiceTemplateContainerArray{&cloudrunv2.ServiceTemplateContainerArgs{
				Image: digestOnly(args.Image),
				Ports: cloudrunv2.ServiceTemplateContainerPortArray{&cloudrunv2.ServiceTemplateContainerPortArgs{
					Name:          pulumi.String("http1"),
					ContainerPort: pulumi.Int(rt.Port),
				}},
				Resources: &cloudrunv2.ServiceTemplateContainerResourcesArgs{
					Limits: pulumi.StringMap{"cpu": pulumi.String(args.CPU), "memory": pulumi.String(args.Memory)},
					// CPU only while serving requests (the cheap default), with
					// a boost while Python imports the app at start-up.
					CpuIdle:         pulumi.Bool(true),
					StartupCpuBoost: pulumi.Bool(true),
				},
				Envs:         envs(args, secrets),
				VolumeMounts: volumeMounts(args),
				// The app answers HEAD with 405, so both probes use GET. A probe
				// header would sit in plaintext in the service spec, so the
				// probes cannot send the upload token; with one set, the
				// container app answers 401 everywhere but the probe path.
				// They prove the process serves HTTP, not that the token gate
				// or the storage works: the smoke harness checks those.
				StartupProbe: &cloudrunv2.ServiceTemplateContainerStartupProbeArgs{
					HttpGet: &cloudrunv2.ServiceTemplateContainerStartupProbeHttpGetArgs{
						Path: pulumi.String(rt.ProbePath),
						Port: pulumi.Int(rt.Port),
					},
					// Up to 2 minutes for a cold Python start.
					PeriodSeconds:    pulumi.Int(5),
					TimeoutSeconds:   pulumi.Int(3),
					FailureThreshold: pulumi.Int(24),
				},
				LivenessProbe: &cloudrunv2.ServiceTemplateContainerLivenessProbeArgs{
					HttpGet: &cloudrunv2.ServiceTemplateContainerLivenessProbeHttpGetArgs{
						Path: pulumi.String(rt.ProbePath),
						Port: pulumi.Int(rt.Port),
					},
					PeriodSeconds:    pulumi.Int(30),
					TimeoutSeconds:   pulumi.Int(5),
					FailureThreshold: pulumi.Int(3),
				},
			}},
		},
	}, opts...)
	return svc, serve, err
}

// envs lists plain variables by value and secret ones by Secret Manager
// reference, sorted so the template does not change between runs.
func envs(args *ServiceArgs, secrets []secretRef) cloudrunv2.ServiceTemplateContainerEnvArray {
	plain := args.Runtime.PlainEnvironment()
	names := make([]string, 0, len(plain))
	for k := range plain {
		names = append(names, k)
	}
	sort.Strings(names)
	out := cloudrunv2.ServiceTemplateContainerEnvArray{}
	for _, k := range names {
		out = append(out, &cloudrunv2.ServiceTemplateContainerEnvArgs{Name: pulumi.String(k), Value: plain[k]})
	}
	for _, s := range secrets {
		out = append(out, &cloudrunv2.ServiceTemplateContainerEnvArgs{
			Name: pulumi.String(s.Env),
			ValueSource: &cloudrunv2.ServiceTemplateContainerEnvValueSourceArgs{
				SecretKeyRef: &cloudrunv2.ServiceTemplateContainerEnvValueSourceSecretKeyRefArgs{
					Secret:  s.Secret,
					Version: s.Version,
				},
			},
		})
	}
	return out
}

// digestOnly fails the deployment when the image is not pinned by digest: a
// mutable tag would let a revision run something nobody reviewed.
func digestOnly(image pulumi.StringInput) pulumi.StringOutput {
	return image.ToStringOutput().ApplyT(func(ref string) (string, error) {
		if !isDigestRef(ref) {
			return "", fmt.Errorf("cloudrun: image %q is not in digest form (repo@sha256:<64 hex>)", ref)
		}
		return ref, nil
	}).(pulumi.StringOutput)
}
