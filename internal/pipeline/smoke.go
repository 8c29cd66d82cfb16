package pipeline

import (
	"context"
	"io"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// SmokeFunc runs the harness on a stack's outputs, limited to targets when given.
type SmokeFunc func(ctx context.Context, raw smoke.RawOutputs, targets []string) (*smoke.Report, error)

// ReadyFunc waits until the selected targets answer.
type ReadyFunc func(ctx context.Context, raw smoke.RawOutputs, targets []string) error

// AfterChecks runs more checks once the HTTP checks are done, while every target is
// still up (the browser journey): it appends its results to rep and streams each to row.
type AfterChecks func(ctx context.Context, o *smoke.Outputs, targets []string, rep *smoke.Report, row func(smoke.Result))

// InProcessSmoke is the harness itself, in this process, rows streamed to w.
func InProcessSmoke(w io.Writer, opts ...smoke.Option) SmokeFunc {
	return InProcessSmokeThen(w, nil, opts...)
}

// InProcessSmokeThen is InProcessSmoke followed by after (when not nil), before the
// summary, so after's rows count in the report and its verdict.
func InProcessSmokeThen(w io.Writer, after AfterChecks, opts ...smoke.Option) SmokeFunc {
	return func(ctx context.Context, raw smoke.RawOutputs, targets []string) (*smoke.Report, error) {
		o, err := smoke.Parse(raw)
		if err != nil {
			return nil, err
		}
		table := &smoke.TableWriter{W: w}
		all := append([]smoke.Option{smoke.WithTargets(targets...), smoke.WithProgress(table.Row)}, opts...)
		rep, err := smoke.Run(ctx, o, all...)
		if err != nil {
			return nil, err
		}
		if after != nil {
			after(ctx, o, targets, rep, table.Row)
		}
		table.Summary(rep)
		return rep, nil
	}
}

// scaledToZero lists the targets the harness skipped because they ran no tasks: a
// test cycle must not pass with them unchecked.
func scaledToZero(rep *smoke.Report) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Verdict == smoke.Skip && strings.Contains(r.Reason, "scaled to zero") {
			out = append(out, r.Target)
		}
	}
	return out
}

// checked summarises a report per target: "fargate 7/7 passed".
func checked(rep *smoke.Report) []string {
	if rep == nil {
		return nil
	}
	type tally struct{ pass, fail, skip int }
	var order []string
	per := map[string]*tally{}
	for _, r := range rep.Results {
		t, ok := per[r.Target]
		if !ok {
			t = &tally{}
			per[r.Target] = t
			order = append(order, r.Target)
		}
		switch r.Verdict {
		case smoke.Pass:
			t.pass++
		case smoke.Fail:
			t.fail++
		case smoke.Skip:
			t.skip++
		}
	}
	out := make([]string, 0, len(order))
	for _, name := range order {
		t := per[name]
		s := name + ": " + itoa(t.pass) + " passed"
		if t.fail > 0 {
			s += ", " + itoa(t.fail) + " FAILED"
		}
		if t.skip > 0 {
			s += ", " + itoa(t.skip) + " skipped"
		}
		out = append(out, s)
	}
	return out
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}
