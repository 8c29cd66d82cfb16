package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// stackConfig is one stack's effective configuration, as the Pulumi CLI would
// hand it to the program: the stack file's values over Pulumi.yaml's defaults.
type stackConfig struct {
	project string
	values  map[string]string // fully qualified key -> value (objects and arrays as JSON)
	secrets map[string]bool   // keys whose value is a secret
}

// loadStackConfig reads Pulumi.yaml and Pulumi.<stack>.yaml from dir with
// Pulumi's own workspace package. Encrypted (secure:) values cannot be read
// without the stack's secrets provider; they are reported as present secrets
// and filled in by the caller.
func loadStackConfig(dir, stack string) (*stackConfig, []string, error) {
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, nil, fmt.Errorf("loading Pulumi.yaml: %w", err)
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("stack %q: %w", stack, err)
	}
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	ps, err := workspace.LoadProjectStack(sink, proj, path)
	if err != nil {
		return nil, nil, fmt.Errorf("loading %s: %w", filepath.Base(path), err)
	}
	sc := &stackConfig{project: proj.Name.String(), values: map[string]string{}, secrets: map[string]bool{}}
	var encrypted []string
	for k, v := range ps.Config {
		key := k.String()
		if v.Secure() {
			sc.secrets[key] = true
			encrypted = append(encrypted, key)
			continue
		}
		s, err := v.Value(config.NewBlindingDecrypter())
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", key, err)
		}
		sc.values[key] = s
	}
	// Apply project-level defaults exactly as the CLI does for absent keys.
	for name, decl := range proj.Config {
		key := name
		if !strings.Contains(key, ":") {
			key = sc.project + ":" + key
		}
		if _, set := sc.values[key]; set || sc.secrets[key] {
			continue
		}
		def := decl.Default
		if def == nil {
			def = decl.Value
		}
		if def == nil {
			continue
		}
		s, err := configString(def)
		if err != nil {
			return nil, nil, fmt.Errorf("Pulumi.yaml default of %s: %w", key, err)
		}
		sc.values[key] = s
	}
	return sc, encrypted, nil
}

// configString renders a YAML value the way the CLI passes config to programs.
func configString(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case bool, int, int64, float64:
		return fmt.Sprint(t), nil
	default:
		b, err := json.Marshal(normalize(t))
		return string(b), err
	}
}

// normalize turns YAML's map[any]any into JSON-encodable maps.
func normalize(v any) any {
	switch t := v.(type) {
	case map[any]any:
		m := map[string]any{}
		for k, e := range t {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case map[string]any:
		m := map[string]any{}
		for k, e := range t {
			m[k] = normalize(e)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	default:
		return t
	}
}

// FindRoot walks up from the working directory to the folder holding Pulumi.yaml,
// so tests in any package and the plan command find the real stack files.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no Pulumi.yaml above the working directory")
		}
		dir = parent
	}
}
