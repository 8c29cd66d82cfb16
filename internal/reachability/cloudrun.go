package reachability

import (
	"net/url"
	"strings"
)

// Cloud Run (cloud.google.com/run/docs): "Restricting ingress": only the
// ingress setting INGRESS_TRAFFIC_ALL admits requests from the internet;
// "Allowing public (unauthenticated) access": a request without a Google
// identity token reaches the container only when allUsers holds
// roles/run.invoker on the service; "Container runtime contract": the
// container must listen on the port Cloud Run sends requests to (the
// container port, passed as $PORT).

const (
	tRunService = "gcp:cloudrunv2/service:Service"
	tRunMember  = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
)

func cloudRunPath(g *Graph, key string, u *url.URL) Path {
	p := Path{Runtime: "cloudrun", Endpoint: key, URL: u.String()}
	t := &trace{&p}
	svcs := g.OfType(tRunService)
	if len(svcs) != 1 {
		t.fail("service", "want one Cloud Run service behind %s, found %d", u.Host, len(svcs))
		return p
	}
	svc := svcs[0]
	if uri := svc.Str("uri"); uri != "" && !strings.EqualFold(strings.TrimSuffix(uri, "/"), strings.TrimSuffix(u.String(), "/")) {
		t.fail("service", "service %s's URI is %s, the output says %s", svc.Name, uri, u)
		return p
	}
	t.ok("service", "service %s serves %s over HTTPS (Google-managed certificate)", svc.Name, u.Host)
	if in := svc.Str("ingress"); in != "INGRESS_TRAFFIC_ALL" {
		t.fail("ingress", "service %s has ingress %q: requests from the internet are refused (404)", svc.Name, in)
		return p
	}
	t.ok("ingress", "ingress INGRESS_TRAFFIC_ALL admits the internet")
	public, _ := g.Outputs["cloudRunPublic"].(bool)
	var grant *Node
	for _, m := range g.OfType(tRunMember) {
		if m.Str("member") == "allUsers" && m.Str("role") == "roles/run.invoker" && m.Str("name") == svc.Str("name") {
			grant = m
		}
	}
	switch {
	case public && grant == nil:
		t.fail("invoker", "cloudRunPublic is true but allUsers holds no roles/run.invoker on %s: every browser gets 403", svc.Name)
		return p
	case !public && grant != nil:
		t.fail("invoker", "cloudRunPublic is false but %s grants allUsers roles/run.invoker", grant.Name)
		return p
	case public:
		t.ok("invoker", "%s grants allUsers roles/run.invoker (cloudRunPublic)", grant.Name)
	default:
		t.ok("invoker", "private: callers need roles/run.invoker and an identity token (cloudRunPublic false)")
	}
	cp := svc.Num("template.containers[0].ports[0].containerPort")
	if sp := svc.Num("template.containers[0].startupProbe.httpGet.port"); cp > 0 && sp > 0 && sp != cp {
		t.fail("container port", "the startup probe checks %d, requests go to %d: the revision never becomes ready", sp, cp)
		return p
	}
	t.ok("container port", "requests go to the container on %d ($PORT)", cp)
	t.ok("back", "Cloud Run returns the response on the request's connection")
	return p
}
