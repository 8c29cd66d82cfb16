package fargate

import (
	"fmt"
	"strconv"
	"strings"
)

// cronField is one field of an App Auto Scaling (EventBridge-style) cron
// expression: its range, its names (JAN, MON...) and its extra symbols.
type cronField struct {
	name     string
	lo, hi   int
	names    []string // names[i] stands for lo+i
	specials string   // besides , - * /
}

var cronFields = []cronField{
	{name: "minutes", lo: 0, hi: 59},
	{name: "hours", lo: 0, hi: 23},
	{name: "day-of-month", lo: 1, hi: 31, specials: "?LW"},
	{name: "month", lo: 1, hi: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", lo: 1, hi: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, specials: "?L#"},
	{name: "year", lo: 1970, hi: 2199},
}

// CronProblem parses the six fields of cron(...) one by one and says what is
// wrong, or "".
func CronProblem(expr string) string {
	inner, hasPrefix := strings.CutPrefix(expr, "cron(")
	inner, hasSuffix := strings.CutSuffix(inner, ")")
	if !hasPrefix || !hasSuffix {
		return "not of the form cron(...)"
	}
	f := strings.Split(inner, " ")
	if len(f) != 6 {
		return fmt.Sprintf("has %d fields separated by single spaces, want 6: minutes hours day-of-month month day-of-week year", len(f))
	}
	if (f[2] == "?") == (f[4] == "?") {
		return "exactly one of day-of-month and day-of-week must be ?"
	}
	for i, spec := range cronFields {
		if p := spec.check(f[i]); p != "" {
			return fmt.Sprintf("%s field %q: %s", spec.name, f[i], p)
		}
	}
	return ""
}

func (c cronField) check(v string) string {
	switch {
	case v == "*":
		return ""
	case v == "?" && strings.Contains(c.specials, "?"):
		return ""
	case v == "L" && strings.Contains(c.specials, "L"):
		return ""
	}
	for _, part := range strings.Split(v, ",") {
		if p := c.checkPart(part); p != "" {
			return p
		}
	}
	return ""
}

func (c cronField) checkPart(part string) string {
	base, step, hasStep := strings.Cut(part, "/")
	if hasStep {
		if n, err := strconv.Atoi(step); err != nil || n < 1 || n > c.hi {
			return fmt.Sprintf("step %q is not a number 1..%d", step, c.hi)
		}
		if base == "*" {
			return ""
		}
	}
	if strings.Contains(c.specials, "W") && strings.HasSuffix(base, "W") {
		base = strings.TrimSuffix(base, "W")
	}
	if strings.Contains(c.specials, "#") {
		if d, nth, ok := strings.Cut(base, "#"); ok {
			if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 {
				return fmt.Sprintf("%q: the week after # is 1..5", part)
			}
			base = d
		}
	}
	if strings.Contains(c.specials, "L") && strings.HasSuffix(base, "L") && len(base) > 1 {
		base = strings.TrimSuffix(base, "L")
	}
	lo, hi, isRange := strings.Cut(base, "-")
	if _, ok := c.value(lo); !ok {
		return fmt.Sprintf("%q is not %s", lo, c.allowed())
	}
	if _, ok := c.value(hi); isRange && !ok {
		return fmt.Sprintf("%q is not %s", hi, c.allowed())
	}
	return ""
}

func (c cronField) value(s string) (int, bool) {
	for i, n := range c.names {
		if strings.EqualFold(s, n) {
			return c.lo + i, true
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < c.lo || n > c.hi || strings.HasPrefix(s, "+") {
		return 0, false
	}
	return n, true
}

func (c cronField) allowed() string {
	if len(c.names) > 0 {
		return fmt.Sprintf("%d..%d or %s..%s", c.lo, c.hi, c.names[0], c.names[len(c.names)-1])
	}
	return fmt.Sprintf("%d..%d", c.lo, c.hi)
}
