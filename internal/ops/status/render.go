package status

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// Text renders the report as a table and a few lines, every secret value
// replaced before formatting (an error message may quote anything).
func Text(r Report, secrets []string) string {
	r = Redacted(r, secrets)
	var b strings.Builder
	good := r.GoodDigest
	if good == "" {
		good = "none recorded"
	} else {
		good += " (" + r.GoodFrom + ")"
	}
	fmt.Fprintf(&b, "stack %s  good digest: %s\n", r.Stack, good)
	if r.LastCycle != "" {
		fmt.Fprintf(&b, "last cycle pass: %s\n", r.LastCycle)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tURL\tDIGEST\tRUNNING\tDESIRED/RUNNING\tNOTE")
	for _, t := range r.Targets {
		counts := "-"
		if t.Desired != nil && t.Running != nil {
			counts = fmt.Sprintf("%d/%d", *t.Desired, *t.Running)
		}
		note := t.Note
		if t.Error != "" {
			note = "error: " + t.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, dash(t.URL), t.Verdict, dash(short(t.Digest)), counts, note)
	}
	tw.Flush()
	// An empty last column leaves padding behind.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	b.Reset()
	b.WriteString(strings.Join(lines, "\n"))
	switch {
	case r.AlarmError == notRead:
		fmt.Fprintln(&b, "alarms: "+notRead)
	case r.AlarmError != "":
		fmt.Fprintf(&b, "alarms in ALARM: error: %s\n", r.AlarmError)
	case len(r.Alarms) == 0:
		fmt.Fprintln(&b, "alarms in ALARM: none")
	default:
		fmt.Fprintf(&b, "alarms in ALARM: %s\n", strings.Join(r.Alarms, ", "))
	}
	fmt.Fprintf(&b, "cost: %s\n", costLine(r.Cost))
	return b.String()
}

// JSON renders the report as one indented JSON object, redacted.
func JSON(r Report, secrets []string) (string, error) {
	b, err := json.MarshalIndent(Redacted(r, secrets), "", "  ")
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}

func costLine(c Cost) string {
	budget := "budget unknown"
	if c.BudgetUSD > 0 {
		budget = fmt.Sprintf("budget $%d", c.BudgetUSD)
	}
	switch {
	case c.Error != "":
		return fmt.Sprintf("error: %s (%s)", c.Error, budget)
	case c.MonthToDate == nil:
		return fmt.Sprintf("%s (%s)", c.Note, budget)
	}
	s := fmt.Sprintf("cost-center %s: month to date $%.2f", c.CostCenter, *c.MonthToDate)
	if c.Forecast != nil {
		s += fmt.Sprintf(", forecast $%.2f", *c.Forecast)
		if c.BudgetUSD > 0 {
			verdict := "within"
			if *c.Forecast > float64(c.BudgetUSD) {
				verdict = "OVER"
			}
			s += fmt.Sprintf(" of %s: %s", budget, verdict)
			return s
		}
	}
	return s + " (" + budget + ")"
}

// short keeps sha256: and the first 12 hex of a digest.
func short(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Redacted is r with every secret replaced in every string it holds, before
// any formatting (JSON escaping or column padding would hide a match).
func Redacted(r Report, secrets []string) Report {
	red := func(s *string) { *s = smoke.Redact(*s, secrets...) }
	for _, p := range []*string{&r.Stack, &r.GoodDigest, &r.GoodFrom, &r.LastCycle, &r.AlarmError,
		&r.Cost.CostCenter, &r.Cost.Note, &r.Cost.Error} {
		red(p)
	}
	r.Targets = append([]Target(nil), r.Targets...)
	for i := range r.Targets {
		t := &r.Targets[i]
		for _, p := range []*string{&t.Name, &t.URL, &t.Digest, &t.Verdict, &t.Note, &t.Error} {
			red(p)
		}
	}
	r.Alarms = append([]string{}, r.Alarms...)
	for i := range r.Alarms {
		red(&r.Alarms[i])
	}
	return r
}
