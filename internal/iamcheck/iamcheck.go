// Package iamcheck proves that each runtime role grants what its runtime
// calls and nothing it never calls. The calls come from the record, not from
// the roles: the real app's S3 calls in s3 mode (../shared/real-app/README.md,
// "What the app asks of S3"), the secrets each runtime is given, the image
// pull and log shipping each platform documents. A missing action names the
// call that would fail; a surplus action names the grant nobody uses.
package iamcheck

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// Need is one action a runtime calls, on the resource it calls it on.
type Need struct {
	Action   string
	Resource string // an ARN; "*" for actions that take none
	Why      string
}

// Role is one runtime role and its verdict.
type Role struct {
	Runtime string   `json:"runtime"` // lambda public, ecs task, ecs execution, ec2 instance
	Role    string   `json:"role"`
	Missing []string `json:"missing,omitempty"`
	Surplus []string `json:"surplus,omitempty"`
	// Unrecorded: granted for calls the record does not cover yet (said, not proven).
	Unrecorded []string `json:"unrecorded,omitempty"`
	// Broad: wildcards of an AWS managed policy the program attaches, reported,
	// not failed (replacing AmazonECSTaskExecutionRolePolicy is issue 23's).
	Broad []string `json:"broad,omitempty"`
}

// Err is nil when the role grants exactly what its runtime calls.
func (r Role) Err() error {
	if len(r.Missing)+len(r.Surplus) == 0 {
		return nil
	}
	var parts []string
	if len(r.Missing) > 0 {
		parts = append(parts, "missing "+strings.Join(r.Missing, ", "))
	}
	if len(r.Surplus) > 0 {
		parts = append(parts, "surplus "+strings.Join(r.Surplus, ", "))
	}
	return fmt.Errorf("%s role %s: %s", r.Runtime, r.Role, strings.Join(parts, "; "))
}

// grant is one allowed (action, resource) of a role's policies.
type grant struct {
	action, resource, source string
}

// s3Needs: the app's S3 calls in s3 mode on its one bucket, as recorded:
// HeadBucket at start (s3:ListBucket, S3 API reference "HeadBucket"), then
// PutObject, HeadObject and GetObject (both s3:GetObject); HeadObject's 404
// for a missing key needs s3:ListBucket, else S3 answers 403 (S3 API
// reference "HeadObject", "Permissions"). No CreateBucket (the bucket
// exists), no ListBuckets, no listing of keys, no deletes.
func s3Needs(bucket string) []Need {
	arn := "arn:aws:s3:::" + bucket
	return []Need{
		{"s3:ListBucket", arn, "HeadBucket at start; 404 (not 403) for a missing transfer"},
		{"s3:PutObject", arn + "/*", "PutObject of meta.json and payload"},
		{"s3:GetObject", arn + "/*", "HeadObject and GetObject"},
	}
}

// unrecorded: grants kept for calls the record does not cover, by runtime.
// The admin API's S3 calls were recorded in memory mode only (tokens, keys,
// users); until they are recorded in s3 mode, deleting objects stays granted
// to the admin function alone.
var unrecorded = map[string][]string{
	"lambda admin": {"s3:DeleteObject"},
}

// Check proves every runtime role of a bench run.
func Check(r *bench.Result) []Role {
	var out []Role
	for _, fn := range r.OfType("aws:lambda/function:Function") {
		out = append(out, lambdaRole(r, fn))
	}
	for _, td := range r.OfType("aws:ecs/taskDefinition:TaskDefinition") {
		out = append(out, ecsRoles(r, td)...)
	}
	for _, inst := range r.OfType("aws:ec2/instance:Instance") {
		out = append(out, ec2Role(r, inst))
	}
	return out
}

// Errs joins the roles' errors, one line each.
func Errs(roles []Role) error {
	var lines []string
	for _, r := range roles {
		if err := r.Err(); err != nil {
			lines = append(lines, err.Error())
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}

// verdict compares needs with grants.
func verdict(runtime, role string, needs []Need, grants []grant) Role {
	v := Role{Runtime: runtime, Role: role}
	for _, n := range needs {
		ok := false
		for _, g := range grants {
			ok = ok || (match(g.action, n.Action) && match(g.resource, n.Resource))
		}
		if !ok {
			v.Missing = append(v.Missing, fmt.Sprintf("%s on %s (%s)", n.Action, n.Resource, n.Why))
		}
	}
	seen := map[string]bool{}
	for _, g := range grants {
		used, exact := false, false
		for _, n := range needs {
			used = used || (match(g.action, n.Action) && match(g.resource, n.Resource))
			exact = exact || (strings.EqualFold(g.action, n.Action) && g.resource == n.Resource)
		}
		key := g.action + " on " + g.resource
		if exact || seen[key] {
			continue
		}
		seen[key] = true
		if used {
			// Covers a call, but more than it: a wildcard action or resource.
			if _, ok := managedNames[g.source]; ok {
				v.Broad = append(v.Broad, fmt.Sprintf("%s (AWS managed %s)", key, g.source))
				continue
			}
			v.Surplus = append(v.Surplus, fmt.Sprintf("%s (from %s; broader than what the runtime calls)", key, g.source))
			continue
		}
		if contains(unrecorded[runtime], g.action) {
			v.Unrecorded = append(v.Unrecorded, key+" (the record does not cover it yet)")
			continue
		}
		v.Surplus = append(v.Surplus, fmt.Sprintf("%s (from %s; the runtime never calls it)", key, g.source))
	}
	sort.Strings(v.Missing)
	sort.Strings(v.Surplus)
	return v
}

// match: IAM's wildcard matching of actions and ARNs (* and ?, IAM User
// Guide "IAM JSON policy elements: Action / Resource"); actions ignore case.
func match(pattern, s string) bool {
	if strings.Contains(pattern, ":") && !strings.HasPrefix(pattern, "arn:") {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// path.Match treats / as a separator; ARNs need * to cross it.
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return ok
}

// policyGrants reads the Allow statements of a policy document.
func policyGrants(doc, source string) []grant {
	var d struct {
		Statement []struct {
			Effect   string
			Action   any
			Resource any
		}
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return []grant{{action: "<unreadable policy>", resource: "*", source: source}}
	}
	var out []grant
	for _, s := range d.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, a := range list(s.Action) {
			for _, res := range list(s.Resource) {
				out = append(out, grant{a, res, source})
			}
		}
	}
	return out
}

func list(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// managed are the AWS managed policies the program attaches, as AWS
// documents them (AWS Managed Policy Reference).
var managed = map[string][]grant{
	"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy": {
		{"ecr:GetAuthorizationToken", "*", "AmazonECSTaskExecutionRolePolicy"},
		{"ecr:BatchCheckLayerAvailability", "*", "AmazonECSTaskExecutionRolePolicy"},
		{"ecr:GetDownloadUrlForLayer", "*", "AmazonECSTaskExecutionRolePolicy"},
		{"ecr:BatchGetImage", "*", "AmazonECSTaskExecutionRolePolicy"},
		{"logs:CreateLogStream", "*", "AmazonECSTaskExecutionRolePolicy"},
		{"logs:PutLogEvents", "*", "AmazonECSTaskExecutionRolePolicy"},
	},
}

var managedNames = map[string]bool{"AmazonECSTaskExecutionRolePolicy": true}

// roleGrants collects a role's inline and attached policies; the role is
// referred to by name, id or ARN.
func roleGrants(r *bench.Result, role *bench.Resource) []grant {
	refs := []string{role.ID, role.Str("name"), str(role.State, "name"), str(role.State, "arn")}
	is := func(v string) bool { return v != "" && contains(refs, v) }
	var out []grant
	for _, p := range r.OfType("aws:iam/rolePolicy:RolePolicy") {
		if is(p.Str("role")) {
			out = append(out, policyGrants(p.Str("policy"), p.Name)...)
		}
	}
	for _, a := range r.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if !is(a.Str("role")) {
			continue
		}
		if gs, ok := managed[a.Str("policyArn")]; ok {
			out = append(out, gs...)
		} else {
			out = append(out, grant{"<every action of " + a.Str("policyArn") + ">", "*", a.Name})
		}
	}
	return out
}

// roleByRef finds a role by ARN or name.
func roleByRef(r *bench.Result, ref string) *bench.Resource {
	for _, role := range r.OfType("aws:iam/role:Role") {
		if ref != "" && (str(role.State, "arn") == ref || str(role.State, "name") == ref || role.ID == ref) {
			return role
		}
	}
	return nil
}
