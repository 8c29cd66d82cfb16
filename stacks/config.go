package stacks

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Environment decides the safety and cost posture every target derives from.
type Environment string

const (
	Dev  Environment = "dev"  // cheap, scales to zero, destroyable
	Prod Environment = "prod" // protected data, immutable images, more capacity
)

// Prod reports whether data must survive `pulumi destroy`.
func (e Environment) Prod() bool { return e == Prod }

// Config is the typed view of one stack's configuration. It is built once by
// Load, fully validated, and is the only thing the composition reads.
type Config struct {
	keysRead map[string]string // every key Load read, with the kind it read it as

	Project          string
	Stack            string
	Environment      Environment
	AppVersion       string          // sgraph-ai-app-send version, no leading "v"
	Targets          map[string]bool // enabled deployment targets
	AwsRegion        string
	Tags             map[string]string // default tags every taggable resource carries
	LogRetentionDays int
	Contract         AppContract
	Domain           DomainConfig // stack DNS name and zone (stacks/domain.go)
	Secrets          Secrets
	Image            ImageConfig
	Gcp              GcpConfig
	Lambda           LambdaConfig
	Fargate          FargateConfig
	EC2              EC2Config
	CloudRun         CloudRunConfig
	Ops              OpsConfig      // alerts, alarm thresholds, budget
	Rollback         RollbackConfig // pointer overrides of a rollback (stacks/rollback.go)
}

// KeysRead returns every config key Load read and the kind it read it as
// (string, integer, boolean, array, object, secret); tests compare it with
// Pulumi.yaml's declarations.
func (c *Config) KeysRead() map[string]string { return c.keysRead }

// Secrets are Pulumi secrets end to end: never plaintext in state or logs.
type Secrets struct {
	AdminKey    pulumi.StringOutput // admin API key value
	UploadToken pulumi.StringOutput // static upload token for the user API
}

// On reports whether target name is enabled for this stack.
func (c *Config) On(name string) bool { return c.Targets[name] }

// Name returns the conventional physical name for a resource of this stack,
// e.g. "sgraph-send-dev-admin".
func (c *Config) Name(parts ...string) string {
	return strings.Join(append([]string{"sgraph-send", c.Stack}, parts...), "-")
}

var (
	appVersionPattern = regexp.MustCompile(`^v?\d+\.\d+\.\d+$`)
	awsRegionPattern  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)
	tagKeyPattern     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
)

// logRetentionDays are the values CloudWatch Logs accepts.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Load reads and validates the whole stack configuration. It reports every
// problem at once and registers nothing; callers must not deploy on error.
func Load(ctx *pulumi.Context) (*Config, error) {
	r := newReader(ctx)
	c := &Config{Project: ctx.Project(), Stack: ctx.Stack()}
	validateStackName(r, c.Stack) // names_validate.go

	c.Environment = Environment(r.oneOf("environment", string(Dev), string(Prod)))
	c.AppVersion = loadAppVersion(r, c.Environment)
	c.Targets = loadTargets(r)
	c.AwsRegion = loadAwsRegion(r, c)
	c.Tags = loadTags(r, c)
	c.LogRetentionDays = loadLogRetention(r)
	c.Contract = loadContract(r)
	c.Secrets = loadSecrets(r, c)
	c.Domain = loadDomain(r)
	refusePlaceholders(r, c.Environment, c.Domain) // placeholders.go
	c.Ops = loadOps(r, c)
	if c.needsGcpImage() {
		c.Gcp = loadGcp(r, c)
	}
	if c.needsImage() {
		c.Image = loadImage(r, c)
	}
	c.Rollback = loadRollback(r, c)
	for _, t := range targets {
		if c.On(t.name) {
			t.load(r, c)
		}
	}
	validateHardening(r, c) // hardening_validate.go
	if err := r.err(); err != nil {
		return nil, err
	}
	c.keysRead = r.read
	return c, nil
}

func loadAppVersion(r *reader, env Environment) string {
	v := r.str("appVersion")
	switch {
	case v == "" && env.Prod():
		r.fail("appVersion", "", "prod must pin the sgraph-ai-app-send version: `pulumi config set appVersion 0.27.6`")
	case v == "":
		r.fail("appVersion", "", "pin the sgraph-ai-app-send version every target runs: `pulumi config set appVersion 0.27.6`")
	case !appVersionPattern.MatchString(v):
		r.fail("appVersion", v, "must be an exact release like 0.27.6 (no ranges, no 'latest')")
	}
	return strings.TrimPrefix(v, "v")
}

func loadTargets(r *reader) map[string]bool {
	on := map[string]bool{}
	for _, name := range r.list("targets") {
		if _, ok := targetByName(name); !ok {
			r.fail("targets", name, "unknown target; allowed: %s", strings.Join(targetNames(), ", "))
			continue
		}
		if on[name] {
			r.fail("targets", name, "listed twice")
		}
		on[name] = true
	}
	return on
}

func loadAwsRegion(r *reader, c *Config) string {
	region := r.optional("aws:region")
	if region == "" {
		r.fail("aws:region", "", "missing; every stack deploys its bucket to AWS: `pulumi config set aws:region eu-west-2`")
	} else if !awsRegionPattern.MatchString(region) {
		r.fail("aws:region", region, "not an AWS region name like eu-west-2")
	}
	return region
}

func loadTags(r *reader, c *Config) map[string]string {
	tags := map[string]string{}
	r.object("tags", &tags)
	validateTags(r, tags) // tags_validate.go
	// The program's own tags win: policies and cost reports key on them.
	tags["app"] = "sgraph-send"
	tags["environment"] = string(c.Environment)
	tags["stack"] = c.Stack
	tags["managed-by"] = "pulumi"
	return tags
}

func loadLogRetention(r *reader) int {
	days := r.integer("logRetentionDays", 1, 3653)
	for _, ok := range logRetentionDays {
		if days == ok {
			return days
		}
	}
	r.fail("logRetentionDays", itoa(days), "CloudWatch accepts only %s", joinInts(logRetentionDays))
	return days
}

func loadSecrets(r *reader, c *Config) Secrets {
	if len(c.Targets) == 0 {
		return Secrets{}
	}
	return Secrets{
		AdminKey:    r.secret("adminApiKey", "the admin API key", 16),
		UploadToken: r.secret("uploadToken", "the static upload token the user API requires", 16),
	}
}

// TargetNames returns the enabled targets in a stable order.
func (c *Config) TargetNames() []string {
	var names []string
	for n := range c.Targets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SecretKeys are the secret config keys the program reads. Tools that run the
// program without the stack's secrets provider (the offline plan) fill them
// with placeholders.
var SecretKeys = []string{"adminApiKey", "uploadToken"}
