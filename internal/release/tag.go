package release

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// GitTag is the annotated tag the release workflow creates for a promotion
// that passed, so "what did prod run on Tuesday" has an answer in git: the
// tag points at the program commit that deployed it, and its message carries
// the digest and app version (docs/releases.md).
type GitTag struct {
	Name    string
	Message string
}

// TagInput is what one promotion knows about itself.
type TagInput struct {
	Stack    string    // e.g. prod
	From     string    // the stack whose cycle passed, e.g. dev
	Promoted Promotion // digest, app version, cycle pass time
	Commit   string    // the program commit (GITHUB_SHA) that ran the release
	At       time.Time // when prod's smoke passed
}

var commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ReleaseTag renders the tag: release/<stack>/<UTC time>, unique per
// promotion and sorting in time order, and a message of one "key: value" per
// line that a script can read back (git tag -l --format='%(contents)').
func ReleaseTag(in TagInput) (GitTag, error) {
	var problems []string
	if !commitSHA.MatchString(in.Commit) {
		problems = append(problems, fmt.Sprintf("commit %q is not a full 40-hex git commit id", in.Commit))
	}
	if p := DigestProblem(in.Promoted.Ref); p != "" {
		problems = append(problems, fmt.Sprintf("image %q %s", in.Promoted.Ref, p))
	}
	if CheckVersion(in.Promoted.Version) != nil {
		problems = append(problems, fmt.Sprintf("app version %q is not X.Y.Z", in.Promoted.Version))
	}
	if in.Stack == "" || strings.ContainsAny(in.Stack, " /:~^?*[\\") || in.At.IsZero() {
		problems = append(problems, fmt.Sprintf("stack %q and time are required", in.Stack))
	}
	if len(problems) > 0 {
		return GitTag{}, fmt.Errorf("release tag: %s", strings.Join(problems, "; "))
	}
	at := in.At.UTC()
	digest := in.Promoted.Ref[strings.LastIndex(in.Promoted.Ref, "@")+1:]
	lines := []string{
		fmt.Sprintf("sgraph-send %s release %s: sgraph-ai-app-send %s", in.Stack, at.Format(time.RFC3339), in.Promoted.Version),
		"",
		"stack: " + in.Stack,
		"app-version: " + in.Promoted.Version,
		"digest: " + digest,
		"image: " + in.Promoted.Ref,
	}
	if in.Promoted.GcpRef != "" {
		lines = append(lines, "gcp-image: "+in.Promoted.GcpRef)
	}
	lines = append(lines,
		"program-commit: "+in.Commit,
		"smoke-passed-at: "+at.Format(time.RFC3339),
	)
	if in.From != "" && in.Promoted.PassedAt != "" {
		lines = append(lines, fmt.Sprintf("tested-on: %s cycle passed at %s", in.From, in.Promoted.PassedAt))
	}
	return GitTag{
		Name:    fmt.Sprintf("release/%s/%s", in.Stack, at.Format("20060102T150405Z")),
		Message: strings.Join(lines, "\n") + "\n",
	}, nil
}
