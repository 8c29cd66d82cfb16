package reachability

import (
	"strconv"
	"strings"
)

// Security groups, as the Amazon VPC User Guide describes them ("Security
// group rules", "Security groups" in docs.aws.amazon.com/vpc/latest/userguide):
// - rules only allow; traffic no rule allows is dropped;
// - a rule names a protocol (tcp, or -1 for all protocols and all ports), a
//   port range, and a source: an IPv4 CIDR, an IPv6 CIDR or another security
//   group (then it admits traffic from network interfaces in that group);
// - groups are stateful: the response to an allowed request is allowed back
//   whatever the rules say, so "back" needs no rule of its own;
// - IPv4 and IPv6 are separate rules: 0.0.0.0/0 admits no IPv6 client.
// Rules come from aws:vpc/securityGroupIngressRule / EgressRule resources,
// aws:ec2/securityGroupRule resources, and the groups' inline blocks.

// source is who a request comes from or goes to.
type source struct {
	family string // ipv4, ipv6: from (or to) anywhere on the internet
	group  string // a security group id
}

func (s source) String() string {
	if s.group != "" {
		return "security group " + s.group
	}
	if s.family == "ipv6" {
		return "::/0"
	}
	return "0.0.0.0/0"
}

type sgRule struct {
	name                 string
	group                string
	egress               bool
	protocol             string
	from, to             int
	cidrs4, cidrs6, refs []string
}

func (g *Graph) sgRules() []sgRule {
	var out []sgRule
	for _, n := range g.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		out = append(out, standalone(n, false))
	}
	for _, n := range g.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		out = append(out, standalone(n, true))
	}
	for _, n := range g.OfType("aws:ec2/securityGroupRule:SecurityGroupRule") {
		r := sgRule{name: n.Name, group: n.Str("securityGroupId"), egress: n.Str("type") == "egress",
			protocol: n.Str("protocol"), from: n.Num("fromPort"), to: n.Num("toPort"),
			cidrs4: n.Strs("cidrBlocks"), cidrs6: n.Strs("ipv6CidrBlocks")}
		if s := n.Str("sourceSecurityGroupId"); s != "" {
			r.refs = []string{s}
		}
		out = append(out, r)
	}
	for _, sg := range g.OfType("aws:ec2/securityGroup:SecurityGroup") {
		for _, dir := range []string{"ingress", "egress"} {
			for i := range sg.List(dir) {
				p := dir + "[" + strconv.Itoa(i) + "]."
				out = append(out, sgRule{name: sg.Name + " inline " + dir, group: sg.ID, egress: dir == "egress",
					protocol: sg.Str(p + "protocol"), from: sg.Num(p + "fromPort"), to: sg.Num(p + "toPort"),
					cidrs4: sg.Strs(p + "cidrBlocks"), cidrs6: sg.Strs(p + "ipv6CidrBlocks"), refs: sg.Strs(p + "securityGroups")})
			}
		}
	}
	return out
}

func standalone(n *Node, egress bool) sgRule {
	r := sgRule{name: n.Name, group: n.Str("securityGroupId"), egress: egress, protocol: n.Str("ipProtocol"),
		from: n.Num("fromPort"), to: n.Num("toPort")}
	if c := n.Str("cidrIpv4"); c != "" {
		r.cidrs4 = []string{c}
	}
	if c := n.Str("cidrIpv6"); c != "" {
		r.cidrs6 = []string{c}
	}
	if s := n.Str("referencedSecurityGroupId"); s != "" {
		r.refs = []string{s}
	}
	return r
}

func (r sgRule) admitsPort(port int) bool {
	switch strings.ToLower(r.protocol) {
	case "-1", "all":
		return true // all protocols means all ports
	case "tcp", "6":
		return r.from <= port && port <= r.to
	}
	return false
}

func (r sgRule) admits(s source) bool {
	switch {
	case s.group != "":
		return contains(r.refs, s.group)
	case s.family == "ipv6":
		return contains(r.cidrs6, "::/0")
	default:
		return contains(r.cidrs4, "0.0.0.0/0")
	}
}

// allows finds a rule of one of groups, in direction egress or not, that
// admits tcp on port from (or to) s; "" when none does.
func (g *Graph) allows(groups []string, egress bool, port int, s source) string {
	for _, r := range g.sgRules() {
		if r.egress == egress && contains(groups, r.group) && r.admitsPort(port) && r.admits(s) {
			return r.name
		}
	}
	return ""
}

// groupNames names security groups for messages (logical names, else ids).
func (g *Graph) groupNames(ids []string) string {
	var names []string
	for _, id := range ids {
		if sg := g.byRef("aws:ec2/securityGroup:SecurityGroup", id); sg != nil {
			names = append(names, sg.Name)
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}
