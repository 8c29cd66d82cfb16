package pipeline

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

const (
	testImage    = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testGcpImage = "europe-west2-docker.pkg.dev/p/r/sgraph-send@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// apps are fake deployments of the app on 127.0.0.1, one per target.
type apps struct {
	public, fargate, ec2 *httptest.Server
}

func newApps(t *testing.T, fargate, ec2 smoketest.Faults) *apps {
	t.Helper()
	a := &apps{
		public:  httptest.NewServer(smoketest.NewApp(outputs.UserAPI, smoketest.Faults{}).WithToken()),
		fargate: httptest.NewServer(smoketest.NewApp(outputs.ContainerApp, fargate).WithToken()),
		ec2:     httptest.NewTLSServer(smoketest.NewApp(outputs.ContainerApp, ec2).WithToken()),
	}
	t.Cleanup(func() { a.public.Close(); a.fargate.Close(); a.ec2.Close() })
	return a
}

// outputsFor plays the program: outputs follow the effective config as stacks.Run
// would export them.
func (a *apps) outputsFor(conf map[string]any) smoke.RawOutputs {
	str := func(v string) smoke.Value { return smoke.Value{Value: v} }
	raw := smoke.RawOutputs{
		outputs.Stack: str("dev"), outputs.Environment: str("dev"), outputs.AwsRegion: str("eu-west-2"),
		outputs.AppVersion: str("0.27.6"), outputs.HealthPath: str("/info/health"),
		outputs.BucketName:     str("sgraph-send-dev-storage"),
		outputs.AdminKeyHeader: str(smoketest.KeyHeader), outputs.UploadTokenHeader: str(smoketest.TokenHeader),
		outputs.AdminKey:    {Value: smoketest.Key, Secret: true},
		outputs.UploadToken: {Value: smoketest.Token, Secret: true},
	}
	if v, ok := conf["sgraph-send:appVersion"].(string); ok {
		raw[outputs.AppVersion] = str(v)
	}
	targets := toStrings(conf["sgraph-send:targets"])
	if len(targets) > 0 {
		raw[outputs.ImageRef] = str(testImage)
	}
	if slices.Contains(targets, "lambda") {
		raw[outputs.LambdaPublicURL] = str(a.public.URL + "/")
		raw[outputs.LambdaPublicFunctionName] = str("sgraph-send-dev-public")
	}
	if slices.Contains(targets, "fargate") {
		n, _ := conf["sgraph-send:fargateDesiredCount"].(int)
		raw[outputs.FargateURL] = str(a.fargate.URL)
		raw[outputs.FargateClusterName] = str("c")
		raw[outputs.FargateServiceName] = str("s")
		raw[outputs.FargateDesiredCount] = smoke.Value{Value: float64(n)}
	}
	if slices.Contains(targets, "ec2") {
		raw[outputs.EC2URL] = str(a.ec2.URL)
		raw[outputs.EC2InstanceID] = str("i-0123456789abcdef0")
		ami := "ami-0123456789abcdef0"
		if v, ok := conf["sgraph-send:ec2AmiId"].(string); ok && v != "" {
			ami = v
		}
		raw[outputs.EC2AmiID] = str(ami)
		raw[outputs.EC2TLSSelfSigned] = smoke.Value{Value: true}
		if b, _ := conf["sgraph-send:ec2BakeAmi"].(bool); b {
			raw[outputs.EC2BakedAmiID] = str("ami-0badc0ffee0000001")
		}
	}
	return raw
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		var out []string
		for _, e := range x {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

func devStack(a *apps) *FakeStack {
	return &FakeStack{
		StackName: "dev",
		Conf: map[string]string{
			"sgraph-send:environment": "dev",
			"sgraph-send:targets":     `["lambda","fargate","ec2"]`,
			"sgraph-send:appVersion":  "0.27.6",
		},
		OutputsFor: a.outputsFor,
	}
}

func fastSmoke() SmokeFunc {
	return InProcessSmoke(&strings.Builder{},
		smoke.WithCheckTimeout(2*time.Second),
		smoke.WithRetry(smoke.RetryPolicy{Attempts: 2, Initial: 10 * time.Millisecond, Max: 20 * time.Millisecond}))
}

func fastReady(ctx context.Context, raw smoke.RawOutputs, targets []string) error {
	return WaitReady(ctx, raw, targets, 3*time.Second, 10*time.Millisecond)
}

// opNames keeps the verb of each operation: "up", "outputs", "set-tags"...
func opNames(ops []string) []string {
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i], _, _ = strings.Cut(op, " ")
	}
	return out
}
