package cloudrun_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/components/cloudrun"
)

type mocks struct{ registered []string }

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.registered = append(m.registered, args.TypeToken)
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func goodArgs() *cloudrun.ServiceArgs {
	return &cloudrun.ServiceArgs{
		Project: "sgraph-send-dev", Region: "europe-west2",
		ServiceName: "sgraph-send-dev-cloudrun", AccountID: "sgraph-send-dev-run",
		Image: pulumi.String("europe-west2-docker.pkg.dev/p/r/i@sha256:" +
			"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
		Runtime: appspec.Runtime{Mode: appspec.Container, Port: 8080, HealthPath: "/info/health", ProbePath: "/auth/set-cookie-form",
			Env: pulumi.StringMap{"SEND__STORAGE_MODE": pulumi.String("memory")}, SecretEnv: pulumi.StringMap{}},
		MinInstances: 0, MaxInstances: 1, CPU: "1", Memory: "512Mi", Public: true,
	}
}

// Bad args are refused before anything is registered, naming every problem.
func TestNewServiceValidatesFirst(t *testing.T) {
	cases := map[string]func(a *cloudrun.ServiceArgs){
		"project":      func(a *cloudrun.ServiceArgs) { a.Project = "X" },
		"region":       func(a *cloudrun.ServiceArgs) { a.Region = "eu-west-2" },
		"service name": func(a *cloudrun.ServiceArgs) { a.ServiceName = "Bad_Name" },
		"account id":   func(a *cloudrun.ServiceArgs) { a.AccountID = "sa" },
		"memory":       func(a *cloudrun.ServiceArgs) { a.Memory = "8Gi" },
		"max instances": func(a *cloudrun.ServiceArgs) {
			a.MinInstances, a.MaxInstances = 2, 1
		},
		"PORT":  func(a *cloudrun.ServiceArgs) { a.Runtime.Env["PORT"] = pulumi.String("8080") },
		"image": func(a *cloudrun.ServiceArgs) { a.Image = nil },
	}
	for name, breakArgs := range cases {
		t.Run(name, func(t *testing.T) {
			m := &mocks{}
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				a := goodArgs()
				breakArgs(a)
				_, err := cloudrun.NewService(ctx, "svc", a)
				return err
			}, pulumi.WithMocks("p", "dev", m))
			require.Error(t, err)
			assert.Contains(t, err.Error(), name)
			assert.Empty(t, m.registered, "nothing registered")
		})
	}
}

// A mutable tag fails the deployment instead of running an unreviewed image.
func TestNewServiceRefusesTaggedImage(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		a := goodArgs()
		a.Image = pulumi.String("europe-west2-docker.pkg.dev/p/r/i:latest")
		_, err := cloudrun.NewService(ctx, "svc", a)
		return err
	}, pulumi.WithMocks("p", "dev", &mocks{}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "digest form")
}

func TestNewServiceNilArgs(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := cloudrun.NewService(ctx, "svc", nil)
		return err
	}, pulumi.WithMocks("p", "dev", &mocks{}))
	assert.Error(t, err)
}
