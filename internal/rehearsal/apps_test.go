package rehearsal

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

// devToken is dev's upload token and the fake apps': lowercase, since the
// program refuses a token with capitals at load (the app's UI lower-cases
// what a person types), unlike smoketest.Token.
const devToken = "upload-secret-rehearsal-dev-4e1b"

// swappable serves one fake app and can be switched to a broken variant.
type swappable struct{ h atomic.Pointer[http.Handler] }

func newSwappable(h http.Handler) *swappable {
	s := &swappable{}
	s.set(h)
	return s
}

func (s *swappable) set(h http.Handler) { s.h.Store(&h) }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }

// fakeApps are the deployed apps as the smoke harness will meet them, on
// 127.0.0.1: the admin API behind the SigV4-checking IAM front (the Function
// URL's AWS_IAM), the user API and the container app with the upload token on.
type fakeApps struct {
	admin, public, fargate, ec2, cloudRun *httptest.Server
	publicApp                             *swappable
}

func startApps(t *testing.T) *fakeApps {
	a := &fakeApps{publicApp: newSwappable(smoketest.NewApp(outputs.UserAPI, smoketest.Faults{}).WithTokenValue(devToken))}
	// The key header the program configures the real app with.
	admin := smoketest.NewApp(outputs.AdminAPI, smoketest.Faults{}).WithKey(stacks.DefaultContract().AdminKeyHeader, smoketest.Key)
	a.admin = httptest.NewServer(smoketest.IAMFront(admin, smoketest.Creds, smoketest.Region))
	a.public = httptest.NewServer(a.publicApp)
	a.fargate = httptest.NewServer(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithTokenValue(devToken))
	a.ec2 = httptest.NewTLSServer(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithTokenValue(devToken))
	a.cloudRun = httptest.NewServer(smoketest.NewApp(outputs.ContainerApp, smoketest.Faults{}).WithTokenValue(devToken))
	t.Cleanup(func() {
		for _, s := range []*httptest.Server{a.admin, a.public, a.fargate, a.ec2, a.cloudRun} {
			s.Close()
		}
	})
	return a
}

// rewrite points what the program turns into URLs at the fake apps: the
// providers answer with these instead of the mocks' cloud hostnames.
func (a *fakeApps) rewrite(typ, name string, st resource.PropertyMap) {
	host := func(s *httptest.Server) string { u, _ := url.Parse(s.URL); return u.Host }
	switch typ {
	case "aws:lambda/functionUrl:FunctionUrl":
		srv := a.public
		if strings.Contains(name, "admin") {
			srv = a.admin
		}
		st["functionUrl"] = resource.NewProperty(srv.URL + "/")
	case "aws:lb/loadBalancer:LoadBalancer":
		st["dnsName"] = resource.NewProperty(host(a.fargate))
	case "aws:ec2/instance:Instance":
		st["publicDns"] = resource.NewProperty(host(a.ec2))
	case "gcp:cloudrunv2/service:Service":
		st["uri"] = resource.NewProperty(a.cloudRun.URL)
	}
}
