package stacks

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/components/lambdapair"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// LambdaConfig sizes and guards the Lambda pair.
type LambdaConfig struct {
	MemoryMb                  int
	TimeoutSeconds            int
	Architecture              string
	AdminReservedConcurrency  int // -1 unreserved, 0 switched off, else reserved
	PublicReservedConcurrency int
	AdminInvokers             []string // IAM ARNs allowed to call the admin URL
}

var lambdaTarget = target{name: "lambda", usesImage: true, load: loadLambda, deploy: deployLambda}

func loadLambda(r *reader, c *Config) {
	l := LambdaConfig{
		MemoryMb:                  r.integer("lambdaMemoryMb", lambdapair.MinMemoryMb, lambdapair.MaxMemoryMb),
		TimeoutSeconds:            r.integer("lambdaTimeoutSeconds", lambdapair.MinTimeoutSeconds, lambdapair.MaxTimeoutSeconds),
		Architecture:              r.str("lambdaArchitecture"),
		AdminReservedConcurrency:  r.integer("lambdaAdminReservedConcurrency", lambdapair.Unreserved, lambdapair.MaxReservedConcurrency),
		PublicReservedConcurrency: r.integer("lambdaPublicReservedConcurrency", lambdapair.Unreserved, lambdapair.MaxReservedConcurrency),
		AdminInvokers:             r.list("lambdaAdminInvokers"),
	}
	switch {
	case l.Architecture == "arm64":
		r.fail("lambdaArchitecture", l.Architecture, "the shared image is built for linux/amd64 only; use x86_64 until the image build produces an arm64 variant")
	case !slices.Contains(lambdapair.Architectures, l.Architecture):
		r.fail("lambdaArchitecture", l.Architecture, "allowed: %s", strings.Join(lambdapair.Architectures, ", "))
	}
	seen := map[string]bool{}
	for _, arn := range l.AdminInvokers {
		if !lambdapair.ValidInvoker(arn) {
			r.fail("lambdaAdminInvokers", arn, "not an IAM ARN; use arn:aws:iam::<12-digit account>:role/<name>, :user/<name> or :root")
		} else if seen[arn] {
			r.fail("lambdaAdminInvokers", arn, "listed twice")
		}
		seen[arn] = true
	}
	validateLambdaExtras(r, c, l) // aws_validate.go
	c.Lambda = l
}

func deployLambda(ctx *pulumi.Context, c *Config, s *shared) (exports, error) {
	l := c.Lambda
	size := func(reserved int) lambdapair.Sizing {
		return lambdapair.Sizing{MemoryMb: l.MemoryMb, TimeoutSeconds: l.TimeoutSeconds,
			Architecture: l.Architecture, ReservedConcurrency: reserved}
	}
	pair, err := lambdapair.NewPair(ctx, c.Name("lambda"), &lambdapair.PairArgs{
		AdminName:        c.Name("admin"),
		PublicName:       c.Name("public"),
		AdminRuntime:     c.runtime(appspec.AdminAPI, s.s3Storage()),
		PublicRuntime:    c.runtime(appspec.UserAPI, s.s3Storage()),
		ImageRef:         s.ImageRef,
		BucketArn:        s.BucketArn,
		AdminSizing:      size(l.AdminReservedConcurrency),
		PublicSizing:     size(l.PublicReservedConcurrency),
		AdminInvokers:    l.AdminInvokers,
		LogRetentionDays: c.LogRetentionDays,
		RetainLogs:       c.Environment.Prod(),
		Tags:             pulumi.ToStringMap(c.Tags),
		// A rollback moves each live alias to an earlier version, nothing else.
		AdminRollbackVersion:  string(c.Rollback.LambdaAdminVersion),
		PublicRollbackVersion: string(c.Rollback.LambdaPublicVersion),
	})
	if err != nil {
		return nil, err
	}
	return exports{
		outputs.LambdaAdminURL:           pair.AdminURL,
		outputs.LambdaPublicURL:          pair.PublicURL,
		outputs.LambdaAdminFunctionName:  pair.AdminFunctionName,
		outputs.LambdaPublicFunctionName: pair.PublicFunctionName,
		outputs.LambdaAdminVersion:       pair.AdminVersion,
		outputs.LambdaPublicVersion:      pair.PublicVersion,
	}, nil
}
