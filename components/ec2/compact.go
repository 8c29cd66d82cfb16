package ec2

import (
	"regexp"
	"strings"
)

// heredocStart finds a here-document operator (<<WORD, <<-WORD, <<'WORD'),
// once here-strings (<<<) are taken out of the line.
var heredocStart = regexp.MustCompile(`<<(-?)\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?`)

// stripComments drops the comment-only lines of a bash script, except inside
// here-documents (whose text is data, e.g. the nginx config). The script runs
// the same; what it saves keeps the rendered install script inside EC2's
// 16 KiB user data and Image Builder's 16,000-character component limits.
// The commented original is install.sh in this folder.
func stripComments(script string) string {
	lines := strings.Split(script, "\n")
	out := make([]string, 0, len(lines))
	end, dash := "", false
	for _, line := range lines {
		if end != "" {
			out = append(out, line)
			if line == end || (dash && strings.TrimLeft(line, "\t") == end) {
				end = ""
			}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") && !strings.HasPrefix(line, "#!") {
			continue
		}
		out = append(out, line)
		if m := heredocStart.FindStringSubmatch(strings.ReplaceAll(line, "<<<", "")); m != nil {
			end, dash = m[2], m[1] == "-"
		}
	}
	return strings.Join(out, "\n")
}
