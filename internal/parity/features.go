package parity

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

var udHeader = regexp.MustCompile(`(?m)^SGRAPH_SEND_(DOMAIN|TLS_PARAMETER|ACME_SERVER)='([^']*)'`)

// Features are the names of what a graph deploys: every resource type, its
// protections, and the security-relevant settings a reviewer asks about.
func Features(r *bench.Result) map[string]bool {
	f := map[string]bool{}
	add := func(format string, a ...any) { f[fmt.Sprintf(format, a...)] = true }
	for _, res := range r.Resources {
		add("type %s", res.Type)
		// One feature each: dev deploys none of them, by design (see exceptions.yaml).
		if res.Protect {
			add("protected from destroy")
		}
		if res.RetainOnDelete {
			add("retained on delete")
		}
		switch res.Type {
		case "aws:lb/listener:Listener":
			add("alb listener %s:%v %s", res.Str("protocol"), res.Plain("port"), res.Str("defaultActions[0].type"))
			if res.Str("certificateArn") != "" {
				add("alb listener certificate")
			}
			if res.Str("routingHttpResponseStrictTransportSecurityHeaderValue") != "" {
				add("alb hsts")
			}
		case "aws:lb/listenerRule:ListenerRule":
			add("alb rule %s", res.Str("actions[0].type"))
		case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
			family := "ipv4"
			switch {
			case res.Str("cidrIpv6") != "":
				family = "ipv6"
			case res.Str("referencedSecurityGroupId") != "":
				family = "security group"
			}
			add("ingress %v from %s", res.Plain("fromPort"), family)
		case "aws:acm/certificate:Certificate":
			add("acm validation %s", res.Str("validationMethod"))
		case "aws:ecs/service:Service":
			add("ecs capacity %s", res.Str("capacityProviderStrategies[0].capacityProvider"))
		case "aws:ecr/repository:Repository":
			add("ecr tags %s", res.Str("imageTagMutability"))
		case "aws:lambda/function:Function":
			if n, ok := res.Plain("reservedConcurrentExecutions").(float64); ok && n >= 0 {
				add("lambda reserved concurrency")
			}
		case "aws:s3/bucketVersioningV2:BucketVersioningV2":
			add("s3 versioning %s", res.Str("versioningConfiguration.status"))
		case "gcp:cloudrunv2/service:Service":
			if res.Str("template.volumes[0].gcs.bucket") != "" {
				add("cloudrun storage gcs")
			}
			add("cloudrun ingress %s", res.Str("ingress"))
		case "aws:ec2/instance:Instance":
			ud := policy.InstanceUserData(res)
			h := map[string]string{}
			for _, m := range udHeader.FindAllStringSubmatch(ud, -1) {
				h[m[1]] = m[2]
			}
			switch {
			case h["TLS_PARAMETER"] != "":
				add("ec2 tls from ssm")
			case h["DOMAIN"] != "":
				add("ec2 tls acme")
				if strings.Contains(h["ACME_SERVER"], "staging") {
					add("ec2 acme directory staging")
				} else {
					add("ec2 acme directory %s", h["ACME_SERVER"])
				}
			default:
				add("ec2 tls self-signed")
			}
			if strings.Contains(ud, "Strict-Transport-Security") {
				add("ec2 hsts")
			}
		}
	}
	return f
}
