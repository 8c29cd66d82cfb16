package iamcheck_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/iamcheck"
)

func run(t *testing.T, stack string) *bench.Result {
	return bench.MustRun(t, bench.Options{Stack: stack, Placeholders: true})
}

func TestRolesOnRealStacks(t *testing.T) {
	for _, tc := range []struct {
		stack string
		roles int
	}{{"dev", 5}, {"prod", 5}, {"local", 2}} {
		t.Run(tc.stack, func(t *testing.T) {
			roles := iamcheck.Check(run(t, tc.stack))
			require.NoError(t, iamcheck.Errs(roles))
			assert.Len(t, roles, tc.roles)
			for _, r := range roles {
				t.Logf("%+v", r)
			}
		})
	}
}

const policyType = "aws:iam/rolePolicy:RolePolicy"

// edit rewrites one inline policy's document.
func edit(name, from, to string) func(t *testing.T, r *bench.Result) {
	return func(t *testing.T, r *bench.Result) {
		p := r.MustFind(t, policyType, name)
		doc := p.Str("policy")
		require.Contains(t, doc, from)
		p.Inputs["policy"] = resource.NewProperty(strings.Replace(doc, from, to, 1))
	}
}

// Each missing or surplus grant fails naming the role and the action.
func TestRolesCatchMissingAndSurplus(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(t *testing.T, r *bench.Result)
		want   string
	}{
		{"task role without ListBucket", edit("sgraph-send-prod-fargate-task-bucket", `"s3:ListBucket"`, `"s3:ListBucketVersions"`),
			"ecs task role sgraph-send-prod-fargate-task: missing s3:ListBucket on arn:aws:s3:::sgraph-send-prod-storage-20c51d3 (HeadBucket at start"},
		{"task role deletes again", edit("sgraph-send-prod-fargate-task-bucket", `"s3:PutObject"`, `"s3:PutObject","s3:DeleteObject"`),
			"ecs task role sgraph-send-prod-fargate-task: surplus s3:DeleteObject on arn:aws:s3:::sgraph-send-prod-storage-20c51d3/*"},
		{"task role on every bucket", edit("sgraph-send-prod-fargate-task-bucket", `"arn:aws:s3:::sgraph-send-prod-storage-20c51d3/*"`, `"arn:aws:s3:::*/*"`),
			"surplus s3:GetObject on arn:aws:s3:::*/*"},
		{"public function without PutObject", edit("sgraph-send-prod-public", `"s3:GetObject","s3:PutObject"`, `"s3:GetObject"`),
			"lambda public role sgraph-send-prod-public: missing s3:PutObject"},
		{"public function with s3:*", edit("sgraph-send-prod-public", `"s3:GetObject"`, `"s3:*"`),
			"lambda public role sgraph-send-prod-public: surplus s3:* on arn:aws:s3:::sgraph-send-prod-storage-20c51d3/* (from sgraph-send-prod-public; broader than what the runtime calls)"},
		{"admin function without its logs", edit("sgraph-send-prod-admin", `"logs:PutLogEvents"`, `"logs:GetLogEvents"`),
			"lambda admin role sgraph-send-prod-admin: missing logs:PutLogEvents"},
		{"execution role reads other secrets", edit("sgraph-send-prod-fargate-execution-secrets", `parameter/sgraph-send/prod/fargate/SGRAPH_SEND__ACCESS_TOKEN`, `parameter/sgraph-send/prod/*`),
			"ecs execution role sgraph-send-prod-fargate-execution: surplus ssm:GetParameters on arn:aws:ssm:eu-west-2:123456789012:parameter/sgraph-send/prod/*"},
		{"execution role cannot pull", edit("sgraph-send-prod-fargate-execution", `"ecr:BatchGetImage",`, ``),
			"ecs execution role sgraph-send-prod-fargate-execution: missing ecr:BatchGetImage"},
		{"execution role pulls every repository", edit("sgraph-send-prod-fargate-execution", `repository/sgraph-send-prod"`, `repository/*"`),
			"ecr:BatchGetImage on arn:aws:ecr:eu-west-2:123456789012:repository/* (from sgraph-send-prod-fargate-execution; broader than what the runtime calls)"},
		{"execution role with a managed policy again", func(t *testing.T, r *bench.Result) {
			r.Resources = append(r.Resources, &bench.Resource{Type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", Name: "sgraph-send-prod-fargate-execution-managed",
				Inputs: resource.PropertyMap{
					"role":      resource.NewProperty("sgraph-send-prod-fargate-execution-64c2b80"),
					"policyArn": resource.NewProperty("arn:aws:iam::aws:policy/AdministratorAccess"),
				}})
		}, "surplus <every action of arn:aws:iam::aws:policy/AdministratorAccess>"},
		{"public function reads another function's secret", edit("sgraph-send-prod-public", `parameter/sgraph-send-prod-public/`, `parameter/`),
			"lambda public role sgraph-send-prod-public: "},
		{"instance reads no secret", edit("sgraph-send-prod-ec2", `"ssm:GetParameter"`, `"ssm:DescribeParameters"`),
			"ec2 instance role sgraph-send-prod-ec2: missing ssm:GetParameter on arn:aws:ssm:eu-west-2:123456789012:parameter/sgraph-send/prod/ec2/SGRAPH_SEND__ACCESS_TOKEN (fetch_secrets)"},
		{"instance without its acme grant", func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool { return res.Name == "sgraph-send-prod-ec2-acme" })
		}, "missing route53:ChangeResourceRecordSets on arn:aws:route53:::hostedzone/Z0OFFLINEPLAN"},
		{"instance ships no logs", edit("sgraph-send-prod-ec2-logs", `"logs:CreateLogStream",`, ``),
			"missing logs:CreateLogStream on arn:aws:logs:eu-west-2:123456789012:log-group:/sgraph-send/prod/ec2:log-stream:*"},
		{"instance may list every bucket", edit("sgraph-send-prod-ec2", `"s3:ListBucket"`, `["s3:ListBucket","s3:ListAllMyBuckets"]`),
			"surplus s3:ListAllMyBuckets"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "prod")
			require.NoError(t, iamcheck.Errs(iamcheck.Check(r)))
			tc.break_(t, r)
			err := iamcheck.Errs(iamcheck.Check(r))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
