package smoke

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// redactor replaces secret values in text. Errors from net/http can quote
// request details and a misbehaving app can echo a header back in a body we
// quote, so every reason passes through here before anyone sees it.
type redactor struct{ r *strings.Replacer }

const redacted = "[REDACTED]"

func newRedactor(secrets ...string) redactor {
	uniq := map[string]bool{}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		// Besides the raw value, the forms a reason can hold it in once
		// quoted by %q or by a JSON encoder; redaction of raw text comes
		// first everywhere, these catch a value quoted before it.
		uniq[s] = true
		q := strconv.Quote(s)
		uniq[q[1:len(q)-1]] = true
		if j, err := json.Marshal(s); err == nil {
			uniq[string(j[1:len(j)-1])] = true
		}
	}
	list := make([]string, 0, len(uniq))
	for s := range uniq {
		list = append(list, s)
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	pairs := make([]string, 0, 2*len(list))
	for _, s := range list {
		pairs = append(pairs, s, redacted)
	}
	return redactor{strings.NewReplacer(pairs...)}
}

func (r redactor) String(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}
