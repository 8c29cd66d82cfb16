package reachability

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Status of one hop.
type Status string

const (
	OK     Status = "ok"
	Broken Status = "broken"
	// Assumed: the hop depends on something outside the graph (a certificate
	// brought by ARN, private subnets given by id); said, not proven.
	Assumed Status = "assumed"
)

// Hop is one step of a request's way there or back.
type Hop struct {
	Name   string `json:"hop"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Path is one endpoint (or one egress need) and the hops it takes.
type Path struct {
	Runtime  string `json:"runtime"`
	Endpoint string `json:"endpoint"` // the output key, or egress:<service>
	URL      string `json:"url"`
	Client   string `json:"client,omitempty"` // ipv4, ipv6
	Hops     []Hop  `json:"hops"`
}

// Report is every path of one stack.
type Report struct {
	Stack string `json:"stack"`
	Paths []Path `json:"paths"`
}

// FirstBroken is the first hop that fails, or nil.
func (p Path) FirstBroken() *Hop {
	for i := range p.Hops {
		if p.Hops[i].Status == Broken {
			return &p.Hops[i]
		}
	}
	return nil
}

// Failed lists the broken paths.
func (r Report) Failed() []Path {
	var out []Path
	for _, p := range r.Paths {
		if p.FirstBroken() != nil {
			out = append(out, p)
		}
	}
	return out
}

// Err names the first broken hop of every broken path, or is nil.
func (r Report) Err() error {
	var errs []error
	for _, p := range r.Failed() {
		errs = append(errs, errors.New(p.Describe(r.Stack)))
	}
	return errors.Join(errs...)
}

// Describe is "prod fargate https://…: <first broken hop>" (or "reachable").
func (p Path) Describe(stack string) string {
	who := p.URL
	if p.Client != "" {
		who += " (" + p.Client + ")"
	}
	if h := p.FirstBroken(); h != nil {
		return fmt.Sprintf("%s %s %s: %s: %s", stack, p.Runtime, who, h.Name, h.Detail)
	}
	return fmt.Sprintf("%s %s %s: reachable in %d hops", stack, p.Runtime, who, len(p.Hops))
}

// trace collects hops; once one breaks, the rest are not walked.
type trace struct {
	p *Path
}

func (t *trace) ok(name, format string, a ...any) {
	t.p.Hops = append(t.p.Hops, Hop{name, OK, fmt.Sprintf(format, a...)})
}

func (t *trace) assumed(name, format string, a ...any) {
	t.p.Hops = append(t.p.Hops, Hop{name, Assumed, fmt.Sprintf(format, a...)})
}

// fail records a broken hop and returns false so callers can `return t.fail(...)`.
func (t *trace) fail(name, format string, a ...any) bool {
	t.p.Hops = append(t.p.Hops, Hop{name, Broken, fmt.Sprintf(format, a...)})
	return false
}

// endpoints maps the stack outputs that are URLs to the runtime serving them.
var endpoints = map[string]string{
	"fargateUrl":      "fargate",
	"ec2Url":          "ec2",
	"cloudRunUrl":     "cloudrun",
	"lambdaPublicUrl": "lambda",
	"lambdaAdminUrl":  "lambda",
}

// Check proves every endpoint the stack outputs and every runtime's egress.
func Check(g *Graph) Report {
	r := Report{Stack: g.Stack}
	keys := make([]string, 0, len(g.Outputs))
	for k := range g.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		raw, _ := g.Outputs[key].(string)
		runtime, known := endpoints[key]
		if !known {
			if strings.HasSuffix(key, "Url") && strings.HasPrefix(raw, "http") {
				p := Path{Runtime: "?", Endpoint: key, URL: raw}
				(&trace{&p}).fail("model", "output %s is an endpoint no reachability model covers: add one in internal/reachability", key)
				r.Paths = append(r.Paths, p)
			}
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			p := Path{Runtime: runtime, Endpoint: key, URL: raw}
			(&trace{&p}).fail("url", "output %s = %q is not an absolute URL", key, raw)
			r.Paths = append(r.Paths, p)
			continue
		}
		switch runtime {
		case "fargate":
			r.Paths = append(r.Paths, fargatePaths(g, key, u)...)
		case "ec2":
			r.Paths = append(r.Paths, ec2Path(g, key, u))
		case "cloudrun":
			r.Paths = append(r.Paths, cloudRunPath(g, key, u))
		case "lambda":
			r.Paths = append(r.Paths, lambdaPath(g, key, u))
		}
	}
	r.Paths = append(r.Paths, egressPaths(g)...)
	return r
}

// port is the URL's port, or its scheme's default.
func port(u *url.URL) int {
	if p := u.Port(); p != "" {
		return num(p)
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

// covers: a certificate name covers host exactly, or as a wildcard of one
// label (RFC 6125 6.4.3, as ACM documents for wildcard names).
func covers(name, host string) bool {
	name, host = strings.ToLower(strings.TrimSuffix(name, ".")), strings.ToLower(host)
	if name == host {
		return true
	}
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		if i := strings.IndexByte(host, '.'); i > 0 && host[i+1:] == rest {
			return true
		}
	}
	return false
}
