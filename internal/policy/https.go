package policy

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

const (
	httpsALBType      = "aws:lb/loadBalancer:LoadBalancer"
	httpsListenerType = "aws:lb/listener:Listener"
	httpsRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	acmeStagingHost   = "acme-staging-v02.api.letsencrypt.org"
	// The keys an operator sets to give an endpoint a trusted certificate.
	fargateCertKeys = "set domain and hostedZoneId (a managed ACM certificate), or fargateCertificateArn"
	ec2CertKeys     = "set domain and hostedZoneId (a Let's Encrypt certificate by DNS-01), or ec2TlsCertificateParameter"
)

func init() {
	classify(map[string]string{
		"aws:acm/certificate:Certificate":                     "tags",
		"aws:acm/certificateValidation:CertificateValidation": "",
		"aws:route53/record:Record":                           "",
		"aws:ec2/eip:Eip":                                     "tags",
	})
}

// ProdHTTPS: in prod every internet-facing endpoint the program terminates
// itself (the Fargate ALB, the EC2 instance's nginx) serves HTTPS with a
// publicly trusted certificate: the upload token and the admin key must never
// cross the internet in clear or to a server the client cannot verify. Dev may
// serve HTTP or a self-signed certificate; the finding says so.
var ProdHTTPS = Rule{Name: "prod-https", Check: checkProdHTTPS}

func checkProdHTTPS(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	judge := func(res *bench.Resource, problems []string, keys, ok string) Finding {
		switch {
		case len(problems) == 0:
			return pass(res, ok)
		case prod:
			return fail(res, joinProblems(problems)+"; "+keys)
		default:
			return pass(res, "dev, flagged: "+joinProblems(problems)+"; prod would fail: "+keys)
		}
	}
	var out []Finding
	for _, alb := range r.OfType(httpsALBType) {
		if internal, _ := alb.Plain("internal").(bool); internal {
			continue
		}
		out = append(out, judge(alb, albHTTPSProblems(r, alb), fargateCertKeys,
			"HTTPS on 443 with a certificate and a TLS 1.3 policy; port 80 only redirects to it"))
	}
	for _, inst := range r.OfType(instanceType) {
		if public, _ := inst.Plain("associatePublicIpAddress").(bool); !public {
			continue
		}
		out = append(out, judge(inst, instanceTLSProblems(InstanceUserData(inst)), ec2CertKeys,
			"nginx serves a publicly trusted certificate (SSM or ACME production)"))
	}
	return out
}

// albHTTPSProblems: the ALB has an HTTPS listener with a certificate and a
// TLS 1.3 policy, and no HTTP listener that forwards instead of redirecting.
func albHTTPSProblems(r *bench.Result, alb *bench.Resource) []string {
	arn := ""
	if v, ok := alb.State["arn"]; ok && v.IsString() {
		arn = v.StringValue()
	}
	var problems []string
	https := false
	for _, l := range r.OfType(httpsListenerType) {
		if l.Str("loadBalancerArn") != arn {
			continue
		}
		switch strings.ToUpper(l.Str("protocol")) {
		case "HTTPS":
			switch {
			case l.Str("certificateArn") == "":
				problems = append(problems, fmt.Sprintf("listener %s has no certificate", l.Name))
			case !strings.Contains(l.Str("sslPolicy"), "TLS13"):
				problems = append(problems, fmt.Sprintf("listener %s uses %q, not a TLS 1.3 policy", l.Name, l.Str("sslPolicy")))
			case !hstsYear(l.Str("routingHttpResponseStrictTransportSecurityHeaderValue")):
				problems = append(problems, fmt.Sprintf("listener %s sends no HSTS of at least a year (routingHttpResponseStrictTransportSecurityHeaderValue %q)",
					l.Name, l.Str("routingHttpResponseStrictTransportSecurityHeaderValue")))
			default:
				https = true
			}
		case "HTTP":
			if !redirectsToHTTPS(l) {
				problems = append(problems, fmt.Sprintf("listener %s serves plain HTTP instead of redirecting to HTTPS", l.Name))
			}
		}
	}
	if !https {
		problems = append(problems, "no HTTPS listener with a certificate")
	}
	return problems
}

func redirectsToHTTPS(l *bench.Resource) bool {
	actions, _ := l.Plain("defaultActions").([]any)
	for _, a := range actions {
		m, _ := a.(map[string]any)
		redirect, _ := m["redirect"].(map[string]any)
		if m["type"] != "redirect" || !strings.EqualFold(fmt.Sprint(redirect["protocol"]), "HTTPS") {
			return false
		}
	}
	return len(actions) > 0
}

// instanceTLSProblems reads the rendered boot script's header: a certificate
// from SSM, or an ACME certificate from a CA other than Let's Encrypt staging.
func instanceTLSProblems(userData string) []string {
	header := map[string]string{}
	for _, line := range strings.Split(userData, "\n") {
		name, value, ok := strings.Cut(line, "=")
		if ok && strings.HasPrefix(name, "SGRAPH_SEND_") {
			header[strings.TrimPrefix(name, "SGRAPH_SEND_")] = strings.Trim(value, "'")
		}
	}
	switch {
	case header["TLS_PARAMETER"] != "":
		return nil
	case header["DOMAIN"] == "":
		return []string{"nginx serves a self-signed certificate"}
	case header["ACME_SERVER"] == "" || strings.Contains(header["ACME_SERVER"], acmeStagingHost):
		return []string{"the ACME certificate comes from Let's Encrypt staging, which no client trusts (ec2AcmeServer)"}
	}
	return nil
}

// AcmeRecordScope: a role allowed to change Route 53 records may change only
// ACME challenge TXT records (UPSERT/DELETE) of named records in one zone:
// the internet-facing instance must not be able to repoint the domain.
var AcmeRecordScope = Rule{Name: "acme-record-scope", Check: checkAcmeRecordScope}

func checkAcmeRecordScope(r *bench.Result) []Finding {
	var out []Finding
	for _, p := range r.OfType(httpsRolePolicy) {
		var doc struct {
			Statement []map[string]any
		}
		if err := json.Unmarshal([]byte(p.Str("policy")), &doc); err != nil {
			continue // other rules judge unreadable documents
		}
		var problems []string
		touches := false
		for _, st := range doc.Statement {
			if st["Effect"] != "Allow" || !grantsRecordChange(st["Action"]) {
				continue
			}
			touches = true
			problems = append(problems, recordChangeProblems(st)...)
		}
		if touches {
			out = append(out, verdict(p, problems, "changes only _acme-challenge TXT records of named names in one zone"))
		}
	}
	return out
}

func grantsRecordChange(action any) bool {
	for _, a := range anyStrings(action) {
		a = strings.ToLower(a)
		if a == "*" || a == "route53:*" || a == "route53:changeresourcerecordsets" || (strings.HasPrefix(a, "route53:change") && strings.HasSuffix(a, "*")) {
			return true
		}
	}
	return false
}

func recordChangeProblems(st map[string]any) []string {
	var problems []string
	for _, res := range anyStrings(st["Resource"]) {
		if !strings.Contains(res, ":route53:::hostedzone/") || strings.HasSuffix(res, "*") {
			problems = append(problems, fmt.Sprintf("record changes on %q, not one hosted zone", res))
		}
	}
	cond, _ := st["Condition"].(map[string]any)
	all, _ := cond["ForAllValues:StringEquals"].(map[string]any)
	names := anyStrings(all["route53:ChangeResourceRecordSetsNormalizedRecordNames"])
	if len(names) == 0 {
		problems = append(problems, "no route53:ChangeResourceRecordSetsNormalizedRecordNames condition: any record of the zone may change")
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "_acme-challenge.") || strings.ContainsAny(n, "*?") {
			problems = append(problems, fmt.Sprintf("may change record %q, not only an _acme-challenge name", n))
		}
	}
	if types := anyStrings(all["route53:ChangeResourceRecordSetsRecordTypes"]); len(types) != 1 || types[0] != "TXT" {
		problems = append(problems, fmt.Sprintf("record types %v, want only TXT", types))
	}
	for _, a := range anyStrings(all["route53:ChangeResourceRecordSetsActions"]) {
		if a != "UPSERT" && a != "DELETE" {
			problems = append(problems, fmt.Sprintf("allows the %s action", a))
		}
	}
	if len(anyStrings(all["route53:ChangeResourceRecordSetsActions"])) == 0 {
		problems = append(problems, "no route53:ChangeResourceRecordSetsActions condition")
	}
	return problems
}

// anyStrings reads an IAM "string or list of strings" value.
func anyStrings(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// hstsYear reports whether a Strict-Transport-Security value pins HTTPS for
// at least a year (max-age in seconds).
func hstsYear(v string) bool {
	for _, part := range strings.Split(v, ";") {
		if age, ok := strings.CutPrefix(strings.TrimSpace(strings.ToLower(part)), "max-age="); ok {
			n, err := strconv.Atoi(age)
			return err == nil && n >= 31536000
		}
	}
	return false
}
