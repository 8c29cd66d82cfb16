package drift

import (
	"regexp"
	"sort"
	"strings"
)

// The one drift issue holds a section per stack between markers, so each
// stack's scheduled job replaces its own section and leaves the others'.
func begin(stack string) string { return "<!-- drift:" + stack + " -->" }
func end(stack string) string   { return "<!-- /drift:" + stack + " -->" }

var sectionRE = regexp.MustCompile(`(?s)<!-- drift:([a-z0-9-]+) -->\n(.*?)<!-- /drift:[a-z0-9-]+ -->\n?`)

// Merge puts rep's section into the issue body existing (the open drift
// issue's, or ""): replaced when the stack drifted, removed when it did
// not. The result is "" when no stack has drift left: no issue body.
func Merge(existing string, rep *Report) string {
	sections := map[string]string{}
	for _, m := range sectionRE.FindAllStringSubmatch(existing, -1) {
		sections[m[1]] = m[2]
	}
	delete(sections, rep.Stack)
	if rep.Drifted() {
		sections[rep.Stack] = section(rep)
	}
	if len(sections) == 0 {
		return ""
	}
	stacks := make([]string, 0, len(sections))
	for s := range sections {
		stacks = append(stacks, s)
	}
	sort.Strings(stacks)
	var b strings.Builder
	b.WriteString(intro)
	for _, s := range stacks {
		b.WriteString(begin(s) + "\n" + sections[s] + end(s) + "\n")
	}
	return b.String()
}
