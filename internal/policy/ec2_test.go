package policy_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	ec2Instance = "aws:ec2/instance:Instance"
	ec2SG       = "aws:ec2/securityGroup:SecurityGroup"
	ec2IBInfra  = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"
	ec2IBRecipe = "aws:imagebuilder/imageRecipe:ImageRecipe"
)

// ec2Run runs a real stack with the ec2 target (and its bake) on.
func ec2Run(t *testing.T, stack string) *bench.Result {
	return bench.MustRun(t, bench.Options{Stack: stack, Set: map[string]string{"targets": `["ec2"]`, "ec2BakeAmi": "true"}})
}

// ec2Set replaces the input at a dotted path of objects (creating them).
func ec2Set(res *bench.Resource, path string, v resource.PropertyValue) {
	keys := strings.Split(path, ".")
	m := res.Inputs
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[resource.PropertyKey(k)]
		if !ok || !next.IsObject() {
			next = resource.NewObjectProperty(resource.PropertyMap{})
			m[resource.PropertyKey(k)] = next
		}
		m = next.ObjectValue()
	}
	m[resource.PropertyKey(keys[len(keys)-1])] = v
}

func TestEC2HardeningPassesRealStacks(t *testing.T) {
	for _, stack := range bench.Stacks {
		r := ec2Run(t, stack)
		fs := policy.Evaluate(r, policy.EC2Hardening)
		assert.Empty(t, policy.Failed(fs), stack)
		assert.GreaterOrEqual(t, len(fs), 4, "instance, security group, recipe and infrastructure checked")
	}
}

func TestEC2HardeningCatchesViolations(t *testing.T) {
	str := resource.NewProperty[string]
	num := resource.NewProperty[float64]
	sshRule := func(proto string, from, to float64, cidr string) resource.PropertyValue {
		return resource.NewObjectProperty(resource.PropertyMap{
			"protocol": str(proto), "fromPort": num(from), "toPort": num(to),
			"cidrBlocks": resource.NewArrayProperty([]resource.PropertyValue{str(cidr)}),
		})
	}
	addIngress := func(t *testing.T, r *bench.Result, rule resource.PropertyValue) {
		sg := r.One(t, ec2SG)
		in := sg.Inputs["ingress"].ArrayValue()
		sg.Inputs["ingress"] = resource.NewArrayProperty(append(append([]resource.PropertyValue(nil), in...), rule))
	}
	cases := []struct {
		name   string
		token  string
		want   string
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"IMDSv1 allowed", ec2Instance, "httpTokens", func(t *testing.T, r *bench.Result) {
			ec2Set(r.One(t, ec2Instance), "metadataOptions.httpTokens", str("optional"))
		}},
		{"no metadata options at all", ec2Instance, "httpTokens", func(t *testing.T, r *bench.Result) {
			delete(r.One(t, ec2Instance).Inputs, "metadataOptions")
		}},
		{"hop limit too high", ec2Instance, "HopLimit", func(t *testing.T, r *bench.Result) {
			ec2Set(r.One(t, ec2Instance), "metadataOptions.httpPutResponseHopLimit", num(5))
		}},
		{"root volume unencrypted", ec2Instance, "encrypted", func(t *testing.T, r *bench.Result) {
			ec2Set(r.One(t, ec2Instance), "rootBlockDevice.encrypted", resource.NewProperty(false))
		}},
		{"root volume encryption unset", ec2Instance, "encrypted", func(t *testing.T, r *bench.Result) {
			delete(r.One(t, ec2Instance).Inputs, "rootBlockDevice")
		}},
		{"SSH key pair", ec2Instance, "keyName", func(t *testing.T, r *bench.Result) {
			r.One(t, ec2Instance).Inputs["keyName"] = str("ops")
		}},
		{"SSH open to the world", ec2SG, "SSH", func(t *testing.T, r *bench.Result) { addIngress(t, r, sshRule("tcp", 22, 22, "0.0.0.0/0")) }},
		{"SSH inside a port range", ec2SG, "SSH", func(t *testing.T, r *bench.Result) { addIngress(t, r, sshRule("tcp", 0, 1024, "10.0.0.0/8")) }},
		{"all traffic in", ec2SG, "SSH", func(t *testing.T, r *bench.Result) { addIngress(t, r, sshRule("-1", 0, 0, "0.0.0.0/0")) }},
		{"build instance IMDSv1", ec2IBInfra, "httpTokens", func(t *testing.T, r *bench.Result) {
			ec2Set(r.One(t, ec2IBInfra), "instanceMetadataOptions.httpTokens", str("optional"))
		}},
		{"baked volume unencrypted", ec2IBRecipe, "encrypted", func(t *testing.T, r *bench.Result) {
			recipe := r.One(t, ec2IBRecipe)
			m := recipe.Inputs["blockDeviceMappings"].ArrayValue()[0].ObjectValue()
			m["ebs"].ObjectValue()["encrypted"] = str("false")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ec2Run(t, "dev")
			tc.break_(t, r)
			failed := policy.Failed(policy.Evaluate(r, policy.EC2Hardening))
			require.Len(t, failed, 1, "exactly the broken resource fails")
			assert.Equal(t, "ec2-hardening", failed[0].Rule)
			assert.True(t, strings.HasPrefix(failed[0].Resource, tc.token+"::"), failed[0].Resource)
			assert.Contains(t, failed[0].Message, tc.want)
		})
	}
}

// TestEC2HardeningOtherRuleShapes: SSH opened through separate rule resources
// (as other targets use) is caught too, while rules from a security group are not.
func TestEC2HardeningOtherRuleShapes(t *testing.T) {
	str := resource.NewProperty[string]
	num := resource.NewProperty[float64]
	r := &bench.Result{Resources: []*bench.Resource{
		{Type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", Name: "open", Custom: true, Inputs: resource.PropertyMap{
			"ipProtocol": str("tcp"), "fromPort": num(22), "toPort": num(22), "cidrIpv4": str("0.0.0.0/0")}},
		{Type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", Name: "from-lb", Custom: true, Inputs: resource.PropertyMap{
			"ipProtocol": str("-1"), "referencedSecurityGroupId": str("sg-1")}},
		{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Name: "legacy", Custom: true, Inputs: resource.PropertyMap{
			"type": str("ingress"), "protocol": str("tcp"), "fromPort": num(20), "toPort": num(30),
			"cidrBlocks": resource.NewArrayProperty([]resource.PropertyValue{str("0.0.0.0/0")})}},
		{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Name: "egress", Custom: true, Inputs: resource.PropertyMap{
			"type": str("egress"), "protocol": str("-1"), "fromPort": num(0), "toPort": num(0),
			"cidrBlocks": resource.NewArrayProperty([]resource.PropertyValue{str("0.0.0.0/0")})}},
	}}
	var failed []string
	for _, f := range policy.Failed(policy.Evaluate(r, policy.EC2Hardening)) {
		failed = append(failed, f.Resource)
	}
	assert.ElementsMatch(t, []string{
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::open",
		"aws:ec2/securityGroupRule:SecurityGroupRule::legacy",
	}, failed)
}
