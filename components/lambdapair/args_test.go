package lambdapair

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

func validArgs() PairArgs {
	rt := func(m appspec.Mode) appspec.Runtime {
		return appspec.Runtime{Mode: m, Version: "0.27.6", Port: 8080, HealthPath: "/info/health"}
	}
	size := Sizing{MemoryMb: 1024, TimeoutSeconds: 30, Architecture: "x86_64", ReservedConcurrency: Unreserved}
	return PairArgs{
		AdminName: "sgraph-send-dev-admin", PublicName: "sgraph-send-dev-public",
		AdminRuntime: rt(appspec.AdminAPI), PublicRuntime: rt(appspec.UserAPI),
		ImageRef:    pulumi.String("repo@sha256:0123"),
		BucketArn:   pulumi.String("arn:aws:s3:::bucket"),
		AdminSizing: size, PublicSizing: size, LogRetentionDays: 7,
	}
}

// The component refuses bad args up front, before registering anything.
func TestPairArgsValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(a *PairArgs)
		want   string // substring of the error; "" means valid
	}{
		{"valid", func(a *PairArgs) {}, ""},
		{"valid with invokers", func(a *PairArgs) { a.AdminInvokers = []string{"arn:aws:iam::123456789012:role/ci"} }, ""},
		{"modes swapped", func(a *PairArgs) { a.AdminRuntime, a.PublicRuntime = a.PublicRuntime, a.AdminRuntime }, "must run the admin API"},
		{"same names", func(a *PairArgs) { a.PublicName = a.AdminName }, "must differ"},
		{"memory", func(a *PairArgs) { a.PublicSizing.MemoryMb = 64 }, "memory 64 MB"},
		{"timeout", func(a *PairArgs) { a.AdminSizing.TimeoutSeconds = 901 }, "timeout 901"},
		{"arm64", func(a *PairArgs) { a.AdminSizing.Architecture = "arm64" }, "linux/amd64"},
		{"reserved", func(a *PairArgs) { a.PublicSizing.ReservedConcurrency = -5 }, "reserved concurrency -5"},
		{"bad invoker", func(a *PairArgs) { a.AdminInvokers = []string{"ci"} }, "not an IAM"},
		{"no image", func(a *PairArgs) { a.ImageRef = nil }, "ImageRef"},
		{"no retention", func(a *PairArgs) { a.LogRetentionDays = 0 }, "log retention"},
		{"bad name", func(a *PairArgs) { a.AdminName = strings.Repeat("a", 65) }, "function name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := validArgs()
			tc.change(&a)
			err := a.validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

// Invokers never reach a NONE URL, which is open to everyone anyway.
func TestInvokersOnlyOnIAMURLs(t *testing.T) {
	a := validArgs()
	_, public := a.functions()
	public.Invokers = []string{"arn:aws:iam::123456789012:role/ci"}
	if err := public.validate(); err == nil || !strings.Contains(err.Error(), "only apply to an AWS_IAM") {
		t.Fatalf("got %v", err)
	}
}

func TestPolicyDocuments(t *testing.T) {
	param := "arn:aws:ssm:eu-west-2:123456789012:parameter/f/SGRAPH_SEND__ACCESS_TOKEN"
	doc, err := executionPolicy("arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/f", "arn:aws:s3:::b", false, []string{param})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Resource":["arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/f:*"]`,
		`"Resource":["arn:aws:s3:::b/*"]`, `"Resource":["arn:aws:s3:::b"]`,
		`"Action":["ssm:GetParameters"],"Resource":["` + param + `"]`} {
		if !strings.Contains(doc, want) {
			t.Errorf("policy lacks %s: %s", want, doc)
		}
	}
	// The only wildcards: the log group's streams and the bucket's objects.
	if n := strings.Count(doc, "*"); n != 2 {
		t.Errorf("want exactly 2 wildcards, got %d: %s", n, doc)
	}
}
