package stacks

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// shared is what the stack builds once and every target may consume. Targets
// only read it, so they never depend on each other and deploy in parallel.
type shared struct {
	BucketName  pulumi.StringOutput
	BucketArn   pulumi.StringOutput
	ImageRef    pulumi.StringOutput // ECR image, digest form (repo@sha256:...)
	GcpImageRef pulumi.StringOutput // Artifact Registry copy, digest form
	// watch is what targets hand the alarms (stacks/ops.go) beyond their exports.
	watch watched
}

// exports are stack outputs keyed by the names in package outputs.
type exports map[string]pulumi.Input

// target is one deployment target: it reads and validates its own config keys
// (only when switched on) and registers its component. Adding a target means
// writing its file in stacks/ and one line in targets below.
type target struct {
	name string
	// usesImage says the target runs the shared container image.
	usesImage bool
	// usesGcpImage says the target needs the Artifact Registry copy.
	usesGcpImage bool
	load         func(r *reader, c *Config)
	deploy       func(ctx *pulumi.Context, c *Config, s *shared) (exports, error)
}

// targets lists every deployment target in the order they are composed.
var targets = []target{lambdaTarget, fargateTarget, ec2Target, cloudRunTarget}

func targetByName(name string) (target, bool) {
	for _, t := range targets {
		if t.name == name {
			return t, true
		}
	}
	return target{}, false
}

func targetNames() []string {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.name
	}
	sort.Strings(names)
	return names
}

// needsImage reports whether any enabled target runs the container image.
func (c *Config) needsImage() bool {
	for _, t := range targets {
		if c.On(t.name) && t.usesImage {
			return true
		}
	}
	return false
}

// needsGcpImage reports whether any enabled target needs the Artifact Registry copy.
func (c *Config) needsGcpImage() bool {
	for _, t := range targets {
		if c.On(t.name) && t.usesGcpImage {
			return true
		}
	}
	return false
}
