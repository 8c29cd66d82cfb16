package fargate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// TestEveryListenerPortIsOpen: each listener's port has an IPv4 and an IPv6
// ingress rule on the load balancer's security group. Prod (a managed domain,
// no brought certificate) once had a 443 listener behind an SG open on 80 only.
func TestEveryListenerPortIsOpen(t *testing.T) {
	const certArn = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d"
	cases := []struct {
		name  string
		stack string
		set   map[string]string
		ports []float64
	}{
		{"prod, managed domain", "prod", nil, []float64{80, 443}},
		{"dev, http only", "dev", nil, []float64{80}},
		{"dev, managed domain", "dev", map[string]string{"domain": "dev.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}, []float64{80, 443}},
		{"dev, brought certificate", "dev", map[string]string{"fargateCertificateArn": certArn, "fargateDomainName": "send.example.com"}, []float64{80, 443}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{"targets": `["fargate"]`, "prebuiltImage": bench.PrebuiltImage}
			for k, v := range tc.set {
				set[k] = v
			}
			r := bench.MustRun(t, bench.Options{Stack: tc.stack, Set: set})
			var listened []float64
			for _, l := range r.OfType("aws:lb/listener:Listener") {
				port := l.Inputs["port"].NumberValue()
				listened = append(listened, port)
				for _, family := range []string{"cidrIpv4", "cidrIpv6"} {
					open := false
					for _, in := range r.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
						if in.Str(family) != "" && in.Plain("fromPort") == port && in.Plain("toPort") == port {
							open = true
						}
					}
					assert.True(t, open, "listener %s on %v: no %s ingress on the load balancer's SG", l.Name, port, family)
				}
			}
			assert.ElementsMatch(t, tc.ports, listened)
		})
	}
}
