package stacks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func with(stack string, kv ...string) bench.Options {
	o := bench.Options{Stack: stack, Set: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set[kv[i]] = kv[i+1]
	}
	return o
}

// TestHardeningRefusedAtLoad: every value issue 23 found accepted (or refused
// only after resources were registered) is refused at load, naming its key,
// the value, what is allowed and the fix, with nothing registered.
func TestHardeningRefusedAtLoad(t *testing.T) {
	contract := func(js string) bench.Options { return with("dev", "appContract", js) }
	cases := []struct {
		name  string
		opts  bench.Options
		key   string
		value string // echoed value
		hint  string // fragment of what is allowed or the fix
	}{
		{"absurd appVersion", with("dev", "appVersion", "99999999999999999999.0.0"), "sgraph-send:appVersion", "99999999999999999999.0.0", "0..9999"},
		{"appVersion with a leading zero", with("dev", "appVersion", "0.027.6"), "sgraph-send:appVersion", "0.027.6", "leading zeros"},
		// env names the image or runtime owns
		{"token into the mode variable", contract(`{"env":{"accessToken":"SGRAPH_SEND_APP"}}`), "sgraph-send:appContract", "SGRAPH_SEND_APP", "entry point"},
		{"PYTHONHOME", contract(`{"env":{"diskPath":"PYTHONHOME"}}`), "sgraph-send:appContract", "PYTHONHOME", "PYTHON"},
		{"PYTHONSTARTUP", contract(`{"env":{"s3Bucket":"PYTHONSTARTUP"}}`), "sgraph-send:appContract", "PYTHONSTARTUP", "PYTHON"},
		{"HTTPS_PROXY", contract(`{"env":{"s3Bucket":"HTTPS_PROXY"}}`), "sgraph-send:appContract", "HTTPS_PROXY", "_PROXY"},
		{"lowercase https_proxy", contract(`{"env":{"s3Bucket":"https_proxy"}}`), "sgraph-send:appContract", "https_proxy", "_PROXY"},
		{"LD_PRELOAD", contract(`{"env":{"diskPath":"LD_PRELOAD"}}`), "sgraph-send:appContract", "LD_PRELOAD", "LD_"},
		// headers the front owns
		{"Authorization on the AWS_IAM URL", contract(`{"adminKeyHeader":"Authorization"}`), "sgraph-send:appContract", "Authorization", "SigV4"},
		{"X-Forwarded-For", contract(`{"uploadTokenHeader":"X-Forwarded-For"}`), "sgraph-send:appContract", "X-Forwarded-For", "x-forwarded-"},
		{"Host", contract(`{"uploadTokenHeader":"host"}`), "sgraph-send:appContract", "host", "owns"},
		{"X-Amz-Date", contract(`{"adminKeyHeader":"X-Amz-Date"}`), "sgraph-send:appContract", "X-Amz-Date", "x-amz-"},
		{"one header for both credentials", contract(`{"adminKeyHeader":"x-key","uploadTokenHeader":"X-Key"}`), "sgraph-send:appContract", "x-key", "one header"},
		{"header the proxies cannot carry", contract(`{"adminKeyHeader":"x_api_key"}`), "sgraph-send:appContract", "x_api_key", "hyphens"},
		// redirects off this origin
		{"upload page to another host", contract(`{"uiUploadPage":"//evil.example/x"}`), "sgraph-send:appContract", "//evil.example/x", "no //"},
		{"download page to another host", contract(`{"uiDownloadPage":"//evil.example/x"}`), "sgraph-send:appContract", "//evil.example/x", "no //"},
		{"upload page with ..", contract(`{"uiUploadPage":"/send/../x"}`), "sgraph-send:appContract", "/send/../x", ". or .."},
		{"health path with quotes", contract(`{"healthPath":"/info/\"health\""}`), "sgraph-send:appContract", `health`, "quote"},
		// ACME in prod
		{"prod ACME staging with a trailing slash", with("prod", "ec2AcmeServer", "https://acme-staging-v02.api.letsencrypt.org/directory/"), "sgraph-send:ec2AcmeServer", "", "staging"},
		{"prod ACME another CA", with("prod", "ec2AcmeServer", "https://acme.zerossl.example/directory"), "sgraph-send:ec2AcmeServer", "https://acme.zerossl.example/directory", "only Let's Encrypt's production"},
		{"ACME URL the user data cannot carry", with("dev", "ec2AcmeServer", "https://acme.example/dir?x=1"), "sgraph-send:ec2AcmeServer", "https://acme.example/dir?x=1", "https://"},
		// images and regions
		{"prebuilt image outside ECR with lambda", with("dev", "targets", `["lambda"]`, "prebuiltImage", "docker.io/library/sgraph"+digest), "sgraph-send:prebuiltImage", "docker.io", "Amazon ECR"},
		{"prebuilt image in another region's ECR", with("dev", "targets", `["lambda"]`, "prebuiltImage", "123456789012.dkr.ecr.us-east-1.amazonaws.com/sgraph-send"+digest), "sgraph-send:prebuiltImage", "us-east-1", "eu-west-2"},
		{"fake AWS region", with("dev", "targets", `["lambda"]`, "aws:region", "zz-fake-1"), "aws:region", "zz-fake-1", "known AWS region"},
		{"fake GCP region", with("dev", "targets", `["cloudrun"]`, "gcp:region", "mars-central1"), "gcp:region", "mars-central1", "known Google Cloud region"},
		{"no Function URLs in Zurich", with("dev", "targets", `["lambda"]`, "aws:region", "eu-central-2"), "aws:region", "eu-central-2", "Function URLs"},
		{"no Function URLs in GovCloud", with("dev", "targets", `["lambda"]`, "aws:region", "us-gov-west-1"), "aws:region", "us-gov-west-1", "Function URLs"},
		{"reserved concurrency leaves under 100", with("dev", "targets", `["lambda"]`, "lambdaAdminReservedConcurrency", "100", "lambdaPublicReservedConcurrency", "850"), "sgraph-send:lambdaPublicReservedConcurrency", "850", "100"},
		// fargate
		{"certificate without a name", with("dev", "targets", `["fargate"]`, "fargateCertificateArn", "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d"), "sgraph-send:fargateCertificateArn", "arn:aws:acm", "fargateDomainName"},
		{"at() with an invalid date", with("dev", "targets", `["fargate"]`, "fargateScaleToZeroCron", "at(2020-13-45T99:99:99)"), "sgraph-send:fargateScaleToZeroCron", "at(2020-13-45T99:99:99)", "schedule"},
		// ops
		{"alarm window over a day", with("dev", "alarmPeriodSeconds", "1800", "alarmEvaluationPeriods", "50"), "sgraph-send:alarmEvaluationPeriods", "50", "86400"},
		{"alarm window over a week", with("dev", "alarmPeriodSeconds", "86400", "alarmEvaluationPeriods", "8"), "sgraph-send:alarmEvaluationPeriods", "8", "604800"},
		{"alert email to an IP literal", with("dev", "alertEmail", "ops@[127.0.0.1]"), "sgraph-send:alertEmail", "ops@[127.0.0.1]", "IP literal"},
		// ec2
		{"baked AMI parameter naming arm64", with("dev", "targets", `["ec2"]`, "ec2BakedAmiParameter", "/sgraph-send/dev/ami-arm64"), "sgraph-send:ec2BakedAmiParameter", "/sgraph-send/dev/ami-arm64", "arm64"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, tc.opts)
			assert.Equal(t, []string{tc.key}, slices.Compact(ce.Keys()), "only this key is named: %v", ce)
			assert.Contains(t, ce.Error(), tc.hint)
			assert.Contains(t, ce.Error(), tc.value)
			assert.Contains(t, ce.Error(), "`", "names the fix (a command)")
			require.NotNil(t, r)
			assert.Empty(t, r.Resources, "nothing registered")
		})
	}
}

// TestHardeningAccepts: the values next to the refused ones still deploy.
func TestHardeningAccepts(t *testing.T) {
	cases := []struct {
		name string
		opts bench.Options
	}{
		{"IDN punycode TLD reaches the fargate and ec2 components", with("dev", "targets", `["fargate","ec2"]`, "domain", "send.example.xn--p1ai", "hostedZoneId", "Z0123456789ABCDEFGHIJ")},
		{"dev ACME staging with a trailing slash", with("dev", "targets", `["ec2"]`, "domain", "send.example.org", "hostedZoneId", "Z0123456789ABCDEFGHIJ", "ec2AcmeServer", "https://ACME-staging-v02.api.letsencrypt.org/directory/")},
		{"prod ACME production URL spelled out", with("prod", "ec2AcmeServer", "https://acme-v02.api.letsencrypt.org/directory/")},
		{"prebuilt image in this region's ECR", with("dev", "targets", `["lambda"]`, "prebuiltImage", bench.PrebuiltImage)},
		{"reservations leaving exactly 100", with("dev", "targets", `["lambda"]`, "lambdaAdminReservedConcurrency", "100", "lambdaPublicReservedConcurrency", "800")},
		{"a real at() date", with("dev", "targets", `["fargate"]`, "fargateScaleToZeroCron", "at(2028-02-29T20:00:00)")},
		{"alarm window of exactly a day", with("dev", "alarmPeriodSeconds", "900", "alarmEvaluationPeriods", "96")},
		{"app's own SGRAPH_SEND__ names", with("dev", "appContract", `{"env":{"accessToken":"SGRAPH_SEND__TOKEN"}}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, tc.opts)
			assert.NotEmpty(t, r.Resources)
		})
	}
}

// TestACMEStagingNormalised: a staging URL spelled differently is still
// staging, so the instance is reported untrusted (not as a trusted certificate).
func TestACMEStagingNormalised(t *testing.T) {
	r := bench.MustRun(t, with("dev", "targets", `["ec2"]`, "domain", "send.example.org", "hostedZoneId", "Z0123456789ABCDEFGHIJ",
		"ec2AcmeServer", "https://acme-staging-v02.api.letsencrypt.org/directory/"))
	found := false
	for _, res := range r.Resources {
		if ud := policy.InstanceUserData(res); ud != "" {
			found = true
			assert.Contains(t, ud, "https://acme-staging-v02.api.letsencrypt.org/directory")
			assert.NotContains(t, ud, "directory/", "the normalised URL is used")
		}
	}
	assert.True(t, found, "an instance with user data")
	_ = strings.TrimSpace
}
