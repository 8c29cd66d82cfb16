package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

const (
	httpsZone     = "Z0123456789ABCDEFGHIJ"
	httpsCert     = "aws:acm/certificate:Certificate"
	httpsValid    = "aws:acm/certificateValidation:CertificateValidation"
	httpsRecord   = "aws:route53/record:Record"
	httpsListener = "aws:lb/listener:Listener"
	httpsPolicy   = "aws:iam/rolePolicy:RolePolicy"
)

// domainRun runs a real stack with fargate and ec2 on names in a zone.
func domainRun(t *testing.T, stack string, extra ...string) *bench.Result {
	set := map[string]string{
		"targets": `["fargate","ec2"]`, "prebuiltImage": bench.PrebuiltImage,
		"domain": "send.sgraph-send.test", "hostedZoneId": httpsZone,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		set[extra[i]] = extra[i+1]
	}
	return bench.MustRun(t, bench.Options{Stack: stack, Set: set})
}

// TestDomainRegistersCertificatesRecordsAndHTTPS: dev and prod with a domain
// register the certificate, its validation, the records, the HTTPS listener
// and the redirect, and pass every rule.
func TestDomainRegistersCertificatesRecordsAndHTTPS(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := domainRun(t, stack)
			name := "sgraph-send-" + stack + "-fargate"
			cert := r.MustFind(t, httpsCert, name)
			assert.Equal(t, "fargate.send.sgraph-send.test", cert.Str("domainName"))
			assert.Equal(t, "DNS", cert.Str("validationMethod"))

			validation := r.MustFind(t, httpsRecord, name+"-cert-validation")
			assert.Equal(t, httpsZone, validation.Str("zoneId"))
			assert.Equal(t, "CNAME", validation.Str("type"))
			assert.True(t, strings.HasSuffix(validation.Str("name"), ".fargate.send.sgraph-send.test."), validation.Str("name"))

			valid := r.MustFind(t, httpsValid, name)
			assert.Contains(t, valid.Dependencies, validation.URN, "validation waits for its record")

			https := r.MustFind(t, httpsListener, name+"-https")
			assert.Equal(t, "HTTPS", https.Str("protocol"))
			assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", https.Str("sslPolicy"))
			assert.Contains(t, https.Dependencies, valid.URN, "the listener waits for issuance")
			assert.Equal(t, cert.State["arn"].StringValue(), https.Str("certificateArn"))

			redirect := r.MustFind(t, httpsListener, name+"-http")
			assert.Equal(t, "redirect", redirect.Str("defaultActions[0].type"))
			assert.Equal(t, "HTTPS", redirect.Str("defaultActions[0].redirect.protocol"))

			alias := r.MustFind(t, httpsRecord, name+"-alias-a")
			assert.Equal(t, "A", alias.Str("type"))
			assert.Equal(t, "fargate.send.sgraph-send.test", alias.Str("name"))
			assert.Contains(t, alias.Str("aliases[0].name"), ".elb.amazonaws.com")
			assert.Equal(t, "https://fargate.send.sgraph-send.test", r.Outputs["fargateUrl"].Value)

			ec2Name := "sgraph-send-" + stack + "-ec2"
			r.MustFind(t, "aws:ec2/eip:Eip", ec2Name)
			a := r.MustFind(t, httpsRecord, ec2Name+"-a")
			assert.Equal(t, "ec2.send.sgraph-send.test", a.Str("name"))
			assert.Equal(t, "203.0.113.10", a.Str("records[0]"))
			assert.Equal(t, "https://ec2.send.sgraph-send.test", r.Outputs["ec2Url"].Value)
			// Dev's ACME certificate comes from staging: untrusted, declared so.
			assert.Equal(t, stack == "dev", r.Outputs["ec2TlsSelfSigned"].Value)
			userData := policy.InstanceUserData(r.One(t, "aws:ec2/instance:Instance"))
			assert.Contains(t, userData, "SGRAPH_SEND_DOMAIN='ec2.send.sgraph-send.test'")
			assert.Contains(t, userData, "SGRAPH_SEND_ACME_SERVER='"+map[string]string{"dev": "https://acme-staging-v02.api.letsencrypt.org/directory", "prod": "https://acme-v02.api.letsencrypt.org/directory"}[stack]+"'")

			assert.Empty(t, policy.Failed(policy.Evaluate(r)), "every rule passes")
			if stack == "dev" {
				// dev destroy removes what it made: nothing protected or retained.
				for _, res := range append(append(r.OfType(httpsCert), r.OfType(httpsRecord)...), r.OfType(httpsValid)...) {
					assert.False(t, res.Protect || res.RetainOnDelete, "%s survives destroy", res)
				}
			}
		})
	}
}

// TestEC2RoleChangesOnlyItsChallengeRecord: the instance role's Route 53
// grant is the _acme-challenge TXT of its own name in that one zone.
func TestEC2RoleChangesOnlyItsChallengeRecord(t *testing.T) {
	r := domainRun(t, "prod")
	p := r.MustFind(t, httpsPolicy, "sgraph-send-prod-ec2-acme")
	var doc struct{ Statement []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc))
	require.Len(t, doc.Statement, 3)
	change := doc.Statement[0]
	assert.Equal(t, "route53:ChangeResourceRecordSets", change["Action"])
	assert.Equal(t, "arn:aws:route53:::hostedzone/"+httpsZone, change["Resource"])
	cond := change["Condition"].(map[string]any)["ForAllValues:StringEquals"].(map[string]any)
	assert.Equal(t, []any{"_acme-challenge.ec2.send.sgraph-send.test"}, cond["route53:ChangeResourceRecordSetsNormalizedRecordNames"])
	assert.Equal(t, []any{"TXT"}, cond["route53:ChangeResourceRecordSetsRecordTypes"])
	assert.Equal(t, []any{"UPSERT", "DELETE"}, cond["route53:ChangeResourceRecordSetsActions"])
	assert.Equal(t, "route53:GetChange", doc.Statement[1]["Action"])
	assert.Equal(t, "route53:ListHostedZones", doc.Statement[2]["Action"])
	// No other policy of the stack grants record changes.
	for _, other := range r.OfType(httpsPolicy) {
		if other != p {
			assert.NotContains(t, other.Str("policy"), "ChangeResourceRecordSets", other.Name)
		}
	}
	// Without a domain the role has no Route 53 grant at all.
	dev := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"targets": `["ec2"]`}})
	assert.Nil(t, dev.Find(httpsPolicy, "sgraph-send-dev-ec2-acme"))
}

func httpsFailed(r *bench.Result, rule policy.Rule) string {
	var msgs []string
	for _, f := range policy.Failed(policy.Evaluate(r, rule)) {
		msgs = append(msgs, f.Resource+": "+f.Message)
	}
	return strings.Join(msgs, "\n")
}

// TestHTTPSRulesCatchViolations: each broken variant of a passing prod graph
// fails its rule, naming the key an operator sets.
func TestHTTPSRulesCatchViolations(t *testing.T) {
	str := resource.NewProperty[string]
	cases := []struct {
		name   string
		rule   policy.Rule
		want   string
		break_ func(t *testing.T, r *bench.Result)
	}{
		{"HTTPS listener without a certificate", policy.ProdHTTPS, "fargateCertificateArn", func(t *testing.T, r *bench.Result) {
			delete(r.MustFind(t, httpsListener, "sgraph-send-prod-fargate-https").Inputs, "certificateArn")
		}},
		{"no HTTPS listener, port 80 forwards", policy.ProdHTTPS, "set domain and hostedZoneId", func(t *testing.T, r *bench.Result) {
			r.Drop(func(res *bench.Resource) bool { return res.Name == "sgraph-send-prod-fargate-https" })
			r.MustFind(t, httpsListener, "sgraph-send-prod-fargate-http").Inputs["defaultActions"] = resource.NewProperty([]resource.PropertyValue{
				resource.NewProperty(resource.PropertyMap{"type": str("forward")}),
			})
		}},
		{"TLS 1.2-only policy", policy.ProdHTTPS, "not a TLS 1.3 policy", func(t *testing.T, r *bench.Result) {
			r.MustFind(t, httpsListener, "sgraph-send-prod-fargate-https").Inputs["sslPolicy"] = str("ELBSecurityPolicy-2016-08")
		}},
		{"HTTPS listener without HSTS", policy.ProdHTTPS, "no HSTS", func(t *testing.T, r *bench.Result) {
			delete(r.MustFind(t, httpsListener, "sgraph-send-prod-fargate-https").Inputs, "routingHttpResponseStrictTransportSecurityHeaderValue")
		}},
		{"HSTS for a day", policy.ProdHTTPS, "no HSTS", func(t *testing.T, r *bench.Result) {
			r.MustFind(t, httpsListener, "sgraph-send-prod-fargate-https").Inputs["routingHttpResponseStrictTransportSecurityHeaderValue"] = str("max-age=86400")
		}},
		{"EC2 self-signed", policy.ProdHTTPS, "ec2TlsCertificateParameter", func(t *testing.T, r *bench.Result) {
			inst := r.One(t, "aws:ec2/instance:Instance")
			ud := strings.Replace(policy.InstanceUserData(inst), "SGRAPH_SEND_DOMAIN=", "X_DOMAIN=", 1)
			require.NoError(t, policy.SetInstanceUserData(inst, ud))
		}},
		{"EC2 on ACME staging", policy.ProdHTTPS, "ec2AcmeServer", func(t *testing.T, r *bench.Result) {
			inst := r.One(t, "aws:ec2/instance:Instance")
			require.NoError(t, policy.SetInstanceUserData(inst, strings.Replace(policy.InstanceUserData(inst), "https://acme-v02.", "https://acme-staging-v02.", 1)))
		}},
		{"any record name", policy.AcmeRecordScope, "any record of the zone", func(t *testing.T, r *bench.Result) {
			editAcme(t, r, func(st map[string]any) {
				delete(st["Condition"].(map[string]any)["ForAllValues:StringEquals"].(map[string]any), "route53:ChangeResourceRecordSetsNormalizedRecordNames")
			})
		}},
		{"the apex name", policy.AcmeRecordScope, "not only an _acme-challenge name", func(t *testing.T, r *bench.Result) {
			editAcme(t, r, func(st map[string]any) {
				st["Condition"].(map[string]any)["ForAllValues:StringEquals"].(map[string]any)["route53:ChangeResourceRecordSetsNormalizedRecordNames"] = []string{"send.sgraph-send.test"}
			})
		}},
		{"A records too", policy.AcmeRecordScope, "want only TXT", func(t *testing.T, r *bench.Result) {
			editAcme(t, r, func(st map[string]any) {
				st["Condition"].(map[string]any)["ForAllValues:StringEquals"].(map[string]any)["route53:ChangeResourceRecordSetsRecordTypes"] = []string{"TXT", "A"}
			})
		}},
		{"CREATE allowed", policy.AcmeRecordScope, "allows the CREATE action", func(t *testing.T, r *bench.Result) {
			editAcme(t, r, func(st map[string]any) {
				st["Condition"].(map[string]any)["ForAllValues:StringEquals"].(map[string]any)["route53:ChangeResourceRecordSetsActions"] = []string{"UPSERT", "DELETE", "CREATE"}
			})
		}},
		{"every zone", policy.AcmeRecordScope, "not one hosted zone", func(t *testing.T, r *bench.Result) {
			editAcme(t, r, func(st map[string]any) { st["Resource"] = "arn:aws:route53:::hostedzone/*" })
		}},
		{"route53 wildcard action", policy.AcmeRecordScope, "any record of the zone", func(t *testing.T, r *bench.Result) {
			editAcme(t, r, func(st map[string]any) { st["Action"] = "route53:*"; delete(st, "Condition") })
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := domainRun(t, "prod")
			require.Empty(t, httpsFailed(r, tc.rule), "passes before the break")
			tc.break_(t, r)
			assert.Contains(t, httpsFailed(r, tc.rule), tc.want)
		})
	}
}

// TestDevHTTPIsFlaggedNotFailed: dev without a domain serves HTTP and a
// self-signed certificate; the rule passes and says so.
func TestDevHTTPIsFlaggedNotFailed(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{"targets": `["fargate","ec2"]`, "prebuiltImage": bench.PrebuiltImage}})
	fs := policy.Evaluate(r, policy.ProdHTTPS)
	assert.Empty(t, policy.Failed(fs))
	flagged := 0
	for _, f := range fs {
		if strings.HasPrefix(f.Message, "dev, flagged:") {
			flagged++
		}
	}
	assert.Equal(t, 2, flagged, "%v", fs)
}

func editAcme(t *testing.T, r *bench.Result, edit func(st map[string]any)) {
	t.Helper()
	p := r.MustFind(t, httpsPolicy, "sgraph-send-prod-ec2-acme")
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc))
	edit(doc["Statement"].([]any)[0].(map[string]any))
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	p.Inputs["policy"] = resource.NewProperty(string(b))
}
