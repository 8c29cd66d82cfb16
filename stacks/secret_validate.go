package stacks

import (
	"fmt"
	"strings"
	"unicode"
)

// MaxSecretBytes is the size of an SSM standard parameter value, where the EC2
// and Fargate targets keep the secrets.
const MaxSecretBytes = 4096

// newSecretHint is a command that makes a valid secret of any kind here: 48
// lowercase hex characters survive the UI, an HTTP header, a cookie, a shell
// line and an SSM parameter unchanged.
func newSecretHint(key string) string {
	return fmt.Sprintf("`pulumi config set --secret %s \"$(openssl rand -hex 24)\"`", key)
}

// secretProblem says what is wrong with a secret's value, or "". It never
// quotes the value: only its length and the position or kind of a bad byte.
func secretProblem(key, v string, minLen int) string {
	switch {
	case len(v) < minLen:
		return fmt.Sprintf("secret too short (%d characters); use at least %d, e.g. %s", len(v), minLen, newSecretHint(key))
	case len(v) > MaxSecretBytes:
		return fmt.Sprintf("secret is %d bytes; at most %d fit an SSM standard parameter: %s", len(v), MaxSecretBytes, newSecretHint(key))
	case strings.TrimSpace(v) != v:
		// The UI trims what a person types; the instance's env file would keep it.
		return "secret starts or ends with whitespace, which the UI and HTTP clients trim: set it again without it, e.g. " + newSecretHint(key)
	}
	for i, r := range v {
		switch {
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			// A newline ends the EC2 env file line and the header value.
			return fmt.Sprintf("secret holds a control or invalid character at byte %d; use printable characters, e.g. %s", i, newSecretHint(key))
		case r == '"' || r == '\'' || r == '`' || r == '\\':
			// Quotes and backslashes break the quoting of the EC2 boot script.
			return fmt.Sprintf("secret holds a quote or backslash at byte %d; use letters, digits and -_.~, e.g. %s", i, newSecretHint(key))
		}
	}
	if key == "uploadToken" && strings.ToLower(v) != v {
		// ../shared/real-app/ui-journey.md: the access gate lower-cases the
		// typed token, so a token with capitals can never upload from the UI.
		return "upload token has capital letters; the app's UI lower-cases the token a person types, so every UI upload would be refused. Use a lowercase token: " + newSecretHint(key)
	}
	return ""
}
