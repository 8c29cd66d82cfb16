package smoke

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// TableWriter prints one aligned row per finished check. Rows stream as
// verdicts arrive (use Row as the OnResult callback), so an operator sees a
// fast target's verdicts while a slow one is still being retried.
type TableWriter struct {
	W      io.Writer
	header bool
}

const rowFormat = "%-14s %-13s %-7s %8s  %s\n"

// Row prints one result, the header before the first.
func (tw *TableWriter) Row(r Result) {
	if !tw.header {
		fmt.Fprintf(tw.W, rowFormat, "TARGET", "CHECK", "VERDICT", "TIME", "REASON")
		tw.header = true
	}
	reason := strings.ReplaceAll(r.Reason, "\n", " ")
	if r.Retries > 0 {
		reason = strings.TrimSpace(fmt.Sprintf("%s [%d retries]", reason, r.Retries))
	}
	fmt.Fprintf(tw.W, rowFormat, r.Target, r.Check, r.Verdict, fmtDuration(r.Duration), reason)
}

// Summary prints the closing line.
func (tw *TableWriter) Summary(rep *Report) {
	p, f, s := rep.Counts()
	warned := ""
	if n := rep.Warnings(); n > 0 {
		warned = fmt.Sprintf(", %d warned", n)
	}
	fmt.Fprintf(tw.W, "%d passed, %d failed, %d skipped%s in %s\n", p, f, s, warned, fmtDuration(rep.Duration))
}

func fmtDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}
