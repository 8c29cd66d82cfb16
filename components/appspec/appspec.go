// Package appspec describes how one SGraph Send process is started: which entry
// point, which version, which port, and its environment split into plain and
// secret values. It is the shared vocabulary of component args, not a component,
// and knows nothing about config or any target.
package appspec

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	HealthPath string // GET route that answers 200 when the app is up
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
