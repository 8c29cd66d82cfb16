// Package budget is a monthly AWS cost budget for one environment, filtered by
// the environment's cost-center tag, alerting an SNS topic.
package budget

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BudgetArgs configures the budget.
type BudgetArgs struct {
	// Name is the budget's name, unique in the account.
	Name string
	// LimitUsd is the monthly limit in USD (positive).
	LimitUsd int
	// CostCenter is the value of the cost-center tag the budget counts. The tag
	// must be activated as a cost allocation tag, or the budget sees $0.
	CostCenter string
	// TopicArn receives both notifications.
	TopicArn pulumi.StringInput
	// Retain keeps the budget through `pulumi destroy` (protect +
	// retainOnDelete): prod's spending guard outlives a teardown.
	Retain bool
	Tags   pulumi.StringMap
}

// Budget is the monthly budget.
type Budget struct {
	pulumi.ResourceState

	Name pulumi.StringOutput `pulumi:"name"`
}

// TagFilter is the budget's cost filter value for a cost-center tag, in the
// form AWS Budgets expects for user-defined cost allocation tags.
func TagFilter(costCenter string) string { return "user:cost-center$" + costCenter }

// NewBudget creates the budget with two notifications: 80% of the limit
// actually spent, and 100% forecast for the month.
func NewBudget(ctx *pulumi.Context, name string, args *BudgetArgs, opts ...pulumi.ResourceOption) (*Budget, error) {
	if err := validate(args); err != nil {
		return nil, err
	}
	b := &Budget{}
	if err := ctx.RegisterComponentResource("sgraph-send:budget:Budget", name, b, opts...); err != nil {
		return nil, err
	}
	notify := func(kind string, percent float64) *budgets.BudgetNotificationArgs {
		return &budgets.BudgetNotificationArgs{
			NotificationType:       pulumi.String(kind),
			ComparisonOperator:     pulumi.String("GREATER_THAN"),
			Threshold:              pulumi.Float64(percent),
			ThresholdType:          pulumi.String("PERCENTAGE"),
			SubscriberSnsTopicArns: pulumi.StringArray{args.TopicArn},
		}
	}
	budget, err := budgets.NewBudget(ctx, name, &budgets.BudgetArgs{
		Name:        pulumi.String(args.Name),
		BudgetType:  pulumi.String("COST"),
		TimeUnit:    pulumi.String("MONTHLY"),
		LimitAmount: pulumi.String(fmt.Sprintf("%d.0", args.LimitUsd)),
		LimitUnit:   pulumi.String("USD"),
		CostFilters: budgets.BudgetCostFilterArray{&budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String(TagFilter(args.CostCenter))},
		}},
		Notifications: budgets.BudgetNotificationArray{
			notify("ACTUAL", 80),
			notify("FORECASTED", 100),
		},
		Tags: args.Tags,
	}, pulumi.Parent(b), pulumi.Protect(args.Retain), pulumi.RetainOnDelete(args.Retain))
	if err != nil {
		return nil, err
	}
	b.Name = budget.Name
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"name": b.Name}); err != nil {
		return nil, err
	}
	return b, nil
}

func validate(a *BudgetArgs) error {
	if a == nil {
		return errors.New("budget: BudgetArgs is required")
	}
	var problems []string
	if a.Name == "" {
		problems = append(problems, "Name is required")
	}
	if a.LimitUsd < 1 {
		problems = append(problems, fmt.Sprintf("LimitUsd %d must be positive", a.LimitUsd))
	}
	if a.CostCenter == "" || strings.ContainsAny(a.CostCenter, "$") {
		problems = append(problems, fmt.Sprintf("CostCenter %q must be a non-empty tag value without $", a.CostCenter))
	}
	if a.TopicArn == nil {
		problems = append(problems, "TopicArn is required")
	}
	if len(problems) > 0 {
		return errors.New("budget: " + strings.Join(problems, "; "))
	}
	return nil
}
