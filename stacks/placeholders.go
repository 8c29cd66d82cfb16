package stacks

import "strings"

// Pulumi.prod.yaml ships placeholders for the operator's own domain and
// hosted zone (example.com can never be anyone's zone). Without this check a
// preview passes clean and silent and the operator learns at `up`, at the
// first Route 53 record; prod refuses them at load instead, naming both keys.

// placeholderDomains are the names reserved for documentation (RFC 2606
// section 3): no one can own a zone under them.
var placeholderDomains = []string{"example.com", "example.net", "example.org"}

// OfflineDomain and OfflineHostedZoneID stand in for prod's placeholders in
// the offline tools (internal/bench, the plan), which say so, as they do for
// secrets: ".invalid" never resolves (RFC 2606 section 2).
const (
	OfflineDomain       = "send.offline-plan.invalid"
	OfflineHostedZoneID = "Z0OFFLINEPLAN"
)

// PlaceholderProblem says why value of key is a placeholder, or "".
func PlaceholderProblem(key, value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	switch key {
	case "domain":
		for _, d := range placeholderDomains {
			if under(v, d) {
				return d + " is reserved for documentation (RFC 2606) and can be no one's zone"
			}
		}
	case "hostedZoneId":
		if strings.Contains(v, "placeholder") {
			return "the committed placeholder, not a zone of your account"
		}
	}
	return ""
}

// PlaceholderKeys are the keys prod refuses placeholders for, with the command
// that sets each.
var PlaceholderKeys = []struct{ Key, Fix string }{
	{"domain", "`pulumi config set domain send.<your-domain>`"},
	{"hostedZoneId", "`pulumi config set hostedZoneId <Z... from aws route53 list-hosted-zones-by-name>`"},
}

// refusePlaceholders fails prod's load for each placeholder left in place.
func refusePlaceholders(r *reader, env Environment, d DomainConfig) {
	if !env.Prod() {
		return
	}
	values := map[string]string{"domain": d.Domain, "hostedZoneId": d.HostedZoneID}
	for _, k := range PlaceholderKeys {
		if p := PlaceholderProblem(k.Key, values[k.Key]); p != "" {
			r.fail(k.Key, values[k.Key], "a placeholder in prod (%s): set your own before any preview or up: %s; or set domain and hostedZoneId to \"\" and bring certificates (fargateCertificateArn, ec2TlsCertificateParameter)", p, k.Fix)
		}
	}
}
