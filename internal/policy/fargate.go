package policy

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

const (
	fgSGType        = "aws:ec2/securityGroup:SecurityGroup"
	fgSGIngressType = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	fgSGEgressType  = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	fgSGRuleType    = "aws:ec2/securityGroupRule:SecurityGroupRule" // the older rule resource
	fgTaskDefType   = "aws:ecs/taskDefinition:TaskDefinition"
	fgLogGroupType  = "aws:cloudwatch/logGroup:LogGroup"
	fgWebPorts      = "80 and 443"
)

func init() {
	classify(map[string]string{
		fgSGType:                           "tags",
		fgSGIngressType:                    "tags",
		fgSGEgressType:                     "tags",
		fgSGRuleType:                       "", // no tags argument
		"aws:lb/loadBalancer:LoadBalancer": "tags",
		"aws:lb/targetGroup:TargetGroup":   "tags",
		"aws:lb/listener:Listener":         "tags",
		"aws:lb/listenerRule:ListenerRule": "tags",
		"aws:ecs/cluster:Cluster":          "tags",
		"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "",
		fgTaskDefType:                                        "tags",
		"aws:ecs/service:Service":                            "tags",
		"aws:iam/role:Role":                                  "tags",
		"aws:iam/rolePolicy:RolePolicy":                      "",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":  "",
		fgLogGroupType:                                       "tags",
		"aws:ssm/parameter:Parameter":                        "tags",
		"aws:appautoscaling/target:Target":                   "tags",
		"aws:appautoscaling/scheduledAction:ScheduledAction": "",
	})
}

// SGInternetPorts: no security group, however its rules are written (inline
// ingress blocks, aws:vpc ingress rules or aws:ec2 security group rules),
// opens anything but TCP 80 and 443 to the whole internet (0.0.0.0/0 or ::/0).
var SGInternetPorts = Rule{Name: "sg-internet-ports", Check: checkSGInternetPorts}

// fgIngressRule is one ingress permission, whatever resource declared it.
type fgIngressRule struct {
	protocol string
	from, to int
	cidrs    []string
}

func checkSGInternetPorts(r *bench.Result) []Finding {
	var out []Finding
	for _, res := range r.Resources {
		var rules []fgIngressRule
		switch res.Type {
		case fgSGType:
			blocks, _ := res.Plain("ingress").([]any)
			for _, b := range blocks {
				m, _ := b.(map[string]any)
				rules = append(rules, fgIngressRule{
					protocol: fmt.Sprint(m["protocol"]), from: fgNum(m["fromPort"]), to: fgNum(m["toPort"]),
					cidrs: append(fgStrs(m["cidrBlocks"]), fgStrs(m["ipv6CidrBlocks"])...),
				})
			}
		case fgSGIngressType:
			rules = append(rules, fgIngressRule{
				protocol: res.Str("ipProtocol"), from: fgNum(res.Plain("fromPort")), to: fgNum(res.Plain("toPort")),
				cidrs: fgNonEmpty(res.Str("cidrIpv4"), res.Str("cidrIpv6")),
			})
		case fgSGRuleType:
			if res.Str("type") != "ingress" {
				continue
			}
			rules = append(rules, fgIngressRule{
				protocol: res.Str("protocol"), from: fgNum(res.Plain("fromPort")), to: fgNum(res.Plain("toPort")),
				cidrs: append(fgStrs(res.Plain("cidrBlocks")), fgStrs(res.Plain("ipv6CidrBlocks"))...),
			})
		default:
			continue
		}
		var problems []string
		for _, rule := range rules {
			for _, c := range rule.cidrs {
				if !fgAnywhere(c) {
					continue
				}
				if !fgWebPort(rule) {
					problems = append(problems, fmt.Sprintf("opens %s to %s; only TCP %s may face the internet", rule.describe(), c, fgWebPorts))
				}
			}
		}
		out = append(out, verdict(res, problems, "opens nothing but TCP "+fgWebPorts+" to the internet"))
	}
	return out
}

// anywhere reports whether a CIDR is the whole IPv4 or IPv6 internet.
func fgAnywhere(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

// webPort: exactly TCP 80 or exactly TCP 443.
func fgWebPort(r fgIngressRule) bool {
	tcp := strings.EqualFold(r.protocol, "tcp") || r.protocol == "6"
	return tcp && r.from == r.to && (r.from == 80 || r.from == 443)
}

func (r fgIngressRule) describe() string {
	switch {
	case r.protocol == "-1" || strings.EqualFold(r.protocol, "all"):
		return "all traffic"
	case r.from == r.to:
		return fmt.Sprintf("%s %d", r.protocol, r.from)
	default:
		return fmt.Sprintf("%s %d-%d", r.protocol, r.from, r.to)
	}
}

// ContainerLogsRetention: every ECS container sends its output with the
// awslogs driver to a log group this program creates with a retention, so
// logs exist, expire, and disappear with the stack.
var ContainerLogsRetention = Rule{Name: "container-logs-retention", Check: checkContainerLogs}

func checkContainerLogs(r *bench.Result) []Finding {
	retention := map[string]int{} // log group name -> days (0: never expires)
	for _, lg := range r.OfType(fgLogGroupType) {
		name := lg.Str("name")
		if name == "" {
			if v, ok := lg.State["name"]; ok && v.IsString() {
				name = v.StringValue()
			}
		}
		retention[name] = fgNum(lg.Plain("retentionInDays"))
	}
	var out []Finding
	for _, td := range r.OfType(fgTaskDefType) {
		var defs []struct {
			Name             string `json:"name"`
			LogConfiguration *struct {
				LogDriver string            `json:"logDriver"`
				Options   map[string]string `json:"options"`
			} `json:"logConfiguration"`
		}
		var problems []string
		if err := json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs); err != nil {
			problems = append(problems, "containerDefinitions is not readable JSON")
		}
		for _, d := range defs {
			lc := d.LogConfiguration
			switch {
			case lc == nil:
				problems = append(problems, fmt.Sprintf("container %s has no logConfiguration", d.Name))
			case lc.LogDriver != "awslogs":
				problems = append(problems, fmt.Sprintf("container %s logs with %q, not awslogs", d.Name, lc.LogDriver))
			default:
				group := lc.Options["awslogs-group"]
				days, ok := retention[group]
				switch {
				case group == "":
					problems = append(problems, fmt.Sprintf("container %s names no awslogs-group", d.Name))
				case !ok:
					problems = append(problems, fmt.Sprintf("container %s logs to %s, which this stack does not create (ECS would create it without retention)", d.Name, group))
				case days <= 0:
					problems = append(problems, fmt.Sprintf("log group %s of container %s has no retention", group, d.Name))
				}
				if lc.Options["awslogs-create-group"] == "true" {
					problems = append(problems, fmt.Sprintf("container %s sets awslogs-create-group", d.Name))
				}
			}
		}
		if len(defs) == 0 && len(problems) == 0 {
			problems = append(problems, "no container definitions")
		}
		out = append(out, verdict(td, problems, "every container logs with awslogs to a group with retention"))
	}
	return out
}

// num reads a JSON-ish number (float64 from property values), 0 otherwise.
func fgNum(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// strs reads a list of strings, skipping anything else.
func fgStrs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func fgNonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
