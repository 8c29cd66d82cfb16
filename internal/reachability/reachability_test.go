package reachability_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

func graph(t *testing.T, stack string, set map[string]string) *reachability.Graph {
	t.Helper()
	return reachability.FromBench(bench.MustRun(t, bench.Options{Stack: stack, Set: set, Placeholders: true}))
}

// TestReachableOnRealStacks: every endpoint of dev, prod and local is
// reachable, and each runtime reaches what it calls.
func TestReachableOnRealStacks(t *testing.T) {
	cases := []struct {
		stack string
		set   map[string]string
		// endpoints the report must cover (paths, by output key)
		want []string
	}{
		{"dev", nil, []string{"fargateUrl", "ec2Url", "cloudRunUrl", "lambdaPublicUrl", "lambdaAdminUrl", "egress"}},
		{"prod", nil, []string{"fargateUrl", "ec2Url", "cloudRunUrl", "lambdaPublicUrl", "lambdaAdminUrl", "egress"}},
		{"local", nil, []string{"lambdaPublicUrl", "lambdaAdminUrl", "egress"}},
		{"dev", map[string]string{"domain": "dev.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}, []string{"fargateUrl", "ec2Url"}},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			rep := reachability.Check(graph(t, tc.stack, tc.set))
			require.NoError(t, rep.Err())
			seen := map[string]int{}
			for _, p := range rep.Paths {
				seen[p.Endpoint]++
				t.Log(p.Describe(rep.Stack))
				assert.NotEmpty(t, p.Hops)
			}
			for _, k := range tc.want {
				assert.Positive(t, seen[k], "no path for %s", k)
			}
		})
	}
}

// The prod graph as components/fargate/network.go built it before the fix:
// the 443 listener existed, its ingress rules did not.
func TestPreFixProdFails(t *testing.T) {
	g := graph(t, "prod", nil)
	g.Drop(func(n *reachability.Node) bool { return strings.Contains(n.Name, "-alb-443-") })
	err := reachability.Check(g).Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "prod fargate https://fargate.send.offline-plan.invalid (ipv4): lb ingress: listener 443 exists, SG sgraph-send-prod-fargate-alb has no ingress on 443")
	assert.Contains(t, err.Error(), "prod fargate http://fargate.send.offline-plan.invalid (ipv4): lb ingress: listener 443 exists", "the 80 → 443 redirect leads into the same closed port")
}

// Each hop, removed or changed in turn, fails naming that hop.
func TestEachHopCanBreak(t *testing.T) {
	const p = "sgraph-send-prod-"
	set := func(typ, name, path string, v any) func(*reachability.Graph) {
		return func(g *reachability.Graph) { setPath(g.Find(typ, name).Props, path, v) }
	}
	drop := func(typ, name string) func(*reachability.Graph) {
		return func(g *reachability.Graph) {
			g.Drop(func(n *reachability.Node) bool { return n.Type == typ && n.Name == name })
		}
	}
	const (
		lb, listener, rule, tg, svc, td = "aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
			"aws:lb/targetGroup:TargetGroup", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"
		in, out, rec, cert, certOK = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
			"aws:route53/record:Record", "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation"
		sg, inst, run, member, fnURL, perm = "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/instance:Instance", "gcp:cloudrunv2/service:Service",
			"gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "aws:lambda/functionUrl:FunctionUrl", "aws:lambda/permission:Permission"
	)
	cases := []struct {
		name   string
		break_ func(*reachability.Graph)
		want   string // the hop named in the error, and a detail
	}{
		{"no alias record", drop(rec, p+"fargate-alias-a"), "fargate https://fargate.send.offline-plan.invalid (ipv4): dns: no load balancer"},
		{"internal load balancer", set(lb, p+"fargate", "internal", true), "internet-facing: load balancer sgraph-send-prod-fargate is internal"},
		{"no https listener", drop(listener, p+"fargate-https"), "listener: no listener on 443"},
		{"listener protocol", set(listener, p+"fargate-https", "protocol", "HTTP"), "listener: listener 443 speaks HTTP"},
		{"443 ipv4 ingress removed", drop(in, p+"fargate-alb-443-ipv4"), "lb ingress: listener 443 exists, SG sgraph-send-prod-fargate-alb has no ingress on 443 from 0.0.0.0/0"},
		{"80 ingress on another port", set(in, p+"fargate-alb-80-ipv4", "toPort", 79.0), "http://fargate.send.offline-plan.invalid (ipv4): lb ingress: listener 80 exists"},
		{"certificate for another name", set(cert, p+"fargate", "domainName", "other.example.com"), "certificate: certificate sgraph-send-prod-fargate names [other.example.com]"},
		{"certificate never validated", drop(certOK, p+"fargate"), "certificate: certificate sgraph-send-prod-fargate is never validated"},
		{"validation record missing", drop(rec, p+"fargate-cert-validation"), "validation record"},
		{"redirect to a missing listener", set(listener, p+"fargate-http", "defaultActions[0].redirect.port", "8443"), "http://fargate.send.offline-plan.invalid (ipv4): listener: no listener on 8443"},
		{"rule forwards nowhere", func(g *reachability.Graph) {
			// The program registers no listener rule today; a rule added
			// later is a branch some requests take, checked like the default.
			l := g.Find(listener, p+"fargate-https")
			g.Nodes = append(g.Nodes, &reachability.Node{Type: rule, Name: p + "fargate-https-extra", Props: map[string]any{
				"listenerArn": l.Props["arn"],
				"actions":     []any{map[string]any{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/gone/0"}},
			}})
		}, "listener action: rule sgraph-send-prod-fargate-https-extra forwards to target group"},
		{"default action forwards nowhere", set(listener, p+"fargate-https", "defaultActions[0].targetGroupArn", "arn:gone"), "listener action: listener sgraph-send-prod-fargate-https forwards to target group \"arn:gone\""},
		{"target group type", set(tg, p+"fargate", "targetType", "instance"), "target group: target group sgraph-send-prod-fargate has target type \"instance\""},
		{"no service registers", set(svc, p+"fargate", "loadBalancers", []any{}), "target group: no ECS service registers tasks"},
		{"health check port", set(tg, p+"fargate", "healthCheck.port", "9090"), "health check: target group sgraph-send-prod-fargate checks health on 9090"},
		{"lb egress removed", drop(out, p+"fargate-alb-to-tasks"), "lb egress: SG sgraph-send-prod-fargate-alb has no egress to the tasks' SG sgraph-send-prod-fargate-tasks on 8080"},
		{"task ingress on another port", set(in, p+"fargate-tasks-from-alb", "fromPort", 8081.0), "task ingress: tasks' SG sgraph-send-prod-fargate-tasks has no ingress on 8080"},
		{"container port", set(svc, p+"fargate", "loadBalancers[0].containerPort", 9000.0), "on 9000"},
		{"container maps another port", func(g *reachability.Graph) {
			n := g.Find(td, p+"fargate")
			n.Props["containerDefinitions"] = strings.ReplaceAll(n.Props["containerDefinitions"].(string), `"containerPort":8080`, `"containerPort":8000`)
		}, "container port: container app of sgraph-send-prod-fargate maps no port 8080"},
		{"tasks egress removed", drop(out, p+"fargate-tasks-https-out"), "fargate sgraph-send-prod: egress CloudWatch Logs: tasks' SG sgraph-send-prod-fargate-tasks has no egress on 443"},
		{"ec2 A record elsewhere", set(rec, p+"ec2-a", "records", []any{"198.51.100.7"}), "ec2 https://ec2.send.offline-plan.invalid (ipv4): dns: A record sgraph-send-prod-ec2-a"},
		{"ec2 443 closed", set(sg, p+"ec2", "ingress[0].fromPort", 444.0), "instance ingress: nginx is the entry on 443, SG sgraph-send-prod-ec2 has no ingress on 443"},
		{"ec2 ipv4 not open", set(sg, p+"ec2", "ingress[0].cidrBlocks", []any{"10.0.0.0/8"}), "instance ingress"},
		{"nginx listens elsewhere", editUserData(p+"ec2", "listen 443 ssl;", "listen 8443 ssl;"), "nginx: the rendered nginx config has no `listen 443 ssl`"},
		{"nginx proxies elsewhere", editUserData(p+"ec2", "proxy_pass http://127.0.0.1:$PORT;", "proxy_pass http://127.0.0.1:9999;"), "upstream: nginx proxies to 127.0.0.1:9999, the app listens on 127.0.0.1:8080"},
		{"acme for another name", editUserData(p+"ec2", "SGRAPH_SEND_DOMAIN='ec2.send.offline-plan.invalid'", "SGRAPH_SEND_DOMAIN='other.send.offline-plan.invalid'"), "certificate: certbot asks for other.send.offline-plan.invalid"},
		{"ec2 egress removed", set(sg, p+"ec2", "egress", []any{}), "ec2 sgraph-send-prod-ec2: egress "},
		{"cloud run internal", set(run, p+"cloudrun", "ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY"), "cloudrun https://sgraph-send-prod-cloudrun-ee66fef296-nw.a.run.app: ingress"},
		{"cloud run invoker missing", drop(member, p+"cloudrun-public"), "invoker: cloudRunPublic is true but allUsers holds no roles/run.invoker"},
		{"cloud run probe port", set(run, p+"cloudrun", "template.containers[0].startupProbe.httpGet.port", 9000.0), "container port: the startup probe checks 9000"},
		{"public url permission missing", drop(perm, p+"public-public-url"), "invoke permission: function sgraph-send-prod-public has a public URL but no permission granting lambda:InvokeFunctionUrl"},
		{"public invoke permission missing", drop(perm, p+"public-public-invoke"), "granting lambda:InvokeFunction to *"},
		{"function url gone", drop(fnURL, p+"public"), "function url: no function URL in the stack is"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := graph(t, "prod", nil)
			require.NoError(t, reachability.Check(g).Err())
			tc.break_(g)
			err := reachability.Check(g).Err()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func editUserData(name, from, to string) func(*reachability.Graph) {
	return func(g *reachability.Graph) {
		n := g.Find("aws:ec2/instance:Instance", name)
		ud, err := ec2.DecodeUserData(n.Props["userDataBase64"].(string))
		if err != nil || !strings.Contains(ud, from) {
			panic(fmt.Sprintf("user data has no %s (%v)", from, err))
		}
		b64, _, err := ec2.EncodeUserData(strings.Replace(ud, from, to, 1))
		if err != nil {
			panic(err)
		}
		n.Props["userDataBase64"] = b64
	}
}

// setPath sets a dotted path with [i] indexes in plain props.
func setPath(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	var cur any = m
	for i, part := range parts {
		idx := -1
		if j := strings.IndexByte(part, '['); j >= 0 {
			idx = int(part[j+1] - '0')
			part = part[:j]
		}
		obj := cur.(map[string]any)
		last := i == len(parts)-1
		if idx < 0 {
			if last {
				obj[part] = v
				return
			}
			if _, ok := obj[part].(map[string]any); !ok {
				obj[part] = map[string]any{}
			}
			cur = obj[part]
			continue
		}
		list := obj[part].([]any)
		if last {
			list[idx] = v
			return
		}
		cur = list[idx]
	}
}
