package policy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

const (
	lambdaFunctionType   = "aws:lambda/function:Function"
	lambdaURLType        = "aws:lambda/functionUrl:FunctionUrl"
	lambdaPermissionType = "aws:lambda/permission:Permission"
	lambdaLogGroupType   = "aws:cloudwatch/logGroup:LogGroup"
	lambdaRoleType       = "aws:iam/role:Role"
	lambdaRolePolicyType = "aws:iam/rolePolicy:RolePolicy"
	lambdaFunctionComp   = "sgraph-send:lambdapair:Function"
)

func init() {
	classify(map[string]string{
		lambdaFunctionType:   "tags",
		lambdaURLType:        "",
		lambdaPermissionType: "",
		lambdaLogGroupType:   "tags",
		lambdaRoleType:       "tags",
		lambdaRolePolicyType: "",
	})
}

// lambdaName is a function's physical name (its `name` input, else the
// provider's answer).
func lambdaName(fn *bench.Resource) string {
	if n := fn.Str("name"); n != "" {
		return n
	}
	if v, ok := fn.State["name"]; ok && v.IsString() {
		return v.StringValue()
	}
	return fn.Name
}

// lambdaIsAdmin says a function (by physical name) serves the admin API: its
// name ends in -admin, or it sits in a lambdapair Function component whose
// name does.
func lambdaIsAdmin(r *bench.Result, name string) bool {
	if strings.HasSuffix(name, "-admin") {
		return true
	}
	for _, fn := range r.OfType(lambdaFunctionType) {
		if lambdaName(fn) == name {
			if c := r.Ancestor(fn, lambdaFunctionComp); c != nil && strings.HasSuffix(c.Name, "-admin") {
				return true
			}
		}
	}
	return false
}

// lambdaAttached returns the resources of token whose `key` input names fn.
func lambdaAttached(r *bench.Result, token, key, fn string) []*bench.Resource {
	var out []*bench.Resource
	for _, res := range r.OfType(token) {
		if res.Str(key) == fn {
			out = append(out, res)
		}
	}
	return out
}

// LambdaAdminURLIAM: the admin API's Function URL is never NONE and its
// function has no statement granting anyone ("*") invoke.
var LambdaAdminURLIAM = Rule{Name: "lambda-admin-url-iam", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, fn := range r.OfType(lambdaFunctionType) {
		name := lambdaName(fn)
		if !lambdaIsAdmin(r, name) {
			continue
		}
		var problems []string
		urls := lambdaAttached(r, lambdaURLType, "functionName", name)
		for _, u := range urls {
			if auth := u.Str("authorizationType"); auth != "AWS_IAM" {
				problems = append(problems, fmt.Sprintf("Function URL %s has auth %q, must be AWS_IAM", u.Name, auth))
			}
		}
		for _, p := range lambdaAttached(r, lambdaPermissionType, "function", name) {
			if p.Str("principal") == "*" {
				problems = append(problems, fmt.Sprintf("permission %s grants %s to everyone", p.Name, p.Str("action")))
			}
			if a := p.Str("functionUrlAuthType"); a != "" && a != "AWS_IAM" {
				problems = append(problems, fmt.Sprintf("permission %s is for a %s Function URL", p.Name, a))
			}
		}
		out = append(out, verdict(fn, problems, fmt.Sprintf("admin function: %d AWS_IAM URL(s), no public grant", len(urls))))
	}
	return out
}}

// LambdaPublicURLPermissions: a NONE Function URL works only with both
// statements AWS requires since October 2025: lambda:InvokeFunctionUrl with
// FunctionUrlAuthType NONE and lambda:InvokeFunction, both for principal "*".
var LambdaPublicURLPermissions = Rule{Name: "lambda-public-url-permissions", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, u := range r.OfType(lambdaURLType) {
		if u.Str("authorizationType") != "NONE" {
			continue
		}
		var urlGrant, invokeGrant bool
		for _, p := range lambdaAttached(r, lambdaPermissionType, "function", u.Str("functionName")) {
			if p.Str("principal") != "*" {
				continue
			}
			switch p.Str("action") {
			case "lambda:InvokeFunctionUrl":
				urlGrant = urlGrant || p.Str("functionUrlAuthType") == "NONE"
			case "lambda:InvokeFunction":
				invokeGrant = true
			}
		}
		var problems []string
		if !urlGrant {
			problems = append(problems, `no lambda:InvokeFunctionUrl permission for "*" with FunctionUrlAuthType NONE`)
		}
		if !invokeGrant {
			problems = append(problems, `no lambda:InvokeFunction permission for "*" (required for Function URLs since October 2025)`)
		}
		out = append(out, verdict(u, problems, "public URL has both invoke permissions"))
	}
	return out
}}

// LambdaLogRetention: every function logs to /aws/lambda/<name>, a log group
// this stack creates with a retention and creates first, so logs expire and
// `destroy` removes the group.
var LambdaLogRetention = Rule{Name: "lambda-log-retention", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, fn := range r.OfType(lambdaFunctionType) {
		want := "/aws/lambda/" + lambdaName(fn)
		var problems []string
		groups := lambdaAttached(r, lambdaLogGroupType, "name", want)
		if len(groups) == 0 {
			problems = append(problems, "no log group "+want+" in the stack: Lambda would create one without retention that destroy leaves behind")
		}
		for _, g := range groups {
			if days, _ := g.Plain("retentionInDays").(float64); days <= 0 {
				problems = append(problems, "log group "+want+" has no retention")
			}
			if !r.DependsOn(fn, g) {
				problems = append(problems, "function does not depend on log group "+want)
			}
		}
		if got := fn.Str("loggingConfig.logGroup"); got != "" && got != want {
			problems = append(problems, fmt.Sprintf("loggingConfig points at %s, not %s", got, want))
		}
		out = append(out, verdict(fn, problems, "logs to "+want+" with retention, created first"))
	}
	return out
}}

// lambdaAllowedActions is everything a Lambda execution role may do here.
var lambdaAllowedActions = map[string]bool{
	"logs:CreateLogStream": true, "logs:PutLogEvents": true,
	"s3:GetObject": true, "s3:PutObject": true, "s3:DeleteObject": true, "s3:ListBucket": true,
	// its own secret parameters only (checked below): the entry point reads
	// the admin key or upload token at cold start (lambda_secrets.go).
	"ssm:GetParameters": true,
}

// LambdaLeastPrivilege: a function's execution role has only inline policies
// with the actions above, no "*" action, and no wildcard resource except its
// own log group's streams (<group arn>:*) and objects of an S3 bucket
// (arn:aws:s3:::<bucket>/*).
var LambdaLeastPrivilege = Rule{Name: "lambda-role-least-privilege", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, fn := range r.OfType(lambdaFunctionType) {
		var problems []string
		var role *bench.Resource
		for _, ro := range r.OfType(lambdaRoleType) {
			if a, ok := ro.State["arn"]; ok && a.IsString() && a.StringValue() == fn.Str("role") {
				role = ro
			}
		}
		if role == nil {
			out = append(out, fail(fn, "execution role is not created by this stack, so its privileges cannot be checked"))
			continue
		}
		if arns, _ := role.Plain("managedPolicyArns").([]any); len(arns) > 0 {
			problems = append(problems, fmt.Sprintf("role %s has managed policies %v", role.Name, arns))
		}
		logGroupArn := ""
		for _, g := range lambdaAttached(r, lambdaLogGroupType, "name", "/aws/lambda/"+lambdaName(fn)) {
			if a, ok := g.State["arn"]; ok && a.IsString() {
				logGroupArn = a.StringValue()
			}
		}
		policies := lambdaAttached(r, lambdaRolePolicyType, "role", role.ID)
		if len(policies) == 0 {
			problems = append(problems, "role has no policy: the function could not write logs")
		}
		for _, p := range policies {
			problems = append(problems, lambdaPolicyProblems(p.Name, p.Str("policy"), logGroupArn)...)
			problems = append(problems, lambdaParameterScope(p.Name, p.Str("policy"), lambdaName(fn))...)
		}
		out = append(out, verdict(fn, problems, "execution role: own log streams and bucket objects only"))
	}
	return out
}}

// lambdaPolicyProblems checks one policy document against the rule above.
func lambdaPolicyProblems(name, doc, logGroupArn string) []string {
	var parsed lambdaPolicyDoc
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
		return []string{fmt.Sprintf("policy %s is not valid JSON: %v", name, err)}
	}
	var ps []string
	for i, st := range parsed.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			if strings.Contains(a, "*") || !lambdaAllowedActions[a] {
				ps = append(ps, fmt.Sprintf("policy %s statement %d allows %q", name, i, a))
			}
		}
		for _, res := range st.Resource {
			switch {
			case !strings.Contains(res, "*"):
			case logGroupArn != "" && res == logGroupArn+":*" && lambdaOnly(st.Action, "logs:"):
			case strings.HasPrefix(res, "arn:aws:s3:::") && strings.Count(res, "*") == 1 && strings.HasSuffix(res, "/*") &&
				!strings.Contains(strings.TrimSuffix(res, "/*"), "/") && lambdaOnly(st.Action, "s3:"):
			default:
				ps = append(ps, fmt.Sprintf("policy %s statement %d has wildcard resource %q", name, i, res))
			}
		}
	}
	sort.Strings(ps)
	return ps
}

func lambdaOnly(actions []string, prefix string) bool {
	for _, a := range actions {
		if !strings.HasPrefix(a, prefix) {
			return false
		}
	}
	return true
}

// lambdaPolicyDoc is the part of an IAM policy document the Lambda rules read.
type lambdaPolicyDoc struct {
	Statement []struct {
		Effect   string
		Action   lambdaStrings
		Resource lambdaStrings
	}
}

// lambdaStrings decodes an IAM field that may be one string or a list.
type lambdaStrings []string

func (s *lambdaStrings) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}
