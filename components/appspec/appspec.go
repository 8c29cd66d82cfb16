// Package appspec describes how one SGraph Send process is started: which entry
// point, which version, which port, and its environment split into plain and
// secret values. It is the shared vocabulary of component args, not a component,
// and knows nothing about config or any target.
package appspec

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Mode selects the app's entry point inside our image (see docker/entrypoint.sh).
type Mode string

const (
	UserAPI   Mode = "user"      // transfer API under /api, no UI
	AdminAPI  Mode = "admin"     // tokens, keys, users, /admin UI
	Container Mode = "container" // user API + UI at /send/
)

// ModeEnv is the variable our image reads to pick the entry point.
const ModeEnv = "SGRAPH_SEND_APP"

// Runtime is everything a target needs to start one app process.
type Runtime struct {
	Mode       Mode
	Version    string // sgraph-ai-app-send version, no leading "v"
	Port       int    // port the app listens on inside the container or host
	HealthPath string // GET route that answers 200 when the app is up (checks that can send credentials)
	// ProbePath is a GET route that answers 200 without any credential, for
	// checks that cannot carry a secret (load balancer target groups, Cloud Run
	// probes): with an upload token set, the container app answers 401 on
	// every other route, HealthPath included.
	ProbePath string
	// HealthAuth are the credentials an in-runtime health check sends, each a
	// header whose value the check reads from its own environment at run time,
	// so no secret value is ever written into a command, a template or user data.
	HealthAuth []HeaderFromEnv
	// UI, when set, are the user UI's broken entry points and the working pages
	// the image's redirect layer (docker/sgraph_entry.py) sends them to; the
	// stack passes them in Env as UIRedirectsEnv. Zero value: no redirects.
	UI UIRoutes
	// Env holds plain environment variables (names per the app contract).
	Env pulumi.StringMap
	// SecretEnv holds environment variables whose values are Pulumi secrets.
	// Targets deliver them through their secret store where they have one.
	SecretEnv pulumi.StringMap
}

// Environment merges plain and secret variables, for targets whose only
// delivery is an environment block (the merged map stays secret where needed).
func (r Runtime) Environment() pulumi.StringMap {
	out := pulumi.StringMap{ModeEnv: pulumi.String(string(r.Mode))}
	for k, v := range r.Env {
		out[k] = v
	}
	for k, v := range r.SecretEnv {
		out[k] = pulumi.ToSecret(v).(pulumi.StringOutput)
	}
	return out
}

// PlainEnvironment is Env plus the mode selector: what may be stored in plaintext.
func (r Runtime) PlainEnvironment() pulumi.StringMap {
	out := pulumi.StringMap{ModeEnv: pulumi.String(string(r.Mode))}
	for k, v := range r.Env {
		out[k] = v
	}
	return out
}

// HeaderFromEnv is one request header whose value is the environment variable
// Env of the process that sends it.
type HeaderFromEnv struct {
	Header string // e.g. x-sgraph-access-token
	Env    string // e.g. SGRAPH_SEND__ACCESS_TOKEN
}

// UIRoutes map the paths a person meets (the site root, the share link the
// upload page hands out) to the versioned pages that actually serve the UI.
type UIRoutes struct {
	EntryPath    string // e.g. "/": the app redirects it to a page whose locale script 404s
	SharePath    string // e.g. "/en-gb/download/": the share link's path, 404 on the container app
	UploadPage   string // e.g. "/send/v0/v0.2/v0.2.0/en-gb/index.html"
	DownloadPage string // e.g. "/send/v0/v0.2/v0.2.0/en-gb/download/index.html"
}

// Enabled reports whether any redirect is configured.
func (u UIRoutes) Enabled() bool { return u.EntryPath != "" || u.SharePath != "" }

// Redirect is one exact path the app's redirect layer sends to another path on the same site.
type Redirect struct {
	Name     string // stable short name: entry, share, share-index
	From, To string
}

// Redirects lists the exact-path redirects for u: the entry path to the upload
// page, and the share path (plus its index.html when it names a folder) to the
// download page. The query string is kept by every proxy we configure; the
// fragment (#<transfer id>/<key> on a share link) never reaches a proxy, and
// browsers keep it across a redirect whose Location has none (RFC 9110 10.2.2),
// so the key survives.
func (u UIRoutes) Redirects() []Redirect {
	var out []Redirect
	if u.EntryPath != "" && u.UploadPage != "" && u.EntryPath != u.UploadPage {
		out = append(out, Redirect{"entry", u.EntryPath, u.UploadPage})
	}
	if u.SharePath != "" && u.DownloadPage != "" && u.SharePath != u.DownloadPage {
		out = append(out, Redirect{"share", u.SharePath, u.DownloadPage})
		if strings.HasSuffix(u.SharePath, "/") && u.SharePath+"index.html" != u.DownloadPage {
			out = append(out, Redirect{"share-index", u.SharePath + "index.html", u.DownloadPage})
		}
	}
	return out
}

// UIRedirectsEnv is the variable the image's redirect layer reads
// (docker/sgraph_entry.py, UIRedirects): "/from=/to,/from=/to".
const UIRedirectsEnv = "SGRAPH_SEND_UI_REDIRECTS"

// EnvValue renders u's redirects for UIRedirectsEnv; "" when there are none.
// SafePath paths hold no "," or "=", so the list needs no quoting.
func (u UIRoutes) EnvValue() string {
	var parts []string
	for _, r := range u.Redirects() {
		parts = append(parts, r.From+"="+r.To)
	}
	return strings.Join(parts, ",")
}

// SafePath reports whether p is an absolute URL path made only of characters
// that need no quoting in an nginx config, an ALB rule or a shell/Python
// literal: letters, digits and . _ ~ - /. It must stay on this origin: no
// "//" anywhere (a Location of //evil.example/x is another host) and no . or
// .. segment.
func SafePath(p string) bool {
	if !strings.HasPrefix(p, "/") || len(p) > 128 || strings.Contains(p, "//") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	for _, c := range p {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune("._~-/", c):
		default:
			return false
		}
	}
	return true
}
