package policy

import (
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

const (
	instanceType      = "aws:ec2/instance:Instance"
	securityGroupType = "aws:ec2/securityGroup:SecurityGroup"
	sgRuleType        = "aws:ec2/securityGroupRule:SecurityGroupRule"
	sgIngressRuleType = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	ibInfraType       = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"
	ibRecipeType      = "aws:imagebuilder/imageRecipe:ImageRecipe"
)

func init() {
	classify(map[string]string{
		instanceType:                    "tags",
		securityGroupType:               "tags",
		"aws:iam/role:Role":             "tags",
		"aws:iam/rolePolicy:RolePolicy": "",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": "",
		"aws:iam/instanceProfile:InstanceProfile":           "tags",
		"aws:ssm/parameter:Parameter":                       "tags",
		"aws:imagebuilder/component:Component":              "tags",
		ibRecipeType:                                        "tags",
		ibInfraType:                                         "tags",
		"aws:imagebuilder/image:Image":                      "tags",
	})
}

// EC2Hardening: instances (and Image Builder's build instances) require
// IMDSv2 and encrypt their root volume, no instance carries an SSH key pair,
// and no security group admits SSH from the network (Session Manager instead).
var EC2Hardening = Rule{Name: "ec2-hardening", Check: checkEC2}

func checkEC2(r *bench.Result) []Finding {
	var out []Finding
	for _, res := range r.OfType(instanceType) {
		var problems []string
		if t := res.Str("metadataOptions.httpTokens"); t != "required" {
			problems = append(problems, fmt.Sprintf("metadataOptions.httpTokens is %q, not \"required\" (IMDSv2)", t))
		}
		if hop, ok := res.Plain("metadataOptions.httpPutResponseHopLimit").(float64); ok && hop > 2 {
			problems = append(problems, fmt.Sprintf("metadataOptions.httpPutResponseHopLimit is %v; keep it 1 or 2", hop))
		}
		if enc, _ := res.Plain("rootBlockDevice.encrypted").(bool); !enc {
			problems = append(problems, "rootBlockDevice.encrypted is not true")
		}
		if key := res.Str("keyName"); key != "" {
			problems = append(problems, fmt.Sprintf("keyName %q: no SSH key pairs, use Session Manager", key))
		}
		out = append(out, verdict(res, problems, "IMDSv2 required, root volume encrypted, no SSH key"))
	}
	for _, res := range r.OfType(ibInfraType) {
		var problems []string
		if t := res.Str("instanceMetadataOptions.httpTokens"); t != "required" {
			problems = append(problems, fmt.Sprintf("instanceMetadataOptions.httpTokens is %q, not \"required\" (IMDSv2)", t))
		}
		if key := res.Str("keyPair"); key != "" {
			problems = append(problems, fmt.Sprintf("keyPair %q: no SSH key pairs on build instances", key))
		}
		out = append(out, verdict(res, problems, "build instances require IMDSv2, no SSH key"))
	}
	for _, res := range r.OfType(ibRecipeType) {
		var problems []string
		mappings, _ := res.Plain("blockDeviceMappings").([]any)
		if len(mappings) == 0 {
			problems = append(problems, "no blockDeviceMappings: the baked AMI's root volume encryption is not set")
		}
		for i, m := range mappings {
			ebs, _ := m.(map[string]any)["ebs"].(map[string]any)
			if fmt.Sprint(ebs["encrypted"]) != "true" {
				problems = append(problems, fmt.Sprintf("blockDeviceMappings[%d].ebs.encrypted is not true", i))
			}
		}
		out = append(out, verdict(res, problems, "baked AMI volumes encrypted"))
	}
	for _, res := range r.OfType(securityGroupType) {
		var problems []string
		ingress, _ := res.Plain("ingress").([]any)
		for i, raw := range ingress {
			rule, _ := raw.(map[string]any)
			open := hasAny(rule, "cidrBlocks", "ipv6CidrBlocks", "prefixListIds")
			if open && coversSSH(fmt.Sprint(rule["protocol"]), rule["fromPort"], rule["toPort"]) {
				problems = append(problems, fmt.Sprintf("ingress[%d] admits SSH (port 22) from the network; use Session Manager", i))
			}
		}
		out = append(out, verdict(res, problems, "no SSH ingress"))
	}
	for _, res := range r.OfType(sgRuleType) {
		if res.Str("type") != "ingress" {
			continue
		}
		var problems []string
		open := hasAny(bench.PlainMap(res.Inputs, false), "cidrBlocks", "ipv6CidrBlocks", "prefixListIds")
		if open && coversSSH(res.Str("protocol"), res.Plain("fromPort"), res.Plain("toPort")) {
			problems = append(problems, "admits SSH (port 22) from the network; use Session Manager")
		}
		out = append(out, verdict(res, problems, "no SSH ingress"))
	}
	for _, res := range r.OfType(sgIngressRuleType) {
		var problems []string
		open := res.Str("cidrIpv4") != "" || res.Str("cidrIpv6") != "" || res.Str("prefixListId") != ""
		if open && coversSSH(res.Str("ipProtocol"), res.Plain("fromPort"), res.Plain("toPort")) {
			problems = append(problems, "admits SSH (port 22) from the network; use Session Manager")
		}
		out = append(out, verdict(res, problems, "no SSH ingress"))
	}
	return out
}

// coversSSH reports whether a rule with this protocol and port range admits TCP 22.
func coversSSH(protocol string, from, to any) bool {
	switch protocol {
	case "-1", "all":
		return true
	case "tcp", "6":
	default:
		return false
	}
	lo, okLo := from.(float64)
	hi, okHi := to.(float64)
	if !okLo || !okHi {
		return true // unknown range: assume the worst
	}
	return lo <= 22 && 22 <= hi
}

func hasAny(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if l, ok := m[k].([]any); ok && len(l) > 0 {
			return true
		}
	}
	return false
}
