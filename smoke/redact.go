package smoke

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// redactor replaces secret values in text. Errors from net/http can quote
// request details and a misbehaving app can echo a header back in a body we
// quote, so every reason passes through here before anyone sees it.
type redactor = Redactor

const redacted = "[REDACTED]"

// Redactor replaces every form a secret can be echoed in (see SecretForms),
// whatever the case of its letters: an app that upper-cases, lower-cases or
// percent-encodes what it was sent still shows the secret.
type Redactor struct {
	forms []string       // ASCII-lower-cased, longest first
	first map[byte][]int // form indexes by first byte
}

func newRedactor(secrets ...string) Redactor { return NewRedactor(secrets...) }

// NewRedactor builds a redactor for the given secrets; empty ones are ignored.
func NewRedactor(secrets ...string) Redactor {
	uniq := map[string]bool{}
	for _, s := range secrets {
		for _, f := range SecretForms(s) {
			uniq[asciiLower(f)] = true
		}
	}
	r := Redactor{first: map[byte][]int{}}
	for f := range uniq {
		r.forms = append(r.forms, f)
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(r.forms, func(i, j int) bool {
		if len(r.forms[i]) != len(r.forms[j]) {
			return len(r.forms[i]) > len(r.forms[j])
		}
		return r.forms[i] < r.forms[j]
	})
	for i, f := range r.forms {
		r.first[f[0]] = append(r.first[f[0]], i)
	}
	return r
}

// minEncoded is the shortest base64 run redacted on its own: shorter
// runs of a short secret would match ordinary words.
const minEncoded = 8

// SecretForms lists the forms a secret is echoed in: as is; quoted by %q
// or a JSON encoder; percent-encoded (query and path); HTML-escaped; and
// base64 (standard and URL alphabets, padded or not, and at each of the
// three alignments it can have inside a longer encoded value, such as
// "user:secret" in a Basic header).
func SecretForms(s string) []string {
	if s == "" {
		return nil
	}
	q := strconv.Quote(s)
	forms := []string{s, q[1 : len(q)-1], url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s),
		strings.NewReplacer(`&#39;`, `&#x27;`, `&#34;`, `&quot;`).Replace(html.EscapeString(s))}
	if j, err := json.Marshal(s); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	forms = append(forms, base64.StdEncoding.EncodeToString([]byte(s)), base64.URLEncoding.EncodeToString([]byte(s)))
	for k := 0; k < 3; k++ {
		enc := base64.RawStdEncoding.EncodeToString(append(make([]byte, k), s...))
		// Only the characters made of the secret's bits alone.
		lo, hi := (8*k+5)/6, 8*(k+len(s))/6
		if hi-lo < minEncoded {
			continue
		}
		core := enc[lo:hi]
		forms = append(forms, core, strings.NewReplacer("+", "-", "/", "_").Replace(core))
	}
	return forms
}

// String replaces every form of every secret, case-insensitively.
func (r Redactor) String(s string) string {
	if len(r.forms) == 0 {
		return s
	}
	low := asciiLower(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(low); {
		n := 0
		for _, fi := range r.first[low[i]] {
			if strings.HasPrefix(low[i:], r.forms[fi]) {
				n = len(r.forms[fi])
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(redacted)
		i += n
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// asciiLower lower-cases A-Z only, so byte offsets stay those of the input.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
