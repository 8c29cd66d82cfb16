package release

import (
	"fmt"
	"regexp"
)

// releaseVersion is a final PyPI release of sgraph-ai-app-send: digits.digits.digits,
// no pre-release, no local part, no ranges (what appVersion pins).
var releaseVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

// CheckVersion validates the version a post-publish dispatch carries. The value is
// quoted in the error, so the workflow log names it.
func CheckVersion(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("app version is empty: the dispatch payload must carry client_payload.version, e.g. 0.27.7")
	case len(v) > 32:
		return fmt.Errorf("app version %.32q... is %d characters: not a release like 0.27.7", v, len(v))
	case !releaseVersion.MatchString(v):
		return fmt.Errorf("app version %q is not an exact PyPI release like 0.27.7 (digits.digits.digits; no 'v', no pre-release, no range)", v)
	}
	return nil
}
