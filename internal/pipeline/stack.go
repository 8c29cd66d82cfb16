package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Project is the Pulumi project name: config keys without a namespace belong to it.
const Project = "sgraph-send"

// Overrides are config values for one `up` only, keyed like `pulumi config` keys
// (targets or sgraph-send:targets). Values keep their type: string, int, bool or
// []string (a YAML list, as Pulumi.yaml declares targets).
type Overrides map[string]any

// String lists the overrides in key order, for logs and summaries (never secrets:
// overrides are non-secret by construction).
func (o Overrides) String() string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v, _ := json.Marshal(o[k])
		parts = append(parts, k+"="+string(v))
	}
	return strings.Join(parts, " ")
}

// Stack is what the pipeline does to a stack. Up applies overrides for that run only:
// the committed stack file never changes.
type Stack interface {
	Name() string
	// Config returns the stack's own non-secret config, fully-qualified keys, values as
	// `pulumi config --json` shows them (lists as JSON text).
	Config(ctx context.Context) (map[string]string, error)
	Up(ctx context.Context, o Overrides) error
	Outputs(ctx context.Context) (smoke.RawOutputs, error)
	Tags(ctx context.Context) (map[string]string, error)
	SetTags(ctx context.Context, tags map[string]string) error
	RemoveTags(ctx context.Context, keys []string) error
}

// qualify adds the project namespace to a bare key.
func qualify(key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return Project + ":" + key
}

// targetsOf reads the targets list from a stack's config.
func targetsOf(conf map[string]string) ([]string, error) {
	raw, ok := conf[qualify("targets")]
	if !ok || raw == "" {
		return nil, nil
	}
	var ts []string
	if err := json.Unmarshal([]byte(raw), &ts); err != nil {
		return nil, fmt.Errorf("config %s is %q, not a list of target names", qualify("targets"), raw)
	}
	return ts, nil
}

// with returns ts plus the names missing from it, in a stable order.
func with(ts []string, add ...string) []string {
	out := append([]string(nil), ts...)
	for _, a := range add {
		if !contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// without returns ts minus the names given.
func without(ts []string, drop ...string) []string {
	out := []string{}
	for _, t := range ts {
		if !contains(drop, t) {
			out = append(out, t)
		}
	}
	return out
}

func contains(ts []string, s string) bool {
	for _, t := range ts {
		if t == s {
			return true
		}
	}
	return false
}

// isProd reports whether a stack is prod by name (org/project/prod too) or by config.
func isProd(name string, conf map[string]string) bool {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name == "prod" || conf[qualify("environment")] == "prod"
}

// plain unwraps outputs for the release decisions (secrets are not read there).
func plain(raw smoke.RawOutputs) map[string]any {
	out, _ := raw.Split()
	return out
}
