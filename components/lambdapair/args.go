// Package lambdapair runs SGraph Send on AWS Lambda as two functions from the
// shared container image: the admin API behind an AWS_IAM Function URL and the
// user API behind a public (NONE) Function URL. Each function has its own log
// group, execution role and Function URL.
package lambdapair

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// Function URL auth types.
const (
	AuthIAM  = "AWS_IAM" // callers sign with SigV4 and need lambda:InvokeFunctionUrl
	AuthNone = "NONE"    // anyone on the internet may call the URL
)

// Limits Lambda enforces; validated here so a bad value fails before `up`.
const (
	MinMemoryMb            = 128
	MaxMemoryMb            = 10240
	MinTimeoutSeconds      = 1
	MaxTimeoutSeconds      = 900
	Unreserved             = -1 // no reserved concurrency: the function shares the account pool
	MaxReservedConcurrency = 1000
)

// Architectures the image can run on. The shared image is built for
// linux/amd64 only, so arm64 would fail at the first cold start.
var Architectures = []string{"x86_64"}

// invokerARN is an IAM user, role or account root ARN in any partition.
var invokerARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:(root|(user|role)/[\w+=,.@/-]{1,512})$`)

// ValidInvoker reports whether arn may be granted invoke on an AWS_IAM URL.
func ValidInvoker(arn string) bool { return invokerARN.MatchString(arn) }

// functionName is what Lambda accepts as a function name.
var functionName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Sizing is how one function is sized; shared by both functions of a pair
// except for reserved concurrency.
type Sizing struct {
	MemoryMb       int    // 128..10240
	TimeoutSeconds int    // 1..900
	Architecture   string // one of Architectures
	// ReservedConcurrency caps concurrent executions: -1 leaves the function
	// unreserved, 0 switches it off (every call is throttled), 1..1000 reserves.
	ReservedConcurrency int
}

// FunctionArgs configures one function with its Function URL.
type FunctionArgs struct {
	// FunctionName is the physical function name; its log group is
	// /aws/lambda/<FunctionName>.
	FunctionName string
	// ImageRef is the container image in digest form (repo@sha256:...).
	ImageRef pulumi.StringInput
	// Runtime is the app entry point and its environment.
	Runtime appspec.Runtime
	Sizing  Sizing
	// URLAuth is the Function URL auth type: AuthIAM or AuthNone.
	URLAuth string
	// Invokers are IAM ARNs granted invoke through an AWS_IAM URL. Empty means
	// the account's own IAM policies alone decide who may call it.
	Invokers []string
	// BucketArn is the storage bucket the function reads and writes objects in.
	BucketArn pulumi.StringInput
	// LogRetentionDays is the CloudWatch retention of the function's log group.
	LogRetentionDays int
	// RetainLogs keeps the log group through `pulumi destroy` (protect +
	// retainOnDelete): prod's logs are evidence. Its retention still expires them.
	RetainLogs bool
	// Tags are applied to every taggable resource.
	Tags pulumi.StringMap
	// RollbackVersion, when set, points the live alias (what the Function URL
	// serves) at this earlier published version instead of the one this deploy
	// published: a rollback is a flip of the alias, nothing else changes.
	RollbackVersion string
}

// publishedVersion is a number Lambda gave a published version.
var publishedVersion = regexp.MustCompile(`^[1-9][0-9]{0,9}$`)

func (a *FunctionArgs) validate() error {
	var ps []string
	add := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	if !functionName.MatchString(a.FunctionName) {
		add("function name %q must be 1-64 letters, digits, - and _", a.FunctionName)
	}
	if a.ImageRef == nil {
		add("ImageRef is required")
	}
	if a.BucketArn == nil {
		add("BucketArn is required")
	}
	switch a.Runtime.Mode {
	case appspec.AdminAPI, appspec.UserAPI:
	default:
		add("runtime mode %q: Lambda runs the admin or the user API only", a.Runtime.Mode)
	}
	if a.Runtime.Port < 1 || a.Runtime.Port > 65535 {
		add("runtime port %d out of range", a.Runtime.Port)
	}
	if !strings.HasPrefix(a.Runtime.HealthPath, "/") {
		add("runtime health path %q must start with /", a.Runtime.HealthPath)
	}
	s := a.Sizing
	if s.MemoryMb < MinMemoryMb || s.MemoryMb > MaxMemoryMb {
		add("memory %d MB out of range %d..%d", s.MemoryMb, MinMemoryMb, MaxMemoryMb)
	}
	if s.TimeoutSeconds < MinTimeoutSeconds || s.TimeoutSeconds > MaxTimeoutSeconds {
		add("timeout %d s out of range %d..%d", s.TimeoutSeconds, MinTimeoutSeconds, MaxTimeoutSeconds)
	}
	if !contains(Architectures, s.Architecture) {
		add("architecture %q: the image is built for linux/amd64, allowed %s", s.Architecture, strings.Join(Architectures, ", "))
	}
	if s.ReservedConcurrency < Unreserved || s.ReservedConcurrency > MaxReservedConcurrency {
		add("reserved concurrency %d out of range -1..%d", s.ReservedConcurrency, MaxReservedConcurrency)
	}
	switch a.URLAuth {
	case AuthIAM:
	case AuthNone:
		if len(a.Invokers) > 0 {
			add("invokers only apply to an AWS_IAM Function URL; a NONE URL is open to everyone")
		}
	default:
		add("URL auth %q: allowed %s or %s", a.URLAuth, AuthIAM, AuthNone)
	}
	seen := map[string]bool{}
	for _, arn := range a.Invokers {
		if !ValidInvoker(arn) {
			add("invoker %q is not an IAM user, role or account root ARN", arn)
		}
		if seen[arn] {
			add("invoker %q listed twice", arn)
		}
		seen[arn] = true
	}
	if a.RollbackVersion != "" && !publishedVersion.MatchString(a.RollbackVersion) {
		add("rollback version %q is not a published version number (1, 2, ...; $LATEST is never served)", a.RollbackVersion)
	}
	if a.LogRetentionDays <= 0 {
		add("log retention must be a positive number of days (never-expire would outlive the stack's purpose)")
	}
	if len(ps) > 0 {
		return fmt.Errorf("lambdapair %s: %s", a.FunctionName, strings.Join(ps, "; "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
