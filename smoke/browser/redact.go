package browser

import (
	"sort"
	"strings"
)

// redactor replaces secrets in every message, console line and page text
// the journey saves, like the harness's own redactor.
type redactor struct {
	secrets []string
	r       *strings.Replacer
}

func newRedactor(secrets ...string) redactor {
	uniq := map[string]bool{}
	var list []string
	for _, s := range secrets {
		if s != "" && !uniq[s] {
			uniq[s] = true
			list = append(list, s)
		}
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	pairs := make([]string, 0, 2*len(list))
	for _, s := range list {
		pairs = append(pairs, s, "[REDACTED]")
	}
	return redactor{secrets: list, r: strings.NewReplacer(pairs...)}
}

func (r redactor) String(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}
