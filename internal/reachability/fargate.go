package reachability

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Application Load Balancer rules, from the Elastic Load Balancing User Guide
// for Application Load Balancers (docs.aws.amazon.com/elasticloadbalancing/latest/application):
// - "Listeners": a listener checks for connections on its port and protocol;
//   a port with no listener refuses the connection.
// - "Security groups for your Application Load Balancer": the load balancer's
//   groups must allow inbound traffic from clients on the listener port, and
//   outbound traffic to the targets on the instance listener (target) port.
// - "IP address types": an ipv4 load balancer answers IPv4 clients only;
//   dualstack ones answer IPv6 clients too.
// - "Listener rules" / "Rule action types": forward sends to a target group;
//   redirect answers 301/302 to #{protocol}://#{host}:#{port}/#{path} with
//   the parts it does not override kept, which the client then requests.
// - "SSL certificates": an HTTPS listener presents its certificate; a client
//   checks that it covers the host name it asked for.
// From the Amazon ECS Developer Guide, "Use load balancing to distribute Amazon
// ECS service traffic": with awsvpc networking the target type is ip and the
// service registers each task's IP on the container port named in its
// loadBalancers block; the task's security group must admit the load
// balancer on that port. ACM User Guide, "DNS validation": a certificate is
// issued only once its CNAME validation record resolves.

const (
	tLB       = "aws:lb/loadBalancer:LoadBalancer"
	tListener = "aws:lb/listener:Listener"
	tRule     = "aws:lb/listenerRule:ListenerRule"
	tTG       = "aws:lb/targetGroup:TargetGroup"
	tService  = "aws:ecs/service:Service"
	tTaskDef  = "aws:ecs/taskDefinition:TaskDefinition"
	tCert     = "aws:acm/certificate:Certificate"
	tCertOK   = "aws:acm/certificateValidation:CertificateValidation"
	tRecord   = "aws:route53/record:Record"
)

func fargatePaths(g *Graph, key string, u *url.URL) []Path {
	host := u.Hostname()
	lb, dns := g.albFor(u.Host)
	if lb == nil {
		lb, dns = g.albFor(host)
	}
	// The rehearsal's fake providers name the load balancer after the
	// loopback server standing in for it ("127.0.0.1:39099"): the port is
	// part of that name, and the listener is still the scheme's.
	named := lb != nil && u.Port() != "" && strings.EqualFold(lb.Str("dnsName"), u.Host)
	if named {
		u = &url.URL{Scheme: u.Scheme, Host: host, Path: u.Path}
	}
	families := []string{"ipv4"}
	if lb != nil && strings.HasPrefix(lb.Str("ipAddressType"), "dualstack") {
		families = append(families, "ipv6")
	}
	urls := []*url.URL{u}
	if u.Scheme == "https" && lb != nil && g.listener(lb, 80) != nil {
		// A visitor typing the name gets the HTTP listener first.
		urls = append(urls, &url.URL{Scheme: "http", Host: host, Path: u.Path})
	}
	var out []Path
	for _, each := range urls {
		for _, fam := range families {
			p := Path{Runtime: "fargate", Endpoint: key, URL: each.String(), Client: fam}
			t := &trace{&p}
			if lb == nil {
				t.fail("dns", "%s", dns)
			} else {
				t.ok("dns", "%s", dns)
				g.walkListener(t, lb, each.Scheme, host, port(each), fam, 0)
			}
			out = append(out, p)
		}
	}
	return out
}

// albFor finds the load balancer a host name leads to: its own DNS name, or
// a Route 53 alias record of that name (Route 53 Developer Guide, "Routing
// traffic to an ELB load balancer": an alias A record answers the load
// balancer's addresses).
func (g *Graph) albFor(host string) (*Node, string) {
	for _, lb := range g.OfType(tLB) {
		if strings.EqualFold(lb.Str("dnsName"), host) {
			return lb, fmt.Sprintf("%s is load balancer %s's own name", host, lb.Name)
		}
	}
	for _, r := range g.OfType(tRecord) {
		if !strings.EqualFold(strings.TrimSuffix(r.Str("name"), "."), host) || r.Str("type") != "A" {
			continue
		}
		for _, lb := range g.OfType(tLB) {
			if strings.EqualFold(strings.TrimSuffix(r.Str("aliases[0].name"), "."), lb.Str("dnsName")) {
				return lb, fmt.Sprintf("alias A record %s → load balancer %s", r.Name, lb.Name)
			}
		}
		return nil, fmt.Sprintf("record %s for %s aliases no load balancer in the stack", r.Name, host)
	}
	return nil, fmt.Sprintf("no load balancer is named %s and no Route 53 A record points it at one", host)
}

func (g *Graph) listener(lb *Node, port int) *Node {
	for _, l := range g.OfType(tListener) {
		if l.Str("loadBalancerArn") == lb.Str("arn") && l.Num("port") == port {
			return l
		}
	}
	return nil
}

func (g *Graph) walkListener(t *trace, lb *Node, scheme, host string, port int, fam string, depth int) bool {
	if depth == 0 {
		if b, _ := lb.Get("internal").(bool); b {
			return t.fail("internet-facing", "load balancer %s is internal: no route from the internet", lb.Name)
		}
		t.ok("internet-facing", "load balancer %s is internet-facing (%s client)", lb.Name, fam)
	}
	l := g.listener(lb, port)
	if l == nil {
		return t.fail("listener", "no listener on %d on load balancer %s: the connection is refused", port, lb.Name)
	}
	if want := strings.ToUpper(scheme); l.Str("protocol") != want {
		return t.fail("listener", "listener %d speaks %s, the URL asks for %s", port, l.Str("protocol"), want)
	}
	t.ok("listener", "listener %s on %d/%s", l.Name, port, l.Str("protocol"))
	groups := lb.Strs("securityGroups")
	if r := g.allows(groups, false, port, source{family: fam}); r == "" {
		return t.fail("lb ingress", "listener %d exists, SG %s has no ingress on %d from %s", port, g.groupNames(groups), port, source{family: fam})
	} else {
		t.ok("lb ingress", "SG rule %s admits %s on %d", r, source{family: fam}, port)
	}
	if l.Str("protocol") == "HTTPS" && !g.certificate(t, l, host) {
		return false
	}
	// Rules first (each is a branch some requests take), then the default.
	for _, r := range g.OfType(tRule) {
		if r.Str("listenerArn") != l.Str("arn") {
			continue
		}
		for i := range r.List("actions") {
			if !g.action(t, lb, r, fmt.Sprintf("actions[%d]", i), "rule "+r.Name, scheme, host, port, fam, depth) {
				return false
			}
		}
	}
	if len(l.List("defaultActions")) == 0 {
		return t.fail("listener action", "listener %s has no default action", l.Name)
	}
	return g.action(t, lb, l, "defaultActions[0]", "listener "+l.Name, scheme, host, port, fam, depth)
}

// certificate: the HTTPS listener's certificate covers host and is issued.
func (g *Graph) certificate(t *trace, l *Node, host string) bool {
	arn := l.Str("certificateArn")
	if arn == "" {
		return t.fail("certificate", "HTTPS listener %s has no certificate", l.Name)
	}
	cert := g.byRef(tCert, arn)
	var valid *Node
	for _, v := range g.OfType(tCertOK) {
		if v.Str("certificateArn") == arn {
			valid = v
		}
	}
	if cert == nil {
		t.assumed("certificate", "certificate %s is brought by ARN: that it covers %s is not provable offline", arn, host)
		return true
	}
	names := append([]string{cert.Str("domainName")}, cert.Strs("subjectAlternativeNames")...)
	covered := false
	for _, n := range names {
		covered = covered || covers(n, host)
	}
	if !covered {
		return t.fail("certificate", "certificate %s names %v, not %s: browsers refuse the connection", cert.Name, names, host)
	}
	if cert.Str("validationMethod") == "DNS" {
		if valid == nil {
			return t.fail("certificate", "certificate %s is never validated (no CertificateValidation): ACM never issues it and the listener cannot use it", cert.Name)
		}
		for _, fqdn := range valid.Strs("validationRecordFqdns") {
			if g.record(fqdn, "CNAME") == nil {
				return t.fail("certificate", "certificate %s's validation record %s is not in the stack: ACM never issues it", cert.Name, fqdn)
			}
		}
	}
	t.ok("certificate", "certificate %s covers %s, validated by %s", cert.Name, host, cert.Str("validationMethod"))
	return true
}

func (g *Graph) record(name, typ string) *Node {
	for _, r := range g.OfType(tRecord) {
		if strings.EqualFold(strings.TrimSuffix(r.Str("name"), "."), strings.TrimSuffix(name, ".")) && r.Str("type") == typ {
			return r
		}
	}
	return nil
}

func (g *Graph) action(t *trace, lb, owner *Node, path, who, scheme, host string, port int, fam string, depth int) bool {
	switch typ := owner.Str(path + ".type"); typ {
	case "fixed-response":
		t.ok("listener action", "%s answers itself (fixed-response)", who)
		return true
	case "redirect":
		proto := strings.ToLower(owner.Str(path + ".redirect.protocol"))
		if proto == "" || proto == "#{protocol}" {
			proto = scheme
		}
		to := num(owner.Str(path + ".redirect.port"))
		if p := owner.Str(path + ".redirect.port"); p == "" || p == "#{port}" {
			to = port
		}
		if h := owner.Str(path + ".redirect.host"); h != "" && h != "#{host}" {
			t.assumed("redirect", "%s redirects to host %s, outside this load balancer", who, h)
			return true
		}
		if to == port && proto == scheme {
			t.ok("redirect", "%s redirects on the same listener (%s:%d)", who, proto, to)
			return true
		}
		if depth > 2 {
			return t.fail("redirect", "%s: redirect loop", who)
		}
		t.ok("redirect", "%s redirects to %s on %d", who, strings.ToUpper(proto), to)
		return g.walkListener(t, lb, proto, host, to, fam, depth+1)
	case "forward":
		arn := owner.Str(path + ".targetGroupArn")
		if arn == "" {
			arn = owner.Str(path + ".forward.targetGroups[0].arn")
		}
		tg := g.byRef(tTG, arn)
		if tg == nil {
			return t.fail("listener action", "%s forwards to target group %q, which is not in the stack", who, arn)
		}
		t.ok("listener action", "%s forwards to target group %s", who, tg.Name)
		return g.targets(t, lb, tg)
	default:
		return t.fail("listener action", "%s has action %q, which this model does not know", who, typ)
	}
}

// targets: the ECS service behind a target group, its security group and
// the container port.
func (g *Graph) targets(t *trace, lb, tg *Node) bool {
	if p := tg.Str("protocol"); p != "HTTP" && p != "HTTPS" {
		return t.fail("target group", "target group %s speaks %q; the app serves HTTP", tg.Name, p)
	}
	if tg.Str("targetType") != "ip" {
		return t.fail("target group", "target group %s has target type %q; Fargate tasks (awsvpc) register by ip", tg.Name, tg.Str("targetType"))
	}
	var svc *Node
	var container string
	cport := -1
	for _, s := range g.OfType(tService) {
		for i := range s.List("loadBalancers") {
			p := fmt.Sprintf("loadBalancers[%d].", i)
			if s.Str(p+"targetGroupArn") == tg.Str("arn") {
				svc, container, cport = s, s.Str(p+"containerName"), s.Num(p+"containerPort")
			}
		}
	}
	if svc == nil {
		return t.fail("target group", "no ECS service registers tasks in target group %s: it has no targets (503)", tg.Name)
	}
	t.ok("target group", "target group %s (%s/%d), service %s registers container %s on %d", tg.Name, tg.Str("protocol"), tg.Num("port"), svc.Name, container, cport)
	if hp := tg.Str("healthCheck.port"); hp != "" && hp != "traffic-port" && num(hp) != cport {
		// The ELB guide asks the SGs to pass the health check port both ways
		// too; the program uses traffic-port, so another port is a mistake.
		return t.fail("health check", "target group %s checks health on %s, the container serves %d: no SG rule and no listener in the task answer there, every target turns unhealthy", tg.Name, hp, cport)
	}
	lbGroups, taskGroups := lb.Strs("securityGroups"), svc.Strs("networkConfiguration.securityGroups")
	found := ""
	for _, tsg := range taskGroups {
		if found = g.allows(lbGroups, true, cport, source{group: tsg}); found != "" {
			break
		}
	}
	if found == "" {
		return t.fail("lb egress", "SG %s has no egress to the tasks' SG %s on %d", g.groupNames(lbGroups), g.groupNames(taskGroups), cport)
	}
	t.ok("lb egress", "SG rule %s lets the load balancer reach the tasks on %d", found, cport)
	found = ""
	for _, lsg := range lbGroups {
		if found = g.allows(taskGroups, false, cport, source{group: lsg}); found != "" {
			break
		}
	}
	if found == "" {
		return t.fail("task ingress", "tasks' SG %s has no ingress on %d from the load balancer's SG %s", g.groupNames(taskGroups), cport, g.groupNames(lbGroups))
	}
	t.ok("task ingress", "SG rule %s admits the load balancer on %d", found, cport)
	td := g.byRef(tTaskDef, svc.Str("taskDefinition"))
	if td == nil {
		for _, n := range g.OfType(tTaskDef) {
			if strings.HasPrefix(svc.Str("taskDefinition"), n.Str("arnWithoutRevision")) && n.Str("arnWithoutRevision") != "" {
				td = n
			}
		}
	}
	if td == nil {
		return t.fail("container port", "service %s runs task definition %q, which is not in the stack", svc.Name, svc.Str("taskDefinition"))
	}
	var defs []struct {
		Name         string `json:"name"`
		PortMappings []struct {
			ContainerPort int `json:"containerPort"`
		} `json:"portMappings"`
	}
	if err := json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs); err != nil {
		return t.fail("container port", "task definition %s: container definitions unreadable: %v", td.Name, err)
	}
	for _, d := range defs {
		if d.Name != container {
			continue
		}
		for _, m := range d.PortMappings {
			if m.ContainerPort == cport {
				t.ok("container port", "container %s of %s maps port %d", container, td.Name, cport)
				t.ok("back", "security groups are stateful: the response returns the way the request came")
				return true
			}
		}
		return t.fail("container port", "container %s of %s maps no port %d: the load balancer's connections are refused", container, td.Name, cport)
	}
	return t.fail("container port", "task definition %s has no container %s", td.Name, container)
}
