package reachability

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Egress: each runtime reaches the APIs it calls over HTTPS (443) on their
// public endpoints. What the graph expresses, and the documents modelled:
// - Amazon VPC User Guide, "Default VPCs": default subnets route 0.0.0.0/0 to
//   the internet gateway; an instance or task there reaches the internet when
//   it has a public IPv4 address. Private subnets need a NAT gateway or VPC
//   endpoints; this program creates neither, so those paths are "assumed".
// - Amazon ECS Developer Guide, "Fargate task networking": a task in a public
//   subnet needs assignPublicIp to pull its image (ECR API, registry, and the
//   layers in S3), fetch secrets (SSM / Secrets Manager) and ship awslogs.
// - AWS Lambda Developer Guide, "Connecting outbound networking": a function
//   not attached to a VPC has internet access managed by Lambda.
// - Cloud Run, "Direct VPC egress" / "Serverless VPC Access": with no VPC
//   egress configured, Google APIs and the internet are reached directly.
// - Let's Encrypt, "Challenge Types": DNS-01 needs the ACME API (443) and the
//   DNS provider's API, no inbound port.
// Credentials come from link-local metadata endpoints (169.254.169.254,
// 169.254.170.2), which security groups never filter: no STS call is made.

func egressPaths(g *Graph) []Path {
	var out []Path
	for _, svc := range g.OfType(tService) {
		out = append(out, fargateEgress(g, svc))
	}
	for _, inst := range g.OfType(tInstance) {
		out = append(out, ec2Egress(g, inst))
	}
	for _, fn := range g.OfType(tFunction) {
		p := Path{Runtime: "lambda", Endpoint: "egress", URL: fn.Str("name")}
		t := &trace{&p}
		if len(fn.Strs("vpcConfig.subnetIds")) > 0 {
			t.assumed("route", "function %s is attached to a VPC: it needs a NAT gateway or VPC endpoints, not in this stack", fn.Name)
		} else {
			t.ok("route", "function %s runs outside any VPC: Lambda provides internet access", fn.Name)
		}
		for _, s := range lambdaNeeds(fn) {
			t.ok("egress "+s, "%s over Lambda's managed network", s)
		}
		out = append(out, p)
	}
	for _, svc := range g.OfType(tRunService) {
		p := Path{Runtime: "cloudrun", Endpoint: "egress", URL: svc.Str("name")}
		t := &trace{&p}
		if e := svc.Str("template.vpcAccess.egress"); e == "ALL_TRAFFIC" {
			t.assumed("route", "all egress goes through the VPC: Google APIs need Private Google Access or Cloud NAT there")
		} else {
			t.ok("route", "no VPC egress: Google APIs reached directly")
		}
		out = append(out, p)
	}
	return out
}

func fargateEgress(g *Graph, svc *Node) Path {
	p := Path{Runtime: "fargate", Endpoint: "egress", URL: svc.Str("name")}
	t := &trace{&p}
	if b, _ := svc.Get("networkConfiguration.assignPublicIp").(bool); b {
		t.ok("route", "service %s's tasks get a public IP in the default VPC's subnets (route to the internet gateway)", svc.Name)
	} else {
		t.assumed("route", "service %s's tasks have no public IP: their subnets need a NAT gateway or VPC endpoints for every service below (not in this stack)", svc.Name)
	}
	groups := svc.Strs("networkConfiguration.securityGroups")
	td := g.byRef(tTaskDef, svc.Str("taskDefinition"))
	if td == nil {
		t.fail("needs", "service %s's task definition is not in the stack", svc.Name)
		return p
	}
	for _, s := range taskNeeds(td) {
		if r := g.allows(groups, true, 443, source{family: "ipv4"}); r == "" {
			t.fail("egress "+s, "tasks' SG %s has no egress on 443 to 0.0.0.0/0: %s is unreachable", g.groupNames(groups), s)
			return p
		} else {
			t.ok("egress "+s, "SG rule %s lets the tasks reach %s on 443", r, s)
		}
	}
	return p
}

// taskNeeds lists what a task calls at start and per request.
func taskNeeds(td *Node) []string {
	var defs []struct {
		Image       string `json:"image"`
		Environment []struct {
			Name, Value string
		} `json:"environment"`
		Secrets []struct {
			ValueFrom string `json:"valueFrom"`
		} `json:"secrets"`
		LogConfiguration struct {
			LogDriver string `json:"logDriver"`
		} `json:"logConfiguration"`
	}
	_ = json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs)
	need := map[string]bool{}
	for _, d := range defs {
		if strings.Contains(d.Image, ".dkr.ecr.") {
			need["ECR (api, registry, layers in S3)"] = true
		}
		for _, s := range d.Secrets {
			switch {
			case strings.HasPrefix(s.ValueFrom, "arn:aws:ssm:"):
				need["SSM"] = true
			case strings.HasPrefix(s.ValueFrom, "arn:aws:secretsmanager:"):
				need["Secrets Manager"] = true
			}
		}
		for _, e := range d.Environment {
			if e.Name == "SEND__STORAGE_MODE" && e.Value == "s3" {
				need["S3"] = true
			}
		}
		if d.LogConfiguration.LogDriver == "awslogs" {
			need["CloudWatch Logs"] = true
		}
	}
	return sorted(need)
}

func lambdaNeeds(fn *Node) []string {
	need := map[string]bool{"CloudWatch Logs": true}
	if strings.Contains(fn.Str("imageUri"), ".dkr.ecr.") {
		need["ECR (at deploy, by Lambda)"] = true
	}
	if fn.Str("environment.variables.SEND__STORAGE_MODE") == "s3" {
		need["S3"] = true
	}
	return sorted(need)
}

func ec2Egress(g *Graph, inst *Node) Path {
	p := Path{Runtime: "ec2", Endpoint: "egress", URL: inst.Name}
	t := &trace{&p}
	public, _ := inst.Get("associatePublicIpAddress").(bool)
	for _, e := range g.OfType(tEIP) {
		public = public || e.Str("instance") == inst.ID
	}
	if !public {
		t.fail("route", "instance %s has no public IP and the stack gives its subnet no NAT: it reaches nothing outside the VPC", inst.Name)
		return p
	}
	t.ok("route", "instance %s has a public IP in a default subnet (route to the internet gateway)", inst.Name)
	ud, _ := userData(inst)
	h := map[string]string{}
	for _, m := range headerRe.FindAllStringSubmatch(ud, -1) {
		h[m[1]] = m[2]
	}
	need := map[string]bool{"SSM (parameters, Session Manager)": true, "Amazon Linux repositories and PyPI (install at boot)": true}
	if strings.Contains(ud, "SEND__STORAGE_MODE=s3") {
		need["S3"] = true
	}
	if strings.Contains(ud, "SGRAPH_SEND_LOG_GROUP=") {
		need["CloudWatch Logs"] = true
	}
	if h["DOMAIN"] != "" {
		acme := h["ACME_SERVER"]
		if u, err := url.Parse(acme); err == nil {
			acme = u.Host
		}
		need[fmt.Sprintf("ACME %s and Route 53 (certbot DNS-01)", acme)] = true
	}
	groups := inst.Strs("vpcSecurityGroupIds")
	for _, s := range sorted(need) {
		if r := g.allows(groups, true, 443, source{family: "ipv4"}); r == "" {
			t.fail("egress "+s, "SG %s has no egress on 443 to 0.0.0.0/0: %s is unreachable", g.groupNames(groups), s)
			return p
		} else {
			t.ok("egress "+s, "SG rule %s lets the instance reach %s on 443", r, s)
		}
	}
	return p
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
