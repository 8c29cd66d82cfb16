package iamcheck

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/components/lambdapair"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
)

// lambdaRole: the function's execution role writes its own log streams
// (Lambda Developer Guide, "Sending Lambda function logs to CloudWatch Logs":
// logs:CreateLogStream and logs:PutLogEvents; we create the group) and makes
// the app's S3 calls. The image is pulled by Lambda at deploy, with the
// deployer's rights and the repository policy, not the execution role.
func lambdaRole(r *bench.Result, fn *bench.Resource) Role {
	name := fn.Str("name")
	runtime := "lambda public"
	for _, u := range r.OfType("aws:lambda/functionUrl:FunctionUrl") {
		if u.Str("functionName") == name && u.Str("authorizationType") == "AWS_IAM" {
			runtime = "lambda admin"
		}
	}
	role := roleByRef(r, fn.Str("role"))
	if role == nil {
		return Role{Runtime: runtime, Role: fn.Str("role"), Missing: []string{"the role itself: not in the stack"}}
	}
	var needs []Need
	for _, lg := range r.OfType("aws:cloudwatch/logGroup:LogGroup") {
		if lg.Str("name") == "/aws/lambda/"+name {
			arn := strings.TrimSuffix(str(lg.State, "arn"), ":*")
			needs = append(needs, Need{"logs:CreateLogStream", arn + ":*", "the runtime opens a stream per environment"},
				Need{"logs:PutLogEvents", arn + ":*", "the app's log lines"})
		}
	}
	if fn.Str("environment.variables.SEND__STORAGE_MODE") == "s3" {
		needs = append(needs, s3Needs(fn.Str("environment.variables.SEND__S3_BUCKET"))...)
	}
	// The entry point reads the function's secrets with one ssm:GetParameters
	// at cold start (docker/sgraph_entry.py), from the parameters this
	// variable names.
	var params map[string]string
	if v := fn.Str("environment.variables." + lambdapair.SSMParametersEnv); v != "" && json.Unmarshal([]byte(v), &params) == nil {
		region, acct := arnRegionAccount(str(fn.State, "arn"))
		for _, pname := range params {
			needs = append(needs, Need{"ssm:GetParameters", fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", region, acct, pname), "secrets at cold start"})
		}
	}
	return verdict(runtime, role.Name, needs, roleGrants(r, role))
}

// container is what the roles of an ECS task need to know of its container.
type container struct {
	Image       string `json:"image"`
	Environment []struct {
		Name, Value string
	} `json:"environment"`
	Secrets []struct {
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	LogConfiguration struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

var ecrImage = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^@:]+)`)

// ecsRoles: the execution role pulls the image, ships awslogs and reads the
// secrets into the environment (ECS Developer Guide, "Amazon ECS task
// execution IAM role": ecr:GetAuthorizationToken, BatchCheckLayerAvailability,
// GetDownloadUrlForLayer, BatchGetImage; logs:CreateLogStream, PutLogEvents;
// ssm:GetParameters for Systems Manager secrets). The task role is the app's:
// its S3 calls only.
func ecsRoles(r *bench.Result, td *bench.Resource) []Role {
	var defs []container
	_ = json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs)
	var exec, task []Need
	for _, c := range defs {
		if m := ecrImage.FindStringSubmatch(c.Image); m != nil {
			repo := fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", m[2], m[1], m[3])
			exec = append(exec, Need{"ecr:GetAuthorizationToken", "*", "registry login (the action takes no resource)"},
				Need{"ecr:BatchCheckLayerAvailability", repo, "image pull"},
				Need{"ecr:GetDownloadUrlForLayer", repo, "image pull"},
				Need{"ecr:BatchGetImage", repo, "image pull"})
		}
		if c.LogConfiguration.LogDriver == "awslogs" {
			o := c.LogConfiguration.Options
			acct := ""
			if m := ecrImage.FindStringSubmatch(c.Image); m != nil {
				acct = m[1]
			}
			// The group's ARN with ":*", as for Lambda: CreateLogStream is
			// authorised on the log group, PutLogEvents on its streams.
			group := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", o["awslogs-region"], acct, o["awslogs-group"])
			exec = append(exec, Need{"logs:CreateLogStream", group, "awslogs driver"}, Need{"logs:PutLogEvents", group, "awslogs driver"})
		}
		for _, s := range c.Secrets {
			switch {
			case strings.HasPrefix(s.ValueFrom, "arn:aws:ssm:"):
				exec = append(exec, Need{"ssm:GetParameters", s.ValueFrom, "secret into the environment"})
			case strings.HasPrefix(s.ValueFrom, "arn:aws:secretsmanager:"):
				exec = append(exec, Need{"secretsmanager:GetSecretValue", s.ValueFrom, "secret into the environment"})
			}
		}
		env := map[string]string{}
		for _, e := range c.Environment {
			env[e.Name] = e.Value
		}
		if env["SEND__STORAGE_MODE"] == "s3" {
			task = append(task, s3Needs(env["SEND__S3_BUCKET"])...)
		}
	}
	var out []Role
	for _, x := range []struct {
		runtime, ref string
		needs        []Need
	}{{"ecs execution", td.Str("executionRoleArn"), exec}, {"ecs task", td.Str("taskRoleArn"), task}} {
		role := roleByRef(r, x.ref)
		if role == nil {
			if len(x.needs) > 0 {
				out = append(out, Role{Runtime: x.runtime, Role: x.ref, Missing: []string{"the role itself: not in the stack"}})
			}
			continue
		}
		out = append(out, verdict(x.runtime, role.Name, x.needs, roleGrants(r, role)))
	}
	return out
}

var header = regexp.MustCompile(`(?m)^SGRAPH_SEND_([A-Z_]+)='([^']*)'`)

// ec2Role: the instance reads its secrets (install.sh fetch_secrets: `aws ssm
// get-parameter`), ships logs with the CloudWatch agent (CreateLogStream,
// PutLogEvents), is reached by Session Manager (its documented minimum for
// the agent; there is no SSH), gets its certificate with certbot-dns-route53
// (its documentation: route53:ListHostedZones, GetChange,
// ChangeResourceRecordSets), and makes the app's S3 calls.
func ec2Role(r *bench.Result, inst *bench.Resource) Role {
	var role *bench.Resource
	for _, p := range r.OfType("aws:iam/instanceProfile:InstanceProfile") {
		if str(p.State, "name") == inst.Str("iamInstanceProfile") || p.ID == inst.Str("iamInstanceProfile") {
			role = roleByRef(r, p.Str("role"))
		}
	}
	if role == nil {
		return Role{Runtime: "ec2 instance", Role: inst.Str("iamInstanceProfile"), Missing: []string{"the role itself: not in the stack"}}
	}
	h := map[string]string{}
	for _, m := range header.FindAllStringSubmatch(policy.InstanceUserData(inst), -1) {
		h[m[1]] = m[2]
	}
	acct := strings.Split(str(role.State, "arn")+"::::", ":")[4]
	region := h["REGION"]
	needs := []Need{{"ssm:UpdateInstanceInformation", "*", "Session Manager"}}
	for _, a := range []string{"CreateControlChannel", "CreateDataChannel", "OpenControlChannel", "OpenDataChannel"} {
		needs = append(needs, Need{"ssmmessages:" + a, "*", "Session Manager"})
	}
	for _, a := range []string{"AcknowledgeMessage", "DeleteMessage", "FailMessage", "GetEndpoint", "GetMessages", "SendReply"} {
		needs = append(needs, Need{"ec2messages:" + a, "*", "SSM Agent"})
	}
	for _, line := range strings.Split(h["SECRET_PARAMS"], "\n") {
		if _, param, ok := strings.Cut(line, "="); ok {
			needs = append(needs, Need{"ssm:GetParameter", fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", region, acct, strings.TrimPrefix(param, "/")), "fetch_secrets"})
		}
	}
	if p := h["TLS_PARAMETER"]; p != "" {
		for _, k := range []string{"cert", "key"} {
			needs = append(needs, Need{"ssm:GetParameter", fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s/%s", region, acct, p, k), "TLS from SSM"})
		}
	}
	if g := h["LOG_GROUP"]; g != "" {
		arn := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:log-stream:*", region, acct, g)
		needs = append(needs, Need{"logs:CreateLogStream", arn, "CloudWatch agent"}, Need{"logs:PutLogEvents", arn, "CloudWatch agent"})
	}
	if h["DOMAIN"] != "" {
		zone := ""
		for _, rec := range r.OfType("aws:route53/record:Record") {
			if rec.Str("name") == h["DOMAIN"] {
				zone = rec.Str("zoneId")
			}
		}
		needs = append(needs, Need{"route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/" + zone, "certbot DNS-01 TXT record"},
			Need{"route53:GetChange", "arn:aws:route53:::change/*", "certbot waits for the change"},
			Need{"route53:ListHostedZones", "*", "certbot finds the zone"})
	}
	env := map[string]string{}
	for _, line := range strings.Split(h["APP_ENV"], "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	if env["SEND__STORAGE_MODE"] == "s3" {
		needs = append(needs, s3Needs(env["SEND__S3_BUCKET"])...)
	}
	return verdict("ec2 instance", role.Name, needs, roleGrants(r, role))
}

func str(m resource.PropertyMap, key string) string {
	v, ok := m[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	v = bench.Unsecret(v)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// arnRegionAccount: the region and account fields of an ARN.
func arnRegionAccount(arn string) (region, account string) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 5 {
		return "", ""
	}
	return f[3], f[4]
}
