package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Marker identifies the one review comment on a PR, found and edited on
// every update instead of adding another.
const Marker = "<!-- sgraph-send-review-stack -->"

// Comment is the PR comment: the stack's URLs and the smoke verdict per
// target. Only non-secret outputs are read; smoke reasons are redacted by
// the harness.
func Comment(pr int, stack, sha string, outs map[string]any, rep *smoke.Report) string {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	verdict := "PASS"
	if rep == nil {
		verdict = "NOT RUN"
	} else if rep.Failed() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "### Review stack `%s`: smoke %s\n\n", stack, verdict)
	fmt.Fprintf(&b, "Commit `%s`. Destroyed and removed when the pull request closes (or by the sweeper).\n\n", short(sha))
	b.WriteString("| target | URL |\n|---|---|\n")
	keys := []string{outputs.LambdaPublicURL, outputs.LambdaAdminURL, outputs.CloudRunURL}
	for _, k := range keys {
		if u, ok := outs[k].(string); ok && u != "" {
			note := ""
			if k == outputs.LambdaAdminURL {
				note = " (AWS_IAM: SigV4-signed requests only)"
			}
			fmt.Fprintf(&b, "| `%s` | %s%s |\n", k, u, note)
		}
	}
	if rep != nil {
		b.WriteString("\n| target | check | verdict |\n|---|---|---|\n")
		rows := append([]smoke.Result(nil), rep.Results...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Target < rows[j].Target })
		for _, r := range rows {
			reason := ""
			if r.Reason != "" && r.Verdict != smoke.Pass {
				reason = ": " + strings.ReplaceAll(r.Reason, "|", "\\|")
			}
			fmt.Fprintf(&b, "| %s | %s | %s%s |\n", r.Target, r.Check, r.Verdict, reason)
		}
	}
	return b.String()
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
