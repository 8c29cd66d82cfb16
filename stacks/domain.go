package stacks

import (
	"regexp"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
)

// DomainConfig is the stack's DNS name and the Route 53 zone that holds it.
// With both set, the program turns each terminating target's name into a
// publicly trusted certificate and a DNS record by itself.
type DomainConfig struct {
	Domain       string // e.g. send.example.org; "" switches managed names off
	HostedZoneID string // the public Route 53 zone holding Domain, e.g. Z0123456789ABCDEFGHIJ
}

// On reports whether the program manages names and certificates.
func (d DomainConfig) On() bool { return d.Domain != "" }

// ACME directories for the EC2 certificate: Let's Encrypt's staging endpoint
// issues untrusted certificates with generous rate limits (dev), production
// issues trusted ones with strict limits (prod).
const (
	AcmeStaging    = ec2.AcmeStaging
	AcmeProduction = ec2.AcmeProduction
)

var (
	// A label: 1-63 lowercase letters, digits and hyphens, no hyphen at either end.
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// Route 53 hosted zone ids: Z and up to 31 uppercase letters and digits.
	hostedZoneID = regexp.MustCompile(`^Z[0-9A-Z]{1,31}$`)
	tldLabel     = regexp.MustCompile(`^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$`)
)

// dnsNameProblem says what is wrong with a fully qualified DNS name, or "".
func dnsNameProblem(name string) string {
	switch {
	case name == "":
		return "empty"
	case name != strings.ToLower(name):
		return "must be lowercase"
	case strings.HasSuffix(name, "."):
		return "drop the trailing dot"
	case len(name) > 253:
		return "longer than 253 characters"
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return "needs at least two labels, like send.example.org"
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return "label " + quote(l) + " is not 1-63 letters, digits and inner hyphens"
		}
	}
	if !tldLabel.MatchString(labels[len(labels)-1]) {
		return "the last label must be a top-level domain (letters, or xn--)"
	}
	return ""
}

// under reports whether name is domain itself or a name below it.
func under(name, domain string) bool {
	return name == domain || strings.HasSuffix(name, "."+domain)
}

// loadDomain reads domain and hostedZoneId: both or neither.
func loadDomain(r *reader) DomainConfig {
	d := DomainConfig{
		Domain:       strings.TrimSpace(r.str("domain")),
		HostedZoneID: strings.TrimSpace(r.str("hostedZoneId")),
	}
	if d.Domain != "" {
		if p := dnsNameProblem(d.Domain); p != "" {
			r.fail("domain", d.Domain, "not a DNS name: %s; e.g. `pulumi config set domain send.example.org`, or \"\" for no managed names", p)
		}
	}
	if d.HostedZoneID != "" && !hostedZoneID.MatchString(d.HostedZoneID) {
		r.fail("hostedZoneId", d.HostedZoneID, "not a Route 53 hosted zone id (Z and 1-31 uppercase letters or digits, e.g. Z0123456789ABCDEFGHIJ, from `aws route53 list-hosted-zones-by-name`); no /hostedzone/ prefix")
	}
	switch {
	case d.Domain != "" && d.HostedZoneID == "":
		r.fail("hostedZoneId", "", "domain %s needs the public Route 53 zone that holds it: `pulumi config set hostedZoneId <Z...>`", d.Domain)
	case d.Domain == "" && d.HostedZoneID != "":
		r.fail("domain", "", "hostedZoneId is set but no domain: `pulumi config set domain <name in that zone>`, or unset hostedZoneId")
	}
	return d
}

// targetName resolves a target's name under the domain: the configured one,
// or <prefix>.<domain>. It must belong to the domain: the certificate's
// validation records and the alias go into the domain's zone. Without a
// domain it returns the configured value unchanged.
func targetName(r *reader, d DomainConfig, key, configured, prefix string) string {
	if !d.On() {
		return configured
	}
	name := configured
	if name == "" {
		name = prefix + "." + d.Domain
	}
	if p := dnsNameProblem(name); p != "" {
		r.fail(key, name, "not a DNS name: %s; e.g. %s.%s, or \"\" for that default", p, prefix, d.Domain)
		return name
	}
	if !under(name, d.Domain) {
		r.fail(key, name, "not under domain %s: its records go into that domain's zone (hostedZoneId); use a name ending in .%s, or \"\" for %s.%s",
			d.Domain, d.Domain, prefix, d.Domain)
	}
	return name
}

// acmeServer resolves ec2AcmeServer: "" is staging in dev and production in
// prod; staging and production name Let's Encrypt's directories; any other
// value must be an https directory URL (another ACME CA), compared after
// normalising (lowercase host, no trailing slash), so Let's Encrypt's staging
// URL with a trailing slash is staging. Prod accepts only Let's Encrypt's
// production directory: the certificate prod reports as trusted must be one.
func acmeServer(r *reader, prod bool, value string) string {
	switch value {
	case "":
		if prod {
			return AcmeProduction
		}
		return AcmeStaging
	case "staging":
		return AcmeStaging
	case "production":
		return AcmeProduction
	}
	if !ec2.ValidAcmeServer(value) || len(value) > 512 {
		r.fail("ec2AcmeServer", value, "allowed: \"\" (staging in dev, production in prod), staging, production, or an https:// ACME directory URL (host, optional port, a path of letters, digits and . _ ~ - /): `pulumi config set ec2AcmeServer production`")
		return value
	}
	norm := normaliseACME(value)
	switch {
	case norm == AcmeStaging || norm == AcmeProduction:
		value = norm
	case prod:
		r.fail("ec2AcmeServer", value, "prod accepts only Let's Encrypt's production directory (%s), whose certificates browsers trust: `pulumi config set ec2AcmeServer production` (or \"\")", AcmeProduction)
	}
	return value
}

// normaliseACME lowercases the scheme and host and drops trailing slashes and
// a default :443 port, so equal directories compare equal.
func normaliseACME(u string) string {
	rest := u[len("https://"):]
	host, path, _ := strings.Cut(rest, "/")
	host = strings.TrimSuffix(strings.ToLower(host), ":443")
	path = strings.TrimRight(path, "/")
	if path == "" {
		return "https://" + host
	}
	return "https://" + host + "/" + path
}

func quote(s string) string { return `"` + s + `"` }
