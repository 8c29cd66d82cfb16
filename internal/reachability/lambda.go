package reachability

import (
	"net/url"
)

// Lambda function URLs (AWS Lambda Developer Guide, "Control access to Lambda
// function URLs"): with auth type NONE, the function's resource-based policy
// must grant lambda:InvokeFunctionUrl to principal * (and, since October
// 2025, lambda:InvokeFunction too) or every request is 403; with AWS_IAM the
// caller's identity policy grants it (outside the graph, assumed).

const (
	tFunction = "aws:lambda/function:Function"
	tURL      = "aws:lambda/functionUrl:FunctionUrl"
	tPerm     = "aws:lambda/permission:Permission"
)

func lambdaPath(g *Graph, key string, u *url.URL) Path {
	p := Path{Runtime: "lambda", Endpoint: key, URL: u.String()}
	t := &trace{&p}
	var fu *Node
	for _, n := range g.OfType(tURL) {
		if n.Str("functionUrl") == u.String() {
			fu = n
		}
	}
	if fu == nil {
		t.fail("function url", "no function URL in the stack is %s", u)
		return p
	}
	fn := g.byRef(tFunction, fu.Str("functionName"))
	if fn == nil {
		t.fail("function url", "function URL %s belongs to %q, which is not in the stack", fu.Name, fu.Str("functionName"))
		return p
	}
	t.ok("function url", "function URL %s of %s (auth %s)", fu.Name, fn.Name, fu.Str("authorizationType"))
	if fu.Str("authorizationType") != "NONE" {
		t.assumed("invoke permission", "AWS_IAM: callers' own policies grant lambda:InvokeFunctionUrl (not in this stack)")
		return p
	}
	for _, action := range []string{"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"} {
		var perm *Node
		for _, n := range g.OfType(tPerm) {
			if n.Str("action") == action && n.Str("principal") == "*" && (n.Str("function") == fn.Str("name") || n.Str("function") == fn.Str("arn")) {
				perm = n
			}
		}
		if perm == nil {
			t.fail("invoke permission", "function %s has a public URL but no permission granting %s to *: every request is 403", fn.Name, action)
			return p
		}
		t.ok("invoke permission", "permission %s grants %s to *", perm.Name, action)
	}
	t.ok("back", "the function URL returns the function's response")
	return p
}
