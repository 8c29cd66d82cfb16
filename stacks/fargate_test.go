package stacks_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const (
	fgComp         = "sgraph-send:fargate:Service"
	fgTaskDefType  = "aws:ecs/taskDefinition:TaskDefinition"
	fgServiceType  = "aws:ecs/service:Service"
	fgClusterType  = "aws:ecs/cluster:Cluster"
	fgProvidersTyp = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	fgSGType       = "aws:ec2/securityGroup:SecurityGroup"
	fgIngressType  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	fgEgressType   = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	fgLBType       = "aws:lb/loadBalancer:LoadBalancer"
	fgTGType       = "aws:lb/targetGroup:TargetGroup"
	fgListenerType = "aws:lb/listener:Listener"
	fgRoleType     = "aws:iam/role:Role"
	fgPolicyType   = "aws:iam/rolePolicy:RolePolicy"
	fgAttachType   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	fgParamType    = "aws:ssm/parameter:Parameter"
	fgLogType      = "aws:cloudwatch/logGroup:LogGroup"
	fgASTargetType = "aws:appautoscaling/target:Target"
	fgASActionType = "aws:appautoscaling/scheduledAction:ScheduledAction"

	fgCert = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a1b-8c2d-3e4f5a6b7c8d"
)

// fargateOn switches the fargate target on, alone, with extra overrides.
func fargateOn(stack string, extra map[string]string) bench.Options {
	set := map[string]string{"targets": `["fargate"]`, "prebuiltImage": bench.PrebuiltImage}
	for k, v := range extra {
		set[k] = v
	}
	return bench.Options{Stack: stack, Set: set}
}

// fgContainer decodes the task definition's only container definition.
func fgContainer(t *testing.T, r *bench.Result) map[string]any {
	t.Helper()
	var defs []map[string]any
	td := r.One(t, fgTaskDefType)
	require.False(t, td.IsSecret("containerDefinitions"), "containerDefinitions holds no secret, so it stays readable")
	require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
	require.Len(t, defs, 1)
	return defs[0]
}

func fgState(res *bench.Resource, key string) string {
	v := bench.Unsecret(res.State[resource.PropertyKey(key)])
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func TestFargateTaskSize(t *testing.T) {
	cases := []struct {
		name, stack     string
		set             map[string]string
		cpu, memory     string
		insights, spotP string
	}{
		{"dev defaults", "dev", nil, "256", "512", "disabled", "FARGATE_SPOT"},
		{"prod", "prod", nil, "512", "1024", "enabled", "FARGATE"},
		{"bigger dev", "dev", map[string]string{"fargateCpu": "1024", "fargateMemoryMb": "4096", "fargateSpot": "false"}, "1024", "4096", "disabled", "FARGATE"},
		{"largest", "dev", map[string]string{"fargateCpu": "16384", "fargateMemoryMb": "122880"}, "16384", "122880", "disabled", "FARGATE_SPOT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(tc.stack, tc.set))
			td := r.One(t, fgTaskDefType)
			assert.Equal(t, tc.cpu, td.Str("cpu"))
			assert.Equal(t, tc.memory, td.Str("memory"))
			assert.Equal(t, "awsvpc", td.Str("networkMode"))
			assert.Equal(t, []any{"FARGATE"}, td.Plain("requiresCompatibilities"))
			assert.Equal(t, "LINUX", td.Str("runtimePlatform.operatingSystemFamily"))
			assert.Equal(t, "X86_64", td.Str("runtimePlatform.cpuArchitecture"))
			assert.Equal(t, "sgraph-send-"+tc.stack, td.Str("family"))
			assert.Equal(t, bench.PrebuiltImage, fgContainer(t, r)["image"], "runs the image by digest")

			cluster := r.One(t, fgClusterType)
			assert.Equal(t, "sgraph-send-"+tc.stack, cluster.Str("name"))
			assert.Equal(t, "containerInsights", cluster.Str("settings[0].name"))
			assert.Equal(t, tc.insights, cluster.Str("settings[0].value"))
			assert.Equal(t, []any{"FARGATE", "FARGATE_SPOT"}, r.One(t, fgProvidersTyp).Plain("capacityProviders"))
			svc := r.One(t, fgServiceType)
			assert.Equal(t, tc.spotP, svc.Str("capacityProviderStrategies[0].capacityProvider"))
			assert.Empty(t, svc.Str("launchType"), "capacity providers, not a launch type")
			assert.True(t, r.DependsOn(svc, r.One(t, fgProvidersTyp)), "service waits for the capacity providers")
		})
	}
}

func TestFargatePortsAndHealthChecks(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(stack, nil))
			c := fgContainer(t, r)
			assert.Equal(t, []any{map[string]any{"containerPort": 8080.0, "hostPort": 8080.0, "protocol": "tcp"}}, c["portMappings"])
			assert.Equal(t, true, c["essential"])

			hc := c["healthCheck"].(map[string]any)
			cmd := fmt.Sprint(hc["command"])
			assert.Contains(t, cmd, "CMD python -c", "the image has python, not curl")
			assert.Contains(t, cmd, "u.Request('http://127.0.0.1:8080/info/health')", "GET on the health path")
			assert.Greater(t, hc["startPeriod"], 0.0)

			tg := r.One(t, fgTGType)
			assert.Equal(t, "ip", tg.Str("targetType"), "Fargate tasks register by IP")
			assert.Equal(t, 8080.0, tg.Plain("port"))
			assert.Equal(t, "HTTP", tg.Str("protocol"))
			assert.Equal(t, bench.DefaultVpcID, tg.Str("vpcId"))
			assert.Equal(t, "/auth/set-cookie-form", tg.Str("healthCheck.path"), "the probe path: a target group cannot send the token")
			assert.Equal(t, "200", tg.Str("healthCheck.matcher"))
			assert.Equal(t, true, tg.Plain("healthCheck.enabled"))
			drain := map[string]float64{"dev": 15, "prod": 30}[stack]
			assert.Equal(t, drain, tg.Plain("deregistrationDelay"), "short drain")

			svc := r.One(t, fgServiceType)
			assert.Equal(t, fgState(tg, "arn"), svc.Str("loadBalancers[0].targetGroupArn"))
			assert.Equal(t, "app", svc.Str("loadBalancers[0].containerName"))
			assert.Equal(t, c["name"], svc.Str("loadBalancers[0].containerName"))
			assert.Equal(t, 8080.0, svc.Plain("loadBalancers[0].containerPort"))
			assert.Equal(t, 60.0, svc.Plain("healthCheckGracePeriodSeconds"))
			for _, l := range r.OfType(fgListenerType) {
				assert.True(t, r.DependsOn(svc, l), "service waits for %s (a target group needs its load balancer)", l.Name)
			}
		})
	}
}

func TestFargateLogsWithRetention(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(stack, nil))
			lg := r.Find(fgLogType, "sgraph-send-"+stack+"-fargate")
			require.NotNil(t, lg)
			assert.Equal(t, "/ecs/sgraph-send-"+stack, lg.Str("name"))
			assert.Equal(t, map[string]float64{"dev": 7, "prod": 90}[stack], lg.Plain("retentionInDays"))
			logs := fgContainer(t, r)["logConfiguration"].(map[string]any)
			assert.Equal(t, "awslogs", logs["logDriver"])
			opts := logs["options"].(map[string]any)
			assert.Equal(t, "/ecs/sgraph-send-"+stack, opts["awslogs-group"])
			assert.Equal(t, "eu-west-2", opts["awslogs-region"])
			assert.NotEmpty(t, opts["awslogs-stream-prefix"])
		})
	}
}

// rulesOf returns the ingress rules attached to a security group.
func rulesOf(r *bench.Result, token string, sg *bench.Resource) []*bench.Resource {
	var out []*bench.Resource
	for _, rule := range r.OfType(token) {
		if rule.Str("securityGroupId") == sg.ID {
			out = append(out, rule)
		}
	}
	return out
}

func TestFargateSecurityGroups(t *testing.T) {
	cases := []struct {
		name, stack string
		set         map[string]string
		albPorts    []float64 // ingress ports open to the internet, per address family
	}{
		{"dev http only", "dev", nil, []float64{80}},
		// Prod's managed domain makes a 443 listener: 443 is open with it
		// (this case once pinned 80 only, the prod HTTPS bug of issue 22).
		{"prod managed domain", "prod", nil, []float64{443, 80}},
		{"dev https", "dev", map[string]string{"fargateCertificateArn": fgCert, "fargateDomainName": "send.example.com"}, []float64{443, 80}},
		{"prod https", "prod", map[string]string{"fargateCertificateArn": fgCert}, []float64{443, 80}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(tc.stack, tc.set))
			alb := r.Find(fgSGType, "sgraph-send-"+tc.stack+"-fargate-alb")
			tasks := r.Find(fgSGType, "sgraph-send-"+tc.stack+"-fargate-tasks")
			require.NotNil(t, alb)
			require.NotNil(t, tasks)
			for _, sg := range []*bench.Resource{alb, tasks} {
				assert.Nil(t, sg.Plain("ingress"), "%s: rules are separate resources, never inline", sg.Name)
				assert.Nil(t, sg.Plain("egress"), "%s: rules are separate resources, never inline", sg.Name)
				assert.Equal(t, bench.DefaultVpcID, sg.Str("vpcId"))
			}

			// Tasks: only the ALB's security group, only on 8080.
			in := rulesOf(r, fgIngressType, tasks)
			require.Len(t, in, 1, "one ingress rule on the tasks")
			assert.Equal(t, alb.ID, in[0].Str("referencedSecurityGroupId"))
			assert.Equal(t, 8080.0, in[0].Plain("fromPort"))
			assert.Equal(t, 8080.0, in[0].Plain("toPort"))
			assert.Equal(t, "tcp", in[0].Str("ipProtocol"))
			for _, rule := range r.OfType(fgIngressType) {
				if rule.Str("securityGroupId") == tasks.ID {
					assert.Empty(t, rule.Str("cidrIpv4"), "no CIDR ingress to tasks")
					assert.Empty(t, rule.Str("cidrIpv6"), "no CIDR ingress to tasks")
				}
			}

			// ALB: the web on 80 (and 443 when it serves HTTPS), from anywhere.
			var v4, v6 []float64
			for _, rule := range rulesOf(r, fgIngressType, alb) {
				assert.Equal(t, rule.Plain("fromPort"), rule.Plain("toPort"), "single ports only")
				assert.Equal(t, "tcp", rule.Str("ipProtocol"))
				port := rule.Plain("fromPort").(float64)
				switch {
				case rule.Str("cidrIpv4") == "0.0.0.0/0":
					v4 = append(v4, port)
				case rule.Str("cidrIpv6") == "::/0":
					v6 = append(v6, port)
				default:
					t.Errorf("unexpected ALB ingress %s", rule.Name)
				}
			}
			assert.ElementsMatch(t, tc.albPorts, v4)
			assert.ElementsMatch(t, tc.albPorts, v6)

			// ALB egress only to the tasks on 8080; tasks egress HTTPS only.
			out := rulesOf(r, fgEgressType, alb)
			require.Len(t, out, 1)
			assert.Equal(t, tasks.ID, out[0].Str("referencedSecurityGroupId"))
			assert.Equal(t, 8080.0, out[0].Plain("fromPort"))
			out = rulesOf(r, fgEgressType, tasks)
			require.Len(t, out, 1)
			assert.Equal(t, "0.0.0.0/0", out[0].Str("cidrIpv4"))
			assert.Equal(t, 443.0, out[0].Plain("fromPort"))
			assert.Equal(t, 443.0, out[0].Plain("toPort"))

			svc := r.One(t, fgServiceType)
			assert.Equal(t, []any{tasks.ID}, svc.Plain("networkConfiguration.securityGroups"))
			assert.Equal(t, []any{alb.ID}, r.One(t, fgLBType).Plain("securityGroups"))
		})
	}
}

func TestFargateDevHasNoNATGateway(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(stack, nil))
			assert.Empty(t, r.OfType("aws:ec2/natGateway:NatGateway"), "no NAT gateway")
			assert.Empty(t, r.OfType("aws:ec2/eip:Eip"), "no elastic IP for a NAT")
			assert.Empty(t, r.OfType("aws:ec2/vpc:Vpc"), "the default VPC, not a new one")
			assert.Empty(t, r.OfType("aws:ec2/vpcEndpoint:VpcEndpoint"), "no paid interface endpoints")
			svc := r.One(t, fgServiceType)
			assert.Equal(t, true, svc.Plain("networkConfiguration.assignPublicIp"), "public IP instead of a NAT")
			subnets := []any{}
			for _, s := range bench.DefaultSubnetIDs {
				subnets = append(subnets, s)
			}
			assert.Equal(t, subnets, svc.Plain("networkConfiguration.subnets"))
			lb := r.One(t, fgLBType)
			assert.Equal(t, subnets, lb.Plain("subnets"))
			assert.Equal(t, false, lb.Plain("internal"))
			assert.Equal(t, "application", lb.Str("loadBalancerType"))
		})
	}
}

func TestFargatePrivateSubnetsOption(t *testing.T) {
	r := bench.MustRun(t, fargateOn("prod", map[string]string{
		"fargatePrivateSubnetIds": `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`,
	}))
	svc := r.One(t, fgServiceType)
	assert.Equal(t, false, svc.Plain("networkConfiguration.assignPublicIp"))
	assert.Equal(t, []any{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}, svc.Plain("networkConfiguration.subnets"))
	assert.Len(t, r.One(t, fgLBType).Plain("subnets"), 3, "the ALB stays in the public default subnets")
}

func TestFargateRolesSeparatedAndScoped(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(stack, nil))
			exec := r.Find(fgRoleType, "sgraph-send-"+stack+"-fargate-execution")
			task := r.Find(fgRoleType, "sgraph-send-"+stack+"-fargate-task")
			require.NotNil(t, exec)
			require.NotNil(t, task)
			td := r.One(t, fgTaskDefType)
			assert.Equal(t, fgState(exec, "arn"), td.Str("executionRoleArn"))
			assert.Equal(t, fgState(task, "arn"), td.Str("taskRoleArn"))
			assert.NotEqual(t, td.Str("executionRoleArn"), td.Str("taskRoleArn"), "two roles")
			for _, role := range []*bench.Resource{exec, task} {
				assert.Contains(t, role.Str("assumeRolePolicy"), `"Service":"ecs-tasks.amazonaws.com"`)
			}

			// Statements by role, each inline policy of the component.
			grants := map[string]map[string][]any{} // role id -> action -> resources
			for _, p := range r.OfType(fgPolicyType) {
				if p.ParentType() != fgComp {
					continue
				}
				var doc map[string]any
				require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc))
				if grants[p.Str("role")] == nil {
					grants[p.Str("role")] = map[string][]any{}
				}
				for _, st := range doc["Statement"].([]any) {
					st := st.(map[string]any)
					for _, a := range st["Action"].([]any) {
						res := st["Resource"].([]any)
						if a != "ecr:GetAuthorizationToken" { // no resource-level permissions in ECR
							assert.NotContains(t, res, "*", "%s: %s on *", p.Name, a)
						}
						grants[p.Str("role")][a.(string)] = res
					}
				}
			}
			require.Len(t, grants, 2, "inline policies on both roles")

			// Execution role: no managed policy; pull from the image's one
			// repository, write its own log streams, read only our parameters.
			for _, a := range r.OfType(fgAttachType) {
				assert.NotEqual(t, fgComp, a.ParentType(), "no managed policy (AmazonECSTaskExecutionRolePolicy grants ECR and logs on *): %s", a.Str("policyArn"))
			}
			params := r.OfType(fgParamType)
			require.NotEmpty(t, params)
			var paramArns []any
			for _, p := range params {
				paramArns = append(paramArns, fgState(p, "arn"))
			}
			// The repository of the image the task runs (bench.PrebuiltImage).
			repoName := strings.SplitN(strings.SplitN(bench.PrebuiltImage, "/", 2)[1], "@", 2)[0]
			repo := "arn:aws:ecr:eu-west-2:123456789012:repository/" + repoName
			logs := "arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/sgraph-send-" + stack + ":*"
			assert.Equal(t, map[string][]any{
				"ecr:GetAuthorizationToken":       {"*"},
				"ecr:BatchGetImage":               {repo},
				"ecr:GetDownloadUrlForLayer":      {repo},
				"ecr:BatchCheckLayerAvailability": {repo},
				"logs:CreateLogStream":            {logs},
				"logs:PutLogEvents":               {logs},
				"ssm:GetParameters":               paramArns,
			}, grants[exec.ID])
			policies := map[string]map[string]any{task.ID: {"Statement": []any{}}}
			for a, res := range grants[task.ID] {
				policies[task.ID]["Statement"] = append(policies[task.ID]["Statement"].([]any), map[string]any{"Action": []any{a}, "Resource": res})
			}

			// Task role: object access to the environment's bucket, nothing else.
			bucketArn := fgState(r.One(t, bucketType), "arn")
			taskDoc := policies[task.ID]
			require.NotNil(t, taskDoc, "task role's inline policy")
			var actions []string
			for _, s := range taskDoc["Statement"].([]any) {
				s := s.(map[string]any)
				for _, a := range s["Action"].([]any) {
					actions = append(actions, a.(string))
					switch a {
					case "s3:ListBucket":
						assert.Equal(t, []any{bucketArn}, s["Resource"])
					default:
						assert.Equal(t, []any{bucketArn + "/*"}, s["Resource"])
					}
				}
			}
			assert.ElementsMatch(t, []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}, actions)
			assert.NotContains(t, actions, "s3:CreateBucket")
		})
	}
}

func TestFargateSecretsByReference(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(stack, nil))
			params := r.OfType(fgParamType)
			require.Len(t, params, 1, "the container app needs the upload token only")
			p := params[0]
			assert.Equal(t, "/sgraph-send/"+stack+"/fargate/SGRAPH_SEND__ACCESS_TOKEN", p.Str("name"))
			assert.Equal(t, "SecureString", p.Str("type"))
			assert.True(t, p.IsSecret("value"), "the parameter value stays a Pulumi secret")
			assert.Equal(t, bench.TestSecrets["uploadToken"], p.Str("value"))

			c := fgContainer(t, r)
			assert.Equal(t, []any{map[string]any{"name": "SGRAPH_SEND__ACCESS_TOKEN", "valueFrom": fgState(p, "arn")}}, c["secrets"])
			env := map[string]any{}
			for _, e := range c["environment"].([]any) {
				e := e.(map[string]any)
				env[e["name"].(string)] = e["value"]
			}
			assert.NotContains(t, env, "SGRAPH_SEND__ACCESS_TOKEN", "secrets never in plain env")
			assert.NotContains(t, env, "FAST_API__AUTH__API_KEY__VALUE", "the container app has no admin key")
			assert.Equal(t, "s3", env["SEND__STORAGE_MODE"])
			assert.Equal(t, fgState(r.One(t, bucketType), "bucket"), env["SEND__S3_BUCKET"])
			assert.Equal(t, "container", env["SGRAPH_SEND_APP"])

			defs := r.One(t, fgTaskDefType).Str("containerDefinitions")
			for _, secret := range bench.TestSecrets {
				assert.NotContains(t, defs, secret, "no secret value in the task definition")
			}
			for _, o := range r.Outputs {
				for _, secret := range bench.TestSecrets {
					if !o.Secret {
						assert.NotContains(t, fmt.Sprint(o.Value), secret)
					}
				}
			}
		})
	}
}

func TestFargateDeploymentSafety(t *testing.T) {
	cases := []struct {
		stack   string
		wait    bool
		desired float64
	}{
		{"dev", false, 0},
		{"prod", true, 2},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn(tc.stack, nil))
			svc := r.One(t, fgServiceType)
			assert.Equal(t, true, svc.Plain("deploymentCircuitBreaker.enable"))
			assert.Equal(t, true, svc.Plain("deploymentCircuitBreaker.rollback"))
			assert.Equal(t, tc.wait, svc.Plain("waitForSteadyState"), "prod waits for steady state")
			assert.Equal(t, tc.desired, svc.Plain("desiredCount"))
			assert.Equal(t, 100.0, svc.Plain("deploymentMinimumHealthyPercent"))
			assert.Equal(t, !tc.wait, svc.Plain("forceDelete"), "dev destroys without draining")
			assert.Equal(t, fgState(r.One(t, fgClusterType), "arn"), svc.Str("cluster"))
			assert.Equal(t, fgState(r.One(t, fgTaskDefType), "arn"), svc.Str("taskDefinition"))
			assert.Empty(t, svc.IgnoreChanges, "no autoscaling: Pulumi owns desiredCount")
			assert.Empty(t, r.OfType(fgASTargetType), "no schedule unless configured")

			count, ok := r.Output(outputs.FargateDesiredCount)
			require.True(t, ok)
			assert.Equal(t, fmt.Sprint(tc.desired), fmt.Sprint(count.Value))
			cluster, _ := r.Output(outputs.FargateClusterName)
			assert.Equal(t, "sgraph-send-"+tc.stack, cluster.Value)
			name, _ := r.Output(outputs.FargateServiceName)
			assert.Equal(t, "sgraph-send-"+tc.stack, name.Value)
			for _, res := range r.Resources {
				// Only the log group holds data (prod's logs survive destroy).
				if res.Custom && res.ParentType() == fgComp && res.Type != "aws:cloudwatch/logGroup:LogGroup" {
					assert.False(t, res.Protect, "%s: nothing in the service holds data", res)
				}
			}
		})
	}
}

func TestFargateListeners(t *testing.T) {
	cases := []struct {
		name   string
		set    map[string]string
		url    string
		https  bool
		domain string
	}{
		{"http only without a certificate", nil, "http://sgraph-send-dev-1234567890.eu-west-2.elb.amazonaws.com", false, ""},
		{"https on a domain", map[string]string{"fargateCertificateArn": fgCert, "fargateDomainName": "send.example.com"},
			"https://send.example.com", true, "send.example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := bench.MustRun(t, fargateOn("dev", tc.set))
			url, ok := r.Output(outputs.FargateURL)
			require.True(t, ok)
			assert.Equal(t, tc.url, url.Value)
			lb := r.One(t, fgLBType)
			tg := r.One(t, fgTGType)
			listeners := map[float64]*bench.Resource{}
			for _, l := range r.OfType(fgListenerType) {
				assert.Equal(t, fgState(lb, "arn"), l.Str("loadBalancerArn"))
				listeners[l.Plain("port").(float64)] = l
			}
			http := listeners[80]
			require.NotNil(t, http, "port 80 always listens")
			assert.Equal(t, "HTTP", http.Str("protocol"))
			if !tc.https {
				require.Len(t, listeners, 1, "HTTP only")
				assert.Equal(t, "forward", http.Str("defaultActions[0].type"))
				assert.Equal(t, fgState(tg, "arn"), http.Str("defaultActions[0].targetGroupArn"))
				return
			}
			require.Len(t, listeners, 2)
			https := listeners[443]
			require.NotNil(t, https)
			assert.Equal(t, "HTTPS", https.Str("protocol"))
			assert.Equal(t, fgCert, https.Str("certificateArn"))
			assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", https.Str("sslPolicy"))
			assert.Equal(t, "max-age=31536000", https.Str("routingHttpResponseStrictTransportSecurityHeaderValue"), "HSTS")
			assert.Equal(t, "forward", https.Str("defaultActions[0].type"))
			assert.Equal(t, fgState(tg, "arn"), https.Str("defaultActions[0].targetGroupArn"))
			assert.Equal(t, "redirect", http.Str("defaultActions[0].type"), "80 only redirects")
			assert.Equal(t, "HTTPS", http.Str("defaultActions[0].redirect.protocol"))
			assert.Equal(t, "443", http.Str("defaultActions[0].redirect.port"))
			assert.Equal(t, "HTTP_301", http.Str("defaultActions[0].redirect.statusCode"))
			assert.Empty(t, http.Str("defaultActions[0].targetGroupArn"))
		})
	}
}

func TestFargateScheduledScaleToZero(t *testing.T) {
	r := bench.MustRun(t, fargateOn("dev", map[string]string{
		"fargateScaleToZeroCron": "cron(0 20 * * ? *)", "fargateDesiredCount": "1",
	}))
	target := r.One(t, fgASTargetType)
	assert.Equal(t, "ecs", target.Str("serviceNamespace"))
	assert.Equal(t, "ecs:service:DesiredCount", target.Str("scalableDimension"))
	assert.Equal(t, "service/sgraph-send-dev/sgraph-send-dev", target.Str("resourceId"))
	assert.Equal(t, 1.0, target.Plain("minCapacity"), "the schedule alone changes the count")
	assert.Equal(t, 1.0, target.Plain("maxCapacity"))
	action := r.One(t, fgASActionType)
	assert.Equal(t, "cron(0 20 * * ? *)", action.Str("schedule"))
	assert.Equal(t, "UTC", action.Str("timezone"))
	assert.Equal(t, target.Str("resourceId"), action.Str("resourceId"))
	assert.Equal(t, 0.0, action.Plain("scalableTargetAction.minCapacity"))
	assert.Equal(t, 0.0, action.Plain("scalableTargetAction.maxCapacity"))
	assert.Equal(t, []string{"desiredCount"}, r.One(t, fgServiceType).IgnoreChanges, "autoscaling owns the count")
	assert.Empty(t, policy.Failed(policy.Evaluate(r)))
}

func TestFargateBadConfig(t *testing.T) {
	cases := []struct {
		name  string
		stack string
		set   map[string]string
		key   string
		says  []string // fragments the message must hold
	}{
		{"memory not valid for cpu", "dev", map[string]string{"fargateCpu": "256", "fargateMemoryMb": "4096"},
			"sgraph-send:fargateMemoryMb", []string{"fargateCpu 256", "512, 1024, 2048"}},
		{"memory off the step", "dev", map[string]string{"fargateCpu": "1024", "fargateMemoryMb": "3000"},
			"sgraph-send:fargateMemoryMb", []string{"fargateCpu 1024", "2048, 3072, 4096"}},
		{"cpu not a fargate size", "dev", map[string]string{"fargateCpu": "300"},
			"sgraph-send:fargateCpu", []string{"256, 512, 1024, 2048, 4096, 8192, 16384"}},
		{"negative desired count", "dev", map[string]string{"fargateDesiredCount": "-1"},
			"sgraph-send:fargateDesiredCount", []string{"0..100"}},
		{"desired count too high", "prod", map[string]string{"fargateDesiredCount": "101"},
			"sgraph-send:fargateDesiredCount", []string{"0..100"}},
		{"malformed certificate arn", "dev", map[string]string{"fargateCertificateArn": "arn:aws:acm:eu-west-2:1234:certificate/abc"},
			"sgraph-send:fargateCertificateArn", []string{"ACM certificate ARN"}},
		{"certificate arn of another service", "prod", map[string]string{"fargateCertificateArn": "arn:aws:iam::123456789012:server-certificate/x"},
			"sgraph-send:fargateCertificateArn", []string{"ACM certificate ARN"}},
		{"malformed cron", "dev", map[string]string{"fargateScaleToZeroCron": "0 20 * * *"},
			"sgraph-send:fargateScaleToZeroCron", []string{"cron(0 20 * * ? *)"}},
		{"cron without ?", "dev", map[string]string{"fargateScaleToZeroCron": "cron(0 20 * * * *)"},
			"sgraph-send:fargateScaleToZeroCron", []string{"`?`"}},
		{"spot in prod", "prod", map[string]string{"fargateSpot": "true"},
			"sgraph-send:fargateSpot", []string{"on-demand"}},
		{"domain without certificate", "dev", map[string]string{"fargateDomainName": "send.example.com"},
			"sgraph-send:fargateDomainName", []string{"fargateCertificateArn"}},
		{"bad subnet id", "prod", map[string]string{"fargatePrivateSubnetIds": `["subnet-1","subnet-0123456789abcdef0"]`},
			"sgraph-send:fargatePrivateSubnetIds", []string{"subnet id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, fargateOn(tc.stack, tc.set))
			require.Contains(t, ce.Keys(), tc.key)
			msg := ce.Error()
			for _, s := range tc.says {
				assert.Contains(t, msg, s)
			}
			assert.Empty(t, r.Resources, "nothing registered on a config error")
		})
	}
}

func TestFargatePassesPolicies(t *testing.T) {
	variants := map[string]map[string]string{
		"defaults": nil,
		"https":    {"fargateCertificateArn": fgCert, "fargateDomainName": "send.example.com", "fargateScaleToZeroCron": "rate(1 day)"},
	}
	for _, stack := range bench.Stacks {
		for name, set := range variants {
			t.Run(stack+"/"+name, func(t *testing.T) {
				if stack == "prod" && set["fargateDomainName"] != "" {
					// Prod's own domain names the load balancer (fargate.<domain>).
					set = maps.Clone(set)
					delete(set, "fargateDomainName")
				}
				r := bench.MustRun(t, fargateOn(stack, set))
				for _, f := range policy.Failed(policy.Evaluate(r)) {
					t.Errorf("%s: %s: %s", f.Rule, f.Resource, f.Message)
				}
				// Everything the target registers lives inside its component.
				comp := r.One(t, fgComp)
				for _, res := range r.Resources {
					if strings.HasPrefix(res.Type, "aws:") && res.Type != bucketType && r.Ancestor(res, "sgraph-send:storage:Bucket") == nil && r.Ancestor(res, "sgraph-send:image:Image") == nil && !underOps(r, res) {
						assert.NotNil(t, r.Ancestor(res, fgComp), "%s is parented to the fargate component", res)
					}
				}
				assert.Equal(t, bench.StackType, comp.ParentType())
			})
		}
	}
}
