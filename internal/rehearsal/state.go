package rehearsal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// State is a stack's resources as the engine recorded them.
func State(ctx context.Context, st auto.Stack) ([]apitype.ResourceV3, error) {
	ud, err := st.Export(ctx)
	if err != nil {
		return nil, fmt.Errorf("stack export %s: %w", st.Name(), err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(ud.Deployment, &d); err != nil {
		return nil, fmt.Errorf("stack export %s: %w", st.Name(), err)
	}
	return d.Resources, nil
}

// CloudResources are the custom resources of a state, without the default
// providers: what would exist in a cloud account.
func CloudResources(rs []apitype.ResourceV3) []apitype.ResourceV3 {
	var out []apitype.ResourceV3
	for _, r := range rs {
		if r.Custom && !strings.HasPrefix(string(r.Type), "pulumi:providers:") {
			out = append(out, r)
		}
	}
	return out
}

// secretForms are the encodings a leaked secret would be found in.
func secretForms(v string) map[string]string {
	b := []byte(v)
	return map[string]string{
		"plaintext":       v,
		"base64":          base64.StdEncoding.EncodeToString(b),
		"base64 (raw)":    base64.RawStdEncoding.EncodeToString(b),
		"base64url":       base64.URLEncoding.EncodeToString(b),
		"base64url (raw)": base64.RawURLEncoding.EncodeToString(b),
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ScanSecrets fails when any file under dir (the backend: state, history,
// backups) holds a secret value in plaintext or base64, naming the secret's
// key, the encoding, the file and, in JSON files, where in the document.
func ScanSecrets(dir string, secrets map[string]string) error {
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		keys := make([]string, 0, len(secrets))
		for k := range secrets {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			forms := secretForms(secrets[key])
			names := make([]string, 0, len(forms))
			for n := range forms {
				names = append(names, n)
			}
			sort.Strings(names)
			seen := map[string]bool{}
			for _, form := range names {
				if seen[forms[form]] {
					continue // the same bytes under another name
				}
				seen[forms[form]] = true
				if !strings.Contains(string(b), forms[form]) {
					continue
				}
				where := jsonPaths(b, forms[form])
				found = append(found, fmt.Sprintf("secret %s in %s in %s%s", key, form, rel, where))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(found) > 0 {
		return fmt.Errorf("secret value stored in the state backend:\n  %s", strings.Join(found, "\n  "))
	}
	return nil
}

// jsonPaths names where in a JSON document a string holding needle is,
// with the resource URN when it is inside one.
func jsonPaths(doc []byte, needle string) string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return ""
	}
	var paths []string
	var walk func(v any, path, urn string)
	walk = func(v any, path, urn string) {
		switch t := v.(type) {
		case map[string]any:
			if u, ok := t["urn"].(string); ok {
				urn = u
			}
			for k, e := range t {
				walk(e, path+"."+k, urn)
			}
		case []any:
			for i, e := range t {
				walk(e, fmt.Sprintf("%s[%d]", path, i), urn)
			}
		case string:
			if strings.Contains(t, needle) || strings.Contains(mustJSON(t), needle) {
				p := strings.TrimPrefix(path, ".")
				if urn != "" {
					p += " of " + urn
				}
				paths = append(paths, p)
			}
		}
	}
	walk(v, "", "")
	sort.Strings(paths)
	if len(paths) == 0 {
		return ""
	}
	if len(paths) > 3 {
		paths = append(paths[:3], fmt.Sprintf("and %d more", len(paths)-3))
	}
	return " at " + strings.Join(paths, "; ")
}
