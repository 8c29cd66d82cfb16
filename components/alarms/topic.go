// Package alarms is where an environment's operators hear about trouble: the
// SNS alert topic (with an optional email subscription), the CloudWatch alarms
// on every AWS target, and the uptime check with its alert policy on Cloud Run.
package alarms

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TopicArgs configures the environment's alert topic.
type TopicArgs struct {
	// Name is the topic's physical name, e.g. sgraph-send-prod-alerts.
	Name string
	// Email, when set, is subscribed (AWS mails a confirmation link first).
	Email string
	// Retain keeps the topic and its policy through `pulumi destroy` (protect
	// + retainOnDelete): prod's budget and alarms keep somewhere to notify.
	Retain bool
	Tags   pulumi.StringMap
}

// Topic is the SNS topic every alarm and the budget notify.
type Topic struct {
	pulumi.ResourceState

	Arn  pulumi.StringOutput `pulumi:"arn"`
	Name pulumi.StringOutput `pulumi:"name"`
}

// NewTopic creates the topic, a policy that lets CloudWatch alarms and AWS
// Budgets of this account publish to it, and the email subscription.
func NewTopic(ctx *pulumi.Context, name string, args *TopicArgs, opts ...pulumi.ResourceOption) (*Topic, error) {
	if args == nil || args.Name == "" {
		return nil, errors.New("alarms: TopicArgs with a Name is required")
	}
	t := &Topic{}
	if err := ctx.RegisterComponentResource("sgraph-send:alarms:Topic", name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	// Unencrypted on purpose: the AWS-managed SNS key's policy does not let
	// CloudWatch or Budgets use it, and alerts carry no secret.
	keep := []pulumi.ResourceOption{parent, pulumi.Protect(args.Retain), pulumi.RetainOnDelete(args.Retain)}
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		Name: pulumi.String(args.Name),
		Tags: args.Tags,
	}, keep...)
	if err != nil {
		return nil, err
	}
	if _, err := sns.NewTopicPolicy(ctx, name, &sns.TopicPolicyArgs{
		Arn:    topic.Arn,
		Policy: topic.Arn.ApplyT(topicPolicy).(pulumi.StringOutput),
	}, keep...); err != nil {
		return nil, err
	}
	if args.Email != "" {
		if _, err := sns.NewTopicSubscription(ctx, name+"-email", &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(args.Email),
		}, parent); err != nil {
			return nil, err
		}
	}
	t.Arn, t.Name = topic.Arn, topic.Name
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{"arn": t.Arn, "name": t.Name}); err != nil {
		return nil, err
	}
	return t, nil
}

// topicPolicy lets only this account's alarms and budgets publish, so no other
// account's service can use the topic as a confused deputy.
func topicPolicy(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[4] == "" {
		return "", fmt.Errorf("alarms: cannot read the account from topic ARN %q", arn)
	}
	account := parts[4]
	statement := func(sid, service string) map[string]any {
		return map[string]any{
			"Sid":       sid,
			"Effect":    "Allow",
			"Principal": map[string]string{"Service": service},
			"Action":    "sns:Publish",
			"Resource":  arn,
			"Condition": map[string]any{"StringEquals": map[string]string{"aws:SourceAccount": account}},
		}
	}
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			statement("CloudWatchAlarms", "cloudwatch.amazonaws.com"),
			statement("Budgets", "budgets.amazonaws.com"),
		},
	}
	out, err := json.Marshal(doc)
	return string(out), err
}
