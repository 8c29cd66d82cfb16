package reachability

import (
	"bytes"
	"fmt"
	"net/url"
	"os/exec"
	"regexp"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

// EC2: the instance's public address (Amazon EC2 User Guide, "Elastic IP
// addresses": an EIP associated with the instance is its public IPv4
// address), its security groups (VPC rules, sg.go), then what nginx listens
// on and where it proxies: the config the instance writes, rendered here by
// running the user data itself in its `nginx` mode (components/ec2/install.sh),
// and the port uvicorn binds, from its `unit` mode.

const (
	tInstance = "aws:ec2/instance:Instance"
	tEIP      = "aws:ec2/eip:Eip"
)

var (
	listenRe = regexp.MustCompile(`(?m)^\s*listen\s+(\[::\]:)?(\d+)(\s+ssl)?\s*;`)
	proxyRe  = regexp.MustCompile(`proxy_pass\s+http://127\.0\.0\.1:(\d+)`)
	bindRe   = regexp.MustCompile(`uvicorn .*--host 127\.0\.0\.1 --port (\d+)`)
	headerRe = regexp.MustCompile(`(?m)^SGRAPH_SEND_(DOMAIN|TLS_PARAMETER|ACME_SERVER)='([^']*)'`)
)

func ec2Path(g *Graph, key string, u *url.URL) Path {
	p := Path{Runtime: "ec2", Endpoint: key, URL: u.String(), Client: "ipv4"}
	t := &trace{&p}
	host, prt := u.Hostname(), port(u)
	inst, eip, dns := g.instanceFor(host)
	if inst == nil && u.Port() != "" {
		// A name with a port: the rehearsal's loopback stand-in (see fargate.go).
		if inst, eip, dns = g.instanceFor(u.Host); inst != nil {
			prt = port(&url.URL{Scheme: u.Scheme, Host: host})
		}
	}
	if inst == nil {
		t.fail("dns", "%s", dns)
		return p
	}
	t.ok("dns", "%s", dns)
	if eip == nil {
		if b, _ := inst.Get("associatePublicIpAddress").(bool); !b {
			t.fail("public address", "instance %s has no Elastic IP and no public IP: unreachable from the internet", inst.Name)
			return p
		}
	}
	t.ok("public address", "instance %s has a public IPv4 address", inst.Name)
	groups := inst.Strs("vpcSecurityGroupIds")
	if r := g.allows(groups, false, prt, source{family: "ipv4"}); r == "" {
		t.fail("instance ingress", "nginx is the entry on %d, SG %s has no ingress on %d from 0.0.0.0/0", prt, g.groupNames(groups), prt)
		return p
	} else {
		t.ok("instance ingress", "SG rule %s admits 0.0.0.0/0 on %d", r, prt)
	}
	ud, err := userData(inst)
	if err != nil {
		t.fail("nginx", "instance %s: %v", inst.Name, err)
		return p
	}
	conf, err := renderMode(ud, "nginx")
	if err != nil {
		t.fail("nginx", "rendering instance %s's nginx config: %v", inst.Name, err)
		return p
	}
	listens := false
	for _, m := range listenRe.FindAllStringSubmatch(conf, -1) {
		if m[1] == "" && num(m[2]) == prt && (m[3] != "") == (u.Scheme == "https") {
			listens = true
		}
	}
	if !listens {
		t.fail("nginx", "the rendered nginx config has no `listen %d%s` for %s", prt, map[bool]string{true: " ssl"}[u.Scheme == "https"], u.Scheme)
		return p
	}
	t.ok("nginx", "nginx listens on %d (%s)", prt, u.Scheme)
	if u.Scheme == "https" && !ec2Certificate(t, ud, host) {
		return p
	}
	proxy := proxyRe.FindStringSubmatch(conf)
	unit, err := renderMode(ud, "unit")
	if err != nil {
		t.fail("upstream", "rendering instance %s's app unit: %v", inst.Name, err)
		return p
	}
	bind := bindRe.FindStringSubmatch(unit)
	switch {
	case proxy == nil:
		t.fail("upstream", "nginx proxies to no loopback port")
	case bind == nil:
		t.fail("upstream", "the app unit binds no loopback port")
	case proxy[1] != bind[1]:
		t.fail("upstream", "nginx proxies to 127.0.0.1:%s, the app listens on 127.0.0.1:%s", proxy[1], bind[1])
	default:
		t.ok("upstream", "nginx proxies to 127.0.0.1:%s, where uvicorn listens", proxy[1])
		t.ok("back", "security groups are stateful: the response returns the way the request came")
	}
	return p
}

// ec2Certificate: with a domain, the ACME certificate is for that name; with
// a TLS parameter it is the operator's; without either, self-signed.
func ec2Certificate(t *trace, ud, host string) bool {
	h := map[string]string{}
	for _, m := range headerRe.FindAllStringSubmatch(ud, -1) {
		h[m[1]] = m[2]
	}
	switch {
	case h["TLS_PARAMETER"] != "":
		t.assumed("certificate", "certificate from SSM %s: that it covers %s is not provable offline", h["TLS_PARAMETER"], host)
	case h["DOMAIN"] != "":
		if !covers(h["DOMAIN"], host) {
			return t.fail("certificate", "certbot asks for %s, the URL's host is %s", h["DOMAIN"], host)
		}
		t.ok("certificate", "certbot gets a certificate for %s from %s (DNS-01: no port 80 needed)", h["DOMAIN"], h["ACME_SERVER"])
	default:
		t.assumed("certificate", "self-signed certificate for %s: clients must skip verification", host)
	}
	return true
}

// instanceFor finds the instance a host name leads to: its (or its EIP's)
// public DNS name, or a Route 53 A record holding the EIP's address.
func (g *Graph) instanceFor(host string) (*Node, *Node, string) {
	for _, inst := range g.OfType(tInstance) {
		var eip *Node
		for _, e := range g.OfType(tEIP) {
			if e.Str("instance") == inst.ID || e.Str("instance") == inst.Str("id") {
				eip = e
			}
		}
		names := []string{inst.Str("publicDns")}
		ips := []string{inst.Str("publicIp")}
		if eip != nil {
			names, ips = append(names, eip.Str("publicDns")), append(ips, eip.Str("publicIp"))
		}
		for _, n := range names {
			if n != "" && strings.EqualFold(n, host) {
				return inst, eip, fmt.Sprintf("%s is instance %s's public name", host, inst.Name)
			}
		}
		if r := g.record(host, "A"); r != nil {
			for _, ip := range r.Strs("records") {
				if ip != "" && contains(ips, ip) {
					return inst, eip, fmt.Sprintf("A record %s → %s, instance %s's address", r.Name, ip, inst.Name)
				}
			}
			return nil, nil, fmt.Sprintf("A record %s for %s holds %v, not instance %s's address %v", r.Name, host, r.Strs("records"), inst.Name, ips)
		}
	}
	return nil, nil, fmt.Sprintf("no instance is named %s and no A record points it at one", host)
}

// userData is the instance's script as cloud-init reads it: the gzipped
// userDataBase64 the component writes, or plain userData.
func userData(inst *Node) (string, error) {
	if b := inst.Str("userDataBase64"); b != "" {
		return ec2.DecodeUserData(b)
	}
	if s := inst.Str("userData"); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("no user data")
}

// renderMode runs the user data in one of its print-only modes (they change
// nothing; see install.sh) with an empty environment.
func renderMode(script, mode string) (string, error) {
	cmd := exec.Command("bash", "-s", mode)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("bash -s %s: %v: %s", mode, err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}
