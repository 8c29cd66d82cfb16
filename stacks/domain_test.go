package stacks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// withDomain is a dev stack with fargate and ec2 on a name in a zone.
func withDomain(extra map[string]string) bench.Options {
	set := map[string]string{
		"targets": `["fargate","ec2"]`, "prebuiltImage": bench.PrebuiltImage,
		"domain": "send.example.org", "hostedZoneId": "Z0123456789ABCDEFGHIJ",
	}
	for k, v := range extra {
		set[k] = v
	}
	return bench.Options{Set: set}
}

// TestDomainBadInputNamesTheKey: names, zones and the prod certificate rule
// are refused at load, naming the key, before anything is registered.
func TestDomainBadInputNamesTheKey(t *testing.T) {
	prodNoCert := func(targets string) bench.Options {
		return bench.Options{Stack: "prod", Set: map[string]string{
			"targets": targets, "prebuiltImage": bench.PrebuiltImage, "domain": "", "hostedZoneId": "",
		}}
	}
	cases := []struct {
		name    string
		opts    bench.Options
		key     string
		message string
	}{
		{"target name outside the domain", withDomain(map[string]string{"fargateDomainName": "app.other.org"}), "sgraph-send:fargateDomainName", "not under domain send.example.org"},
		{"suffix that is not a label boundary", withDomain(map[string]string{"ec2DomainName": "ec2.notsend.example.org.evil"}), "sgraph-send:ec2DomainName", "not under domain"},
		{"look-alike suffix", withDomain(map[string]string{"ec2DomainName": "ec2xsend.example.org"}), "sgraph-send:ec2DomainName", "not under domain"},
		{"invalid target name", withDomain(map[string]string{"fargateDomainName": "bad_name.send.example.org"}), "sgraph-send:fargateDomainName", "not a DNS name"},
		{"uppercase domain", withDomain(map[string]string{"domain": "Send.Example.org"}), "sgraph-send:domain", "lowercase"},
		{"domain with a trailing dot", withDomain(map[string]string{"domain": "send.example.org."}), "sgraph-send:domain", "trailing dot"},
		{"label too long", withDomain(map[string]string{"domain": strings.Repeat("a", 64) + ".org"}), "sgraph-send:domain", "1-63"},
		{"zone id with the API prefix", withDomain(map[string]string{"hostedZoneId": "/hostedzone/Z0123456789ABCDEFGHIJ"}), "sgraph-send:hostedZoneId", "not a Route 53 hosted zone id"},
		{"zone id lowercase", withDomain(map[string]string{"hostedZoneId": "z0123abc"}), "sgraph-send:hostedZoneId", "not a Route 53 hosted zone id"},
		{"domain without a zone", withDomain(map[string]string{"hostedZoneId": ""}), "sgraph-send:hostedZoneId", "needs the public Route 53 zone"},
		{"zone without a domain", withDomain(map[string]string{"domain": ""}), "sgraph-send:domain", "no domain"},
		{"ec2 name without a domain", bench.Options{Set: map[string]string{"targets": `["ec2"]`, "ec2DomainName": "ec2.example.org"}}, "sgraph-send:ec2DomainName", "needs domain and hostedZoneId"},
		{"ACME server over http", withDomain(map[string]string{"ec2AcmeServer": "http://acme.example.org/dir"}), "sgraph-send:ec2AcmeServer", "https:// ACME directory"},
		{"prod on ACME staging", bench.Options{Stack: "prod", Set: map[string]string{"targets": `["ec2"]`, "ec2AcmeServer": "staging"}}, "sgraph-send:ec2AcmeServer", "publicly trusted"},
		{"prod Fargate without any certificate", prodNoCert(`["fargate"]`), "sgraph-send:domain", "fargateCertificateArn"},
		{"prod EC2 without any certificate", prodNoCert(`["ec2"]`), "sgraph-send:domain", "ec2TlsCertificateParameter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs, r := configErr(t, tc.opts)
			if assert.Contains(t, errs.Keys(), tc.key, "%v", errs) {
				for _, e := range errs {
					if e.Key == tc.key {
						assert.Contains(t, e.Problem, tc.message)
					}
				}
			}
			if r != nil {
				assert.Empty(t, r.Resources, "nothing registered")
			}
		})
	}
}

// TestProdWithOwnCertificatesNeedsNoDomain: the bring-your-own path passes
// the prod rule without a domain.
func TestProdWithOwnCertificatesNeedsNoDomain(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "prod", Set: map[string]string{
		"targets": `["fargate","ec2"]`, "prebuiltImage": bench.PrebuiltImage, "domain": "", "hostedZoneId": "",
		"fargateCertificateArn":      "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d",
		"fargateDomainName":          "send.example.com",
		"ec2TlsCertificateParameter": "/sgraph-send/prod/tls",
	}})
	assert.Empty(t, r.OfType("aws:acm/certificate:Certificate"))
	assert.Empty(t, r.OfType("aws:route53/record:Record"))
	assert.Equal(t, false, r.Outputs["ec2TlsSelfSigned"].Value)
}
