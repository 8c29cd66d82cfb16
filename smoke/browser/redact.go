package browser

import (
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// redactor replaces secrets in every message, console line and page text
// the journey saves, with the harness's own redactor (every encoded and
// case-changed form, see smoke.SecretForms).
type redactor struct {
	secrets []string // the raw values
	forms   []string // every form of them, for the page's text
	r       smoke.Redactor
}

func newRedactor(secrets ...string) redactor {
	uniq := map[string]bool{}
	var red redactor
	for _, s := range secrets {
		if s != "" && !uniq[s] {
			uniq[s] = true
			red.secrets = append(red.secrets, s)
			red.forms = append(red.forms, smoke.SecretForms(s)...)
		}
	}
	red.r = smoke.NewRedactor(red.secrets...)
	return red
}

func (r redactor) String(s string) string { return r.r.String(s) }
