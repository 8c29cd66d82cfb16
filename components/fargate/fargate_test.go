package fargate

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

func TestValidMemories(t *testing.T) {
	cases := []struct {
		cpu         int
		first, last int
		count       int
	}{
		{256, 512, 2048, 3},
		{512, 1024, 4096, 4},
		{1024, 2048, 8192, 7},
		{2048, 4096, 16384, 13},
		{4096, 8192, 30720, 23},
		{8192, 16384, 61440, 12},
		{16384, 32768, 122880, 12},
	}
	for _, tc := range cases {
		m := ValidMemories(tc.cpu)
		if assert.Len(t, m, tc.count, "cpu %d", tc.cpu) {
			assert.Equal(t, tc.first, m[0])
			assert.Equal(t, tc.last, m[len(m)-1])
		}
	}
	assert.Nil(t, ValidMemories(128))
	assert.True(t, ValidSize(256, 1024))
	assert.False(t, ValidSize(256, 1536), "256 has no regular step")
	assert.False(t, ValidSize(8192, 18432), "8192 steps by 4096")
	assert.Equal(t, []int{256, 512, 1024, 2048, 4096, 8192, 16384}, CPUs())
}

func TestValidSchedule(t *testing.T) {
	for s, ok := range map[string]bool{
		"cron(0 20 * * ? *)":       true,
		"cron(0 20 ? * MON-FRI *)": true,
		"rate(1 day)":              true,
		"rate(12 hours)":           true,
		"at(2026-12-24T18:00:00)":  true,
		"cron(0 20 * * * *)":       false, // one day field must be ?
		"cron(0 20 ? * ? *)":       false,
		"cron(0 20 * * ?)":         false, // five fields: Unix cron
		"0 20 * * *":               false,
		"rate(0 days)":             false,
		"rate(1 week)":             false,
		"cron(0 20 * * ? *) extra": false,
		"at(2026-12-24 18:00:00)":  false,
		"at(2020-13-45T99:99:99)":  false, // the shape of a date, not a date
		"at(2027-02-29T00:00:00)":  false, // not a leap year
		"":                         false,
	} {
		assert.Equal(t, ok, ValidSchedule(s), s)
	}
}

func TestValidCertificateArn(t *testing.T) {
	assert.True(t, ValidCertificateArn("arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d"))
	assert.True(t, ValidCertificateArn("arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d"))
	for _, bad := range []string{
		"arn:aws:acm:eu-west-2:1234:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d",
		"arn:aws:acm:eu-west-2:123456789012:certificate/not-a-uuid",
		"arn:aws:iam::123456789012:server-certificate/x",
		"0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d",
	} {
		assert.False(t, ValidCertificateArn(bad), bad)
	}
}

func TestNames(t *testing.T) {
	assert.Equal(t, "sgraph-send-dev", lbName("sgraph-send-dev"))
	assert.Len(t, lbName(strings.Repeat("a", 40)), 32)
	assert.Equal(t, "sgraph-send-staging-fa", fit("sgraph-send-staging-fargate", 30))
	assert.Equal(t, "abc", fit("abc", 32))
	assert.False(t, strings.HasSuffix(lbName("sgraph-send-a-very-long-stack-nam-e"), "-"))
}

func validArgs() ServiceArgs {
	return ServiceArgs{
		Name: "sgraph-send-dev", ParameterPath: "/sgraph-send/dev/fargate", Region: "eu-west-2",
		Image: pulumi.String("repo@sha256:" + strings.Repeat("a", 64)), BucketArn: pulumi.String("arn:aws:s3:::b"),
		Runtime: appspec.Runtime{Mode: appspec.Container, Port: 8080, HealthPath: "/info/health", ProbePath: "/auth/set-cookie-form",
			HealthAuth: []appspec.HeaderFromEnv{{Header: "x-sgraph-access-token", Env: "SGRAPH_SEND__ACCESS_TOKEN"}},
			UI: appspec.UIRoutes{EntryPath: "/", SharePath: "/en-gb/download/",
				UploadPage: "/send/v0/v0.2/v0.2.0/en-gb/index.html", DownloadPage: "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"}},
		Cpu: 256, Memory: 512, LogRetentionDays: 7,
	}
}

func TestArgsValidation(t *testing.T) {
	assert.NoError(t, func() error { a := validArgs(); return a.validate() }())
	cases := map[string]func(a *ServiceArgs){
		"Cpu 256 / Memory 4096": func(a *ServiceArgs) { a.Memory = 4096 },
		"DesiredCount":          func(a *ServiceArgs) { a.DesiredCount = -1 },
		"CertificateArn":        func(a *ServiceArgs) { a.CertificateArn = "arn:nope" },
		"ScaleToZeroSchedule":   func(a *ServiceArgs) { a.ScaleToZeroSchedule = "0 20 * * *" },
		"DomainName":            func(a *ServiceArgs) { a.DomainName = "send.example.com" },
		"LogRetentionDays":      func(a *ServiceArgs) { a.LogRetentionDays = 0 },
		"Image is required":     func(a *ServiceArgs) { a.Image = nil },
		"HealthPath":            func(a *ServiceArgs) { a.Runtime.HealthPath = "/x' or 1" },
		"ProbePath":             func(a *ServiceArgs) { a.Runtime.ProbePath = "/auth/set cookie" },
		"HealthAuth":            func(a *ServiceArgs) { a.Runtime.HealthAuth[0].Env = "X'); import os; os.system('id" },
		"TaskSubnetIds":         func(a *ServiceArgs) { a.TaskSubnetIds = []string{"subnet-x"} },
		"both a plain and a secret": func(a *ServiceArgs) {
			a.Runtime.Env = pulumi.StringMap{"K": pulumi.String("v")}
			a.Runtime.SecretEnv = pulumi.StringMap{"K": pulumi.String("s")}
		},
	}
	for want, breakIt := range cases {
		a := validArgs()
		breakIt(&a)
		err := a.validate()
		if assert.Error(t, err, want) {
			assert.Contains(t, err.Error(), want)
		}
	}
}
