package smoke

import (
	"crypto/x509"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Config holds every path, header name and expectation the checks use. The
// app moves fast, so nothing is hard-coded in a check: defaults come from the
// app contract (shared/app-contract.md) and the stack outputs healthPath,
// adminKeyHeader and uploadTokenHeader override them; Options override both.
type Config struct {
	// Routes.
	HealthPath       string // GET, 200 {"status":"ok"}
	AdminOpenAPIPath string // admin app's OpenAPI document (no key needed)
	UserOpenAPIPath  string // user API and container app's OpenAPI document
	AdminUIPath      string // GET with key: 307 to AdminUIPage
	// AdminUIPage is the Location /admin must redirect to; empty accepts any
	// Location, as long as it then answers 200 text/html.
	AdminUIPage        string
	UserCORSPath       string // preflighted as a browser would before a create
	AdminCORSPath      string // the admin app answers preflights on any path
	TransferCreatePath string
	// Prefixes; the transfer id is appended.
	TransferUploadPath   string
	TransferCompletePath string
	TransferDownloadPath string
	TransferInfoPath     string

	// Headers.
	AdminKeyHeader    string // no contract default: the stack chooses it
	UploadTokenHeader string
	RequestIDHeader   string // every app response carries it; empty disables the check

	// Expectations.
	AdminTitle    string // OpenAPI info.title of the admin app; empty disables
	UserTitle     string // OpenAPI info.title of the user API / container app; empty disables
	ExpectVersion string // overrides the appVersion output when set
	Origin        string // CORS preflight Origin
	// GatePreflight is the answer of the app's key/token gate to a
	// preflight (admin app, container app with a token); AppPreflight the
	// app's CORS layer's (user API, open container app).
	GatePreflight PreflightExpect
	AppPreflight  PreflightExpect
	PayloadBytes  int // size of the round-trip upload

	// Behaviour.
	CheckTimeout time.Duration // budget of one check, retries included
	Retry        RetryPolicy
	// Readiness is how long a target may take to answer at all before its
	// checks start (connection refused, timeouts and 502/503/504 are
	// retried with Retry's backoff); ReadinessEC2 the same for the ec2
	// target, whose fresh instance installs the app after "up".
	Readiness    time.Duration
	ReadinessEC2 time.Duration
	// Deadline bounds the whole run; 0 means none. What is still running
	// when it passes fails with "deadline".
	Deadline time.Duration
	Targets  []string // limit to these target names; empty: all present
	// Credentials signs requests to IAM targets; nil loads the standard AWS
	// chain (env, shared config, SSO, IMDS...) lazily, only when needed.
	Credentials aws.CredentialsProvider
	// RootCAs verifies https targets; nil uses the system pool.
	RootCAs *x509.CertPool
	// OnResult is called once per finished check, serially, as verdicts
	// arrive; the command prints table rows from it.
	OnResult func(Result)
}

// PreflightExpect is what a CORS preflight must answer besides the echoed
// origin; zero fields are not checked.
type PreflightExpect struct {
	Status int
	MaxAge string
}

// DefaultConfig returns the contract's values (SGraph Send v0.27.6, as
// recorded in shared/real-app).
func DefaultConfig() Config {
	return Config{
		HealthPath:           "/info/health",
		AdminOpenAPIPath:     "/openapi.json",
		UserOpenAPIPath:      "/api/openapi.json",
		AdminUIPath:          "/admin",
		AdminUIPage:          "/admin/v0/v0.1/v0.1.7/index.html",
		UserCORSPath:         "/api/transfers/create",
		AdminCORSPath:        "/info/health",
		TransferCreatePath:   "/api/transfers/create",
		TransferUploadPath:   "/api/transfers/upload/",
		TransferCompletePath: "/api/transfers/complete/",
		TransferDownloadPath: "/api/transfers/download/",
		TransferInfoPath:     "/api/transfers/info/",
		UploadTokenHeader:    "x-sgraph-access-token",
		RequestIDHeader:      "fast-api-request-id",
		AdminTitle:           "SGraph Send - Admin",
		UserTitle:            "SGraph Send",
		Origin:               "https://smoke.sgraph.invalid",
		GatePreflight:        PreflightExpect{Status: 204, MaxAge: "86400"},
		AppPreflight:         PreflightExpect{Status: 200, MaxAge: "600"},
		PayloadBytes:         64 << 10,
		CheckTimeout:         30 * time.Second,
		Readiness:            3 * time.Minute,
		ReadinessEC2:         10 * time.Minute,
		Deadline:             15 * time.Minute,
		Retry:                RetryPolicy{Attempts: 5, Initial: 500 * time.Millisecond, Max: 8 * time.Second},
	}
}

// Option adjusts a Config, in the style of the Automation API's optup/optpreview.
type Option func(*Config)

// WithConfig replaces the whole configuration, outputs overrides included:
// start from DefaultConfig() and change what you need.
func WithConfig(c Config) Option { return func(dst *Config) { *dst = c } }

// WithTargets limits the run to the named targets.
func WithTargets(names ...string) Option {
	return func(c *Config) { c.Targets = append(c.Targets, names...) }
}

// WithCheckTimeout sets the budget of each check, retries included.
func WithCheckTimeout(d time.Duration) Option { return func(c *Config) { c.CheckTimeout = d } }

// WithReadiness sets the readiness budget of every target but ec2, and of
// ec2; a zero leaves that one unchanged.
func WithReadiness(others, ec2 time.Duration) Option {
	return func(c *Config) {
		if others != 0 {
			c.Readiness = others
		}
		if ec2 != 0 {
			c.ReadinessEC2 = ec2
		}
	}
}

// WithDeadline bounds the whole run; 0 means no deadline.
func WithDeadline(d time.Duration) Option { return func(c *Config) { c.Deadline = d } }

// readinessFor is the budget of one target.
func (c *Config) readinessFor(target string) time.Duration {
	if target == "ec2" {
		return c.ReadinessEC2
	}
	return c.Readiness
}

// WithRetry sets the transient-failure retry policy.
func WithRetry(p RetryPolicy) Option { return func(c *Config) { c.Retry = p } }

// WithCredentials injects the provider that signs requests to IAM targets.
func WithCredentials(p aws.CredentialsProvider) Option { return func(c *Config) { c.Credentials = p } }

// WithRootCAs sets the pool that verifies https targets.
func WithRootCAs(pool *x509.CertPool) Option { return func(c *Config) { c.RootCAs = pool } }

// WithProgress registers a callback called as each check finishes.
func WithProgress(f func(Result)) Option { return func(c *Config) { c.OnResult = f } }

// WithOrigin sets the Origin sent in CORS preflights.
func WithOrigin(origin string) Option { return func(c *Config) { c.Origin = origin } }

// WithPayloadBytes sets the size of the round-trip upload.
func WithPayloadBytes(n int) Option { return func(c *Config) { c.PayloadBytes = n } }

// WithExpectVersion overrides the appVersion output.
func WithExpectVersion(v string) Option { return func(c *Config) { c.ExpectVersion = v } }

// resolve layers defaults, then stack outputs, then explicit options.
func resolve(o *Outputs, opts []Option) Config {
	c := DefaultConfig()
	if o.HealthPath != "" {
		c.HealthPath = o.HealthPath
	}
	if o.AdminKeyHeader != "" {
		c.AdminKeyHeader = o.AdminKeyHeader
	}
	if o.UploadTokenHeader != "" {
		c.UploadTokenHeader = o.UploadTokenHeader
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	return c
}
