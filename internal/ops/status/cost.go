package status

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
)

// costCenterTag is the tag the program sets and the budget filters on
// (components/budget, stacks/ops_config.go).
const costCenterTag = "cost-center"

// cost reads month to date [1st, today) and forecasts [today, 1st of next
// month); the month's forecast is their sum. Cost Explorer's end dates are
// exclusive and a forecast must start today or later (GetCostForecast API
// reference), so on the 1st there is nothing to date yet.
func cost(ctx context.Context, api CostAPI, in Input) Cost {
	c := Cost{CostCenter: in.CostCenter, BudgetUSD: in.BudgetUSD}
	switch {
	case in.CostCenter == "":
		c.Note = "no cost-center tag in the stack's config: cost unknown"
		return c
	case api == nil:
		c.Note = "Cost Explorer not read"
		return c
	}
	now := in.Now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	next := first.AddDate(0, 1, 0)
	day := func(t time.Time) *string { return aws.String(t.Format("2006-01-02")) }
	filter := &cetypes.Expression{Tags: &cetypes.TagValues{Key: aws.String(costCenterTag), Values: []string{in.CostCenter}}}
	mtd := 0.0
	if today.After(first) {
		out, err := api.GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
			TimePeriod:  &cetypes.DateInterval{Start: day(first), End: day(today)},
			Granularity: cetypes.GranularityMonthly, Metrics: []string{"UnblendedCost"}, Filter: filter,
		})
		if err != nil {
			c.Error = fmt.Sprintf("GetCostAndUsage: %v", err)
			return c
		}
		for _, r := range out.ResultsByTime {
			if m, ok := r.Total["UnblendedCost"]; ok {
				v, err := strconv.ParseFloat(aws.ToString(m.Amount), 64)
				if err != nil {
					c.Error = fmt.Sprintf("GetCostAndUsage: amount %q: %v", aws.ToString(m.Amount), err)
					return c
				}
				mtd += v
			}
		}
	}
	c.MonthToDate = &mtd
	f, err := api.GetCostForecast(ctx, &costexplorer.GetCostForecastInput{
		TimePeriod:  &cetypes.DateInterval{Start: day(today), End: day(next)},
		Granularity: cetypes.GranularityMonthly, Metric: cetypes.MetricUnblendedCost, Filter: filter,
	})
	if err != nil {
		c.Error = fmt.Sprintf("GetCostForecast: %v", err)
		return c
	}
	if f.Total != nil {
		v, err := strconv.ParseFloat(aws.ToString(f.Total.Amount), 64)
		if err != nil {
			c.Error = fmt.Sprintf("GetCostForecast: amount %q: %v", aws.ToString(f.Total.Amount), err)
			return c
		}
		total := mtd + v
		c.Forecast = &total
	}
	return c
}
