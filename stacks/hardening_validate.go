package stacks

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/components/fargate"
	"github.com/sgraph-ai/sgraph-send-infra/components/lambdapair"
)

// validateHardening refuses values that passed their own key's checks but
// break or weaken a deploy once combined with the rest of the stack (issue 23).
// It runs after every key is read, so it sees the whole Config, and before
// anything is registered.
func validateHardening(r *reader, c *Config) {
	validateAppVersionNumbers(r, c.AppVersion)
	validateRegions(r, c)
	validateContractOwnership(r, c.Contract)
	validateAlarmWindow(r, c.Ops.Thresholds)
	validateAlertDomain(r, c.Ops.AlertEmail)
	if c.needsImage() && c.On("lambda") {
		validateLambdaImage(r, c)
	}
	if c.On("lambda") {
		validateLambdaConcurrency(r, c.Lambda)
	}
	if c.On("fargate") && fargate.ValidCertificateArn(c.Fargate.CertificateArn) && c.Fargate.DomainName == "" {
		r.fail("fargateCertificateArn", c.Fargate.CertificateArn, "a certificate needs the name it covers, or the URL is the load balancer's own name, which no certificate of yours covers: "+
			"`pulumi config set fargateDomainName <name the certificate covers>` (and point that name at the load balancer), or set domain and hostedZoneId and unset fargateCertificateArn")
	}
	if c.On("ec2") && c.EC2.BakedAmiParameter != "" {
		if p := ec2.AmiParameterProblem(c.EC2.BakedAmiParameter); p != "" {
			r.fail("ec2BakedAmiParameter", c.EC2.BakedAmiParameter, "%s; use the parameter `go run ./cmd/bake -stack %s` publishes, /sgraph-send/%s/ami", p, c.Stack, c.Stack)
		}
	}
}

// maxVersionNumber bounds each number of appVersion: pip, the image build
// and the AMI bake put it in names and tags, and no release is numbered
// beyond it.
const maxVersionNumber = 9999

func validateAppVersionNumbers(r *reader, v string) {
	if !appVersionPattern.MatchString(v) {
		return // refused in loadAppVersion
	}
	for _, part := range strings.Split(v, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n > maxVersionNumber || (len(part) > 1 && part[0] == '0') {
			r.fail("appVersion", v, "each number must be 0..%d without leading zeros, like a real release (0.27.6): `pulumi config set appVersion 0.27.6`", maxVersionNumber)
			return
		}
	}
}

func validateRegions(r *reader, c *Config) {
	if region := c.AwsRegion; awsRegionPattern.MatchString(region) {
		switch {
		case !slices.Contains(awsRegions, region):
			r.fail("aws:region", region, "not a known AWS region (stacks/regions.go lists them); e.g. `pulumi config set aws:region eu-west-2`")
		case c.On("lambda") && slices.Contains(noFunctionURLRegions, region):
			r.fail("aws:region", region, "Lambda has no Function URLs in this region, and the lambda target is two Function URLs; "+
				"deploy to a region that has them (`pulumi config set aws:region eu-west-2`), or remove lambda from targets")
		}
	}
	if c.needsGcpImage() && gcpRegion.MatchString(c.Gcp.Region) && !slices.Contains(gcpRegions, c.Gcp.Region) {
		r.fail("gcp:region", c.Gcp.Region, "not a known Google Cloud region (stacks/regions.go lists them); e.g. `pulumi config set gcp:region europe-west2`")
	}
}

// reservedHeaders are names the path in front of the app owns, so a contract
// header of that name is overwritten, appended to, or breaks the request:
// Authorization, X-Amz-* and X-Amz-Security-Token carry SigV4 on the AWS_IAM
// Function URL; the ALB and nginx set or append X-Forwarded-*, X-Real-IP and
// X-Amzn-Trace-Id (ELB docs "HTTP headers and Application Load Balancers");
// Cloud Run sets X-Cloud-Trace-Context, traceparent and Forwarded; the rest are
// HTTP's own hop-by-hop, framing and routing headers (RFC 9110, 9112).
var (
	reservedHeaders = []string{
		"authorization", "proxy-authorization", "host", "forwarded", "via", "x-real-ip",
		"x-cloud-trace-context", "traceparent", "tracestate",
		"connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "expect",
		"content-length", "content-type", "content-encoding", "cookie", "origin", "referer", "user-agent", "range",
	}
	reservedHeaderPrefix = []string{"x-forwarded-", "x-amz-", "x-amzn-", "proxy-", "sec-", "accept", "if-"}
	// proxyHeader is what the ALB rules, the nginx config and the probes
	// can carry (components/fargate and components/ec2 check the same).
	proxyHeader = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
)

func headerOwnerProblem(h string) string {
	lower := strings.ToLower(h)
	if slices.Contains(reservedHeaders, lower) {
		return "is a header the path in front of the app owns (SigV4 on the AWS_IAM URL, the ALB, nginx, Cloud Run, or HTTP itself)"
	}
	for _, p := range reservedHeaderPrefix {
		if strings.HasPrefix(lower, p) {
			return "starts with " + p + ", a prefix the path in front of the app owns (SigV4, the ALB, nginx or the browser)"
		}
	}
	return ""
}

// reservedEnvHardening are the names the image and its runtime own beyond
// reservedEnv (contract_validate.go): our image's SGRAPH_SEND_* (one
// underscore: the entry point's mode SGRAPH_SEND_APP, SGRAPH_SEND_FACTORY, the
// health check's SGRAPH_SEND_HEALTH_*; the app's own use two, SGRAPH_SEND__*), Python's PYTHON* (the interpreter reads them at
// start: PYTHONHOME moves the standard library, PYTHONSTARTUP runs code), the
// proxy variables every HTTP client honours (*_PROXY sends the app's S3 calls
// elsewhere), and the loader's LD_* (LD_PRELOAD runs code).
var (
	reservedEnvHardening       = []string{"SHELL", "USER", "PWD", "HOSTNAME", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"}
	reservedEnvHardeningPrefix = []string{"PYTHON", "LD_", "UVICORN_"}
	reservedEnvHardeningSuffix = []string{"_PROXY"}
)

func envOwnerProblem(name string) string {
	upper := strings.ToUpper(name)
	if strings.HasPrefix(upper, "SGRAPH_SEND_") && !strings.HasPrefix(upper, "SGRAPH_SEND__") {
		return "is in SGRAPH_SEND_*, which the image's entry point and health check own (the mode, the factory); the app's own names use SGRAPH_SEND__"
	}
	if slices.Contains(reservedEnvHardening, upper) {
		return "is set by the image or its entry point (docker/), so the app would lose it or the value would land in the wrong place"
	}
	for _, p := range reservedEnvHardeningPrefix {
		if strings.HasPrefix(upper, p) {
			return "starts with " + p + ", which the interpreter or loader reads at start"
		}
	}
	for _, s := range reservedEnvHardeningSuffix {
		if strings.HasSuffix(upper, s) {
			return "ends in " + s + ": HTTP clients route every request through it"
		}
	}
	return ""
}

// validateContractOwnership refuses contract names that collide with what
// the image, the runtime or the proxy in front owns, and the health path
// characters no proxy config can carry verbatim.
func validateContractOwnership(r *reader, ct AppContract) {
	const key = "appContract"
	headers := ct.headers()
	for _, field := range keysOf(headers) {
		h := headers[field]
		if !httpToken.MatchString(h) {
			continue // refused in validateContract
		}
		switch {
		case !proxyHeader.MatchString(h):
			r.fail(key, h, "%s must be letters, digits and hyphens: the ALB rules, the nginx config and the probes carry it: `pulumi config set --path 'appContract.%s' x-api-key`", field, field)
		case headerOwnerProblem(h) != "":
			r.fail(key, h, "%s %s; use a name of the app's own, e.g. x-api-key: `pulumi config set --path 'appContract.%s' x-api-key`", field, headerOwnerProblem(h), field)
		}
	}
	if strings.EqualFold(ct.AdminKeyHeader, ct.UploadTokenHeader) {
		r.fail(key, ct.AdminKeyHeader, "adminKeyHeader and uploadTokenHeader name one header, so one credential would stand for the other; give each its own: `pulumi config set --path 'appContract.uploadTokenHeader' x-sgraph-access-token`")
	}
	env := ct.Env.envNames()
	for _, field := range keysOf(env) {
		name := env[field]
		if envNameProblem(name) != "" {
			continue // refused in validateContract
		}
		if p := envOwnerProblem(name); p != "" {
			r.fail(key, name, "%s %s; keep the app's default: `pulumi config set --path 'appContract.%s' %s`", field, p, field, DefaultContract().Env.envNames()[field])
		}
	}
	if strings.ContainsAny(ct.HealthPath, "'\"`$<>{}|^;") && PathProblem(ct.HealthPath) == "" {
		r.fail(key, ct.HealthPath, "healthPath holds a quote or shell/nginx metacharacter ('\"`$<>{}|^;), which the health checks, the nginx config and the task definition cannot carry verbatim: `pulumi config set --path 'appContract.healthPath' /info/health`")
	}
}

// CloudWatch's evaluation window (PutMetricAlarm, Period): Period x
// EvaluationPeriods at most 7 days, and at most 1 day when Period is under
// an hour.
const (
	alarmWindowMax      = 7 * 86400
	alarmWindowShortMax = 86400
)

func validateAlarmWindow(r *reader, t AlarmThresholds) {
	window := t.PeriodSeconds * t.EvaluationPeriods
	limit := alarmWindowMax
	if t.PeriodSeconds < 3600 {
		limit = alarmWindowShortMax
	}
	if window > limit {
		r.fail("alarmEvaluationPeriods", itoa(t.EvaluationPeriods), "alarmPeriodSeconds %d x %d periods = %d s, beyond CloudWatch's %d s limit (1 day for periods under an hour, 7 days otherwise): `pulumi config set alarmEvaluationPeriods %d`",
			t.PeriodSeconds, t.EvaluationPeriods, window, limit, limit/t.PeriodSeconds)
	}
}

// validateAlertDomain: SNS email subscriptions go to a mail domain; an IP
// literal (ops@[127.0.0.1]) parses as an address but is no mailbox SNS delivers to.
func validateAlertDomain(r *reader, email string) {
	at := strings.LastIndex(email, "@")
	if email == "" || at < 0 {
		return
	}
	domain := strings.ToLower(email[at+1:])
	if strings.HasPrefix(domain, "[") || dnsNameProblem(domain) != "" {
		r.fail("alertEmail", email, "the part after @ must be a mail domain name, not an IP literal: `pulumi config set alertEmail ops@example.com`")
	}
}

// ecrImage is an ECR image reference: <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repo>.
var ecrImage = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/`)

// validateLambdaImage: Lambda runs container images only from ECR in the
// function's own region (Lambda Developer Guide, "Create a Lambda function
// using a container image": the image must be in Amazon ECR, in the same
// Region as the function).
func validateLambdaImage(r *reader, c *Config) {
	img := c.Image.Prebuilt
	if img == "" || !digestRef.MatchString(img) {
		return
	}
	m := ecrImage.FindStringSubmatch(img)
	switch {
	case m == nil:
		r.fail("prebuiltImage", img, "the lambda target runs images only from Amazon ECR: <account>.dkr.ecr.%s.amazonaws.com/<repo>@sha256:<digest>; copy it there, or build instead: `pulumi config rm prebuiltImage`", c.AwsRegion)
	case m[1] != c.AwsRegion:
		r.fail("prebuiltImage", img, "the image is in ECR of %s but Lambda runs images only from ECR of its own region, aws:region %s; replicate it there, or build instead: `pulumi config rm prebuiltImage`", m[1], c.AwsRegion)
	}
}

// Reserved concurrency comes out of the account's concurrency pool, and AWS
// refuses a reservation that leaves fewer than unreservedMin unreserved
// (Lambda Developer Guide, "Configuring reserved concurrency"). We assume the
// default account limit, accountConcurrency (Service Quotas, "Concurrent
// executions"); an account with a raised limit can reserve more once this
// constant follows it.
const (
	accountConcurrency = 1000
	unreservedMin      = 100
)

func validateLambdaConcurrency(r *reader, l LambdaConfig) {
	if l.AdminReservedConcurrency > lambdapair.MaxReservedConcurrency || l.PublicReservedConcurrency > lambdapair.MaxReservedConcurrency {
		return // refused in loadLambda
	}
	reserved := 0
	for _, n := range []int{l.AdminReservedConcurrency, l.PublicReservedConcurrency} {
		if n > 0 {
			reserved += n
		}
	}
	if reserved > accountConcurrency-unreservedMin {
		r.fail("lambdaPublicReservedConcurrency", itoa(l.PublicReservedConcurrency), "admin (%d) and public (%d) reserve %d of the default account pool of %d, leaving under the %d AWS keeps unreserved; reserve at most %d together (lambdapair max %d each), e.g. `pulumi config set lambdaPublicReservedConcurrency %d`",
			l.AdminReservedConcurrency, l.PublicReservedConcurrency, reserved, accountConcurrency, unreservedMin, accountConcurrency-unreservedMin, lambdapair.MaxReservedConcurrency,
			max(0, accountConcurrency-unreservedMin-max(0, l.AdminReservedConcurrency)))
	}
}
