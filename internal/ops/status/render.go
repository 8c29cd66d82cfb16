package status

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
)

// Text renders the report as a table and a few lines, with every secret
// value replaced by [REDACTED] (an error message may quote anything).
func Text(r Report, secrets []string) string {
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
	return redact(b.String(), secrets)
}

// JSON renders the report as one indented JSON object, redacted.
func JSON(r Report, secrets []string) (string, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	return redact(string(b), secrets) + "\n", nil
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

func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	return s
}
