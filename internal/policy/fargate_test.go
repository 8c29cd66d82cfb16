package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	fgIngress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	fgSG      = "aws:ec2/securityGroup:SecurityGroup"
	fgTaskDef = "aws:ecs/taskDefinition:TaskDefinition"
	fgLogs    = "aws:cloudwatch/logGroup:LogGroup"
	fgCertArn = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d"
)

// fargateRun runs a real stack with the fargate target on, HTTPS included.
func fargateRun(t *testing.T, stack string) *bench.Result {
	set := map[string]string{"targets": `["fargate"]`, "prebuiltImage": bench.PrebuiltImage, "fargateCertificateArn": fgCertArn}
	if stack != "prod" {
		// A brought certificate needs the name it covers; prod's domain gives it one.
		set["fargateDomainName"] = "send.example.com"
	}
	return bench.MustRun(t, bench.Options{Stack: stack, Set: set})
}

// fgEditContainer rewrites the task definition's container definition.
func fgEditContainer(t *testing.T, r *bench.Result, edit func(c map[string]any)) {
	t.Helper()
	td := r.MustFind(t, fgTaskDef, "sgraph-send-dev-fargate")
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
	edit(defs[0])
	b, err := json.Marshal(defs)
	require.NoError(t, err)
	td.Inputs["containerDefinitions"] = resource.NewProperty(string(b))
}

func TestFargateRulesPassOnRealStacks(t *testing.T) {
	for _, stack := range bench.Stacks {
		r := fargateRun(t, stack)
		for _, rule := range []policy.Rule{policy.SGInternetPorts, policy.ContainerLogsRetention} {
			fs := policy.Evaluate(r, rule)
			assert.Empty(t, policy.Failed(fs), "%s/%s", stack, rule.Name)
			assert.NotEmpty(t, fs)
			checked := 0
			for _, f := range fs {
				if f.Resource != "" {
					checked++
				}
			}
			assert.Positive(t, checked, "%s looked at resources", rule.Name)
		}
	}
}

func TestFargateRulesCatchViolations(t *testing.T) {
	const tasksFromALB, albHTTPv4, albHTTPv6 = "sgraph-send-dev-fargate-tasks-from-alb", "sgraph-send-dev-fargate-alb-80-ipv4", "sgraph-send-dev-fargate-alb-80-ipv6"
	str := resource.NewProperty[string]
	num := func(n float64) resource.PropertyValue { return resource.NewProperty(n) }
	cases := []struct {
		name   string
		rule   policy.Rule
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"tasks opened to the internet", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			in := r.MustFind(t, fgIngress, tasksFromALB).Inputs
			delete(in, "referencedSecurityGroupId")
			in["cidrIpv4"] = str("0.0.0.0/0")
		}},
		{"ssh from anywhere", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			in := r.MustFind(t, fgIngress, albHTTPv4).Inputs
			in["fromPort"], in["toPort"] = num(22), num(22)
		}},
		{"port range spanning 80..443", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, fgIngress, albHTTPv4).Inputs["toPort"] = num(443)
		}},
		{"udp 443 over ipv6", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			in := r.MustFind(t, fgIngress, albHTTPv6).Inputs
			in["ipProtocol"], in["fromPort"], in["toPort"] = str("udp"), num(443), num(443)
		}},
		{"all traffic from ::/0", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, fgIngress, albHTTPv6).Inputs["ipProtocol"] = str("-1")
		}},
		{"inline ingress block", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			r.MustFind(t, fgSG, "sgraph-send-dev-fargate-tasks").Inputs["ingress"] = resource.NewProperty([]resource.PropertyValue{
				resource.NewProperty(resource.NewPropertyMapFromMap(map[string]any{
					"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidrBlocks": []any{"0.0.0.0/0"},
				})),
			})
		}},
		{"legacy security group rule", policy.SGInternetPorts, func(t *testing.T, r *bench.Result) {
			r.Resources = append(r.Resources, &bench.Resource{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Name: "rdp", Custom: true,
				Inputs: resource.NewPropertyMapFromMap(map[string]any{
					"type": "ingress", "protocol": "tcp", "fromPort": 3389, "toPort": 3389, "ipv6CidrBlocks": []any{"::/0"},
				})})
		}},
		{"container logs to a group the stack does not create", policy.ContainerLogsRetention, func(t *testing.T, r *bench.Result) {
			var kept []*bench.Resource
			for _, res := range r.Resources {
				if res.Type != fgLogs {
					kept = append(kept, res)
				}
			}
			r.Resources = kept
		}},
		{"log group without retention", policy.ContainerLogsRetention, func(t *testing.T, r *bench.Result) {
			delete(r.MustFind(t, fgLogs, "sgraph-send-dev-fargate").Inputs, "retentionInDays")
		}},
		{"not awslogs", policy.ContainerLogsRetention, func(t *testing.T, r *bench.Result) {
			fgEditContainer(t, r, func(c map[string]any) { c["logConfiguration"].(map[string]any)["logDriver"] = "json-file" })
		}},
		{"no log configuration", policy.ContainerLogsRetention, func(t *testing.T, r *bench.Result) {
			fgEditContainer(t, r, func(c map[string]any) { delete(c, "logConfiguration") })
		}},
		{"another log group", policy.ContainerLogsRetention, func(t *testing.T, r *bench.Result) {
			fgEditContainer(t, r, func(c map[string]any) {
				c["logConfiguration"].(map[string]any)["options"].(map[string]any)["awslogs-group"] = "/ecs/elsewhere"
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := fargateRun(t, "dev")
			require.Empty(t, policy.Failed(policy.Evaluate(r, tc.rule)), "passes before the change")
			tc.break_(t, r)
			failed := policy.Failed(policy.Evaluate(r, tc.rule))
			require.NotEmpty(t, failed, "%s must catch it", tc.rule.Name)
			for _, f := range failed {
				assert.Equal(t, tc.rule.Name, f.Rule)
				assert.NotEmpty(t, f.Message)
			}
		})
	}
}

func TestSGInternetPortsAllowsPrivateRanges(t *testing.T) {
	r := fargateRun(t, "dev")
	in := r.MustFind(t, fgIngress, "sgraph-send-dev-fargate-tasks-from-alb").Inputs
	delete(in, "referencedSecurityGroupId")
	in["cidrIpv4"] = resource.NewProperty("172.31.0.0/16")
	fs := policy.Failed(policy.Evaluate(r, policy.SGInternetPorts))
	assert.Empty(t, fs, "the VPC's own range is not the internet")
	for _, f := range policy.Evaluate(r, policy.SGInternetPorts) {
		assert.False(t, strings.Contains(f.Message, "172.31"), f.Message)
	}
}
