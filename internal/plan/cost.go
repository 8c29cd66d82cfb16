package plan

import (
	"fmt"
	"io"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/cost"
)

// addCost attaches the monthly cost estimate of the recorded graph.
func addCost(doc *Document, r *bench.Result) {
	est, err := cost.Compute(r, cost.DefaultLoad)
	if err != nil {
		doc.CostError = err.Error()
		return
	}
	doc.Cost = est
}

// writeCost prints the estimate: one line per billed resource, then totals.
func writeCost(w io.Writer, d Document) {
	if d.CostError != "" {
		fmt.Fprintf(w, "\nCost estimate: unavailable: %s\n", d.CostError)
		return
	}
	c := d.Cost
	if c == nil {
		return
	}
	l := c.Load
	fmt.Fprintf(w, "\nCost estimate (USD/month, list prices dated %s, re-check before relying on them; internal/cost/prices.json):\n", c.PriceDate)
	fmt.Fprintf(w, "  load = %d requests/month per entry point, %d ms each, %g GB stored per bucket, %g GB logs per group, %g GB egress per entry point\n",
		l.RequestsPerMonth, l.AvgDurationMs, l.StoredGB, l.LogGBPerMonth, l.EgressGB)
	fmt.Fprintf(w, "  %9s %9s  %s\n", "idle", "load", "resource: item (basis)")
	for _, line := range c.Lines {
		if line.IdleUSD == 0 && line.LoadUSD == 0 {
			continue
		}
		fmt.Fprintf(w, "  %9.2f %9.2f  %s: %s (%s)\n", line.IdleUSD, line.LoadUSD, line.Resource, line.Item, line.Basis)
	}
	fmt.Fprintf(w, "  %9.2f %9.2f  TOTAL\n", c.IdleUSD, c.LoadUSD)
	if len(c.Unpriced) > 0 {
		fmt.Fprintf(w, "  not priced (missing from the table, counted as 0): %v\n", c.Unpriced)
	}
}
