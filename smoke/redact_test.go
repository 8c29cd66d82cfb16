package smoke

import (
	"encoding/base64"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every echo an app, a proxy or an error message can make of a secret.
func TestRedactorCatchesEncodedEchoes(t *testing.T) {
	const secret = `Tok+en/with:odd&chars"<9>`
	b64 := func(enc *base64.Encoding, s string) string { return enc.EncodeToString([]byte(s)) }
	for _, tc := range []struct{ name, text string }{
		{"as is", "got " + secret},
		{"URL query-encoded", "GET /x?t=" + url.QueryEscape(secret)},
		{"URL path-encoded", "GET /check-token/" + url.PathEscape(secret)},
		{"URL-encoded, lower-case hex", "GET /x?t=" + strings.ToLower(url.QueryEscape(secret))},
		{"base64 std", "hdr " + b64(base64.StdEncoding, secret)},
		{"base64 URL", "hdr " + b64(base64.URLEncoding, secret)},
		{"base64 raw URL", "hdr " + b64(base64.RawURLEncoding, secret)},
		{"base64 inside Basic auth (shift 1)", "Authorization: Basic " + b64(base64.StdEncoding, "u:"+secret)},
		{"base64 inside Basic auth (shift 2)", "Authorization: Basic " + b64(base64.StdEncoding, "us:"+secret)},
		{"HTML-escaped", "<p>" + html.EscapeString(secret) + "</p>"},
		{"HTML-escaped, named entities", "<p>" + strings.ReplaceAll(html.EscapeString(secret), "&#34;", "&quot;") + "</p>"},
		{"upper-cased", "TOKEN " + strings.ToUpper(secret)},
		{"lower-cased", "token " + strings.ToLower(secret)},
		{"JSON-quoted", `{"t":"Tok+en/with:odd\u0026chars\"\u003c9\u003e"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := NewRedactor(secret).String(tc.text)
			assert.Contains(t, got, redacted)
			for _, f := range SecretForms(secret) {
				assert.NotContains(t, strings.ToLower(got), strings.ToLower(f), "a form of the secret survived")
			}
			// The broken variant: a plain replacement of the raw value.
			if tc.name != "as is" {
				assert.NotContains(t, strings.NewReplacer(secret, redacted).Replace(tc.text), redacted, "a raw-only redactor misses this echo, so the case proves something")
			}
		})
	}
}

func TestRedactorLeavesOtherTextAlone(t *testing.T) {
	r := NewRedactor("upload-secret-lower-0123")
	for _, s := range []string{"", "plain", "GET /api/transfers/check-token/[REDACTED] 200", "Upload-Secret but not the token"} {
		assert.Equal(t, s, r.String(s))
	}
}
