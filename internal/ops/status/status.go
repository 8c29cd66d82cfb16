// Package status reads what a stack runs now and compares it with its records:
// per target the URL, the running image digest against the recorded good one,
// desired/running counts; the stack's alarms in ALARM; month-to-date cost and
// forecast against the budget. The stack's outputs and tags say where to look;
// the cloud reads go through small interfaces (apis.go) so tests replay
// recorded answers. Cloud Run and EC2 are listed with their URL only.
package status

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/sgraph-ai/sgraph-send-infra/internal/release"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Input is what the stack says about itself: its non-secret outputs, its
// tags, and the budget settings from its config (0 / "" when not set).
type Input struct {
	Outputs    map[string]any
	Tags       map[string]string
	BudgetUSD  int
	CostCenter string
	Now        time.Time
}

// Verdicts of a running digest against the recorded good one.
const (
	Match   = "MATCH"
	Differs = "DIFFERS"
	Unknown = "unknown"
)

// notRead is the alarm note when no CloudWatch client is given.
const (
	notRead = "CloudWatch not read"
)

// Target is one deployed target's row.
type Target struct {
	Name    string `json:"target"`
	URL     string `json:"url,omitempty"`
	Digest  string `json:"runningDigest,omitempty"`
	Verdict string `json:"digest"`
	Desired *int   `json:"desired,omitempty"`
	Running *int   `json:"running,omitempty"`
	Note    string `json:"note,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Report is the whole status.
type Report struct {
	Stack      string   `json:"stack"`
	GoodDigest string   `json:"goodDigest,omitempty"`
	GoodFrom   string   `json:"goodFrom,omitempty"` // the tag it came from
	LastCycle  string   `json:"lastCyclePass,omitempty"`
	Targets    []Target `json:"targets"`
	Alarms     []string `json:"alarmsInAlarm"`
	AlarmError string   `json:"alarmError,omitempty"`
	Cost       Cost     `json:"cost"`
}

// Cost is month to date and the month's forecast, in USD.
type Cost struct {
	CostCenter  string   `json:"costCenter,omitempty"`
	MonthToDate *float64 `json:"monthToDateUsd,omitempty"`
	Forecast    *float64 `json:"forecastUsd,omitempty"`
	BudgetUSD   int      `json:"budgetUsd,omitempty"`
	Note        string   `json:"note,omitempty"`
	Error       string   `json:"error,omitempty"`
}

// Good is the recorded good digest and the tag it came from: prod's
// release record (sgraph-send:good-image) first, else dev's last cycle
// pass (sgraph-send:cycle-image), else the newest sgraph-send:good:* record.
func Good(tags map[string]string) (digest, from string) {
	for _, k := range []string{release.TagGoodImage, release.TagCycleImage} {
		if d := release.DigestOf(tags[k]); d != "" {
			return d, k
		}
	}
	var newest release.Pointers
	for k, v := range tags {
		if !strings.HasPrefix(k, release.TagGoodReleasePrefix) {
			continue
		}
		if p, err := release.ParsePointers(v); err == nil && p.At >= newest.At {
			newest, from = p, k
		}
	}
	return newest.Digest, from
}

// Collect reads every target, the alarms and the cost. A failed read is
// that row's error; the others still print.
func Collect(ctx context.Context, in Input, c Clients) Report {
	str := func(k string) string { s, _ := in.Outputs[k].(string); return s }
	stack := str(outputs.Stack)
	r := Report{Stack: stack, Alarms: []string{}}
	r.GoodDigest, r.GoodFrom = Good(in.Tags)
	if at := in.Tags[release.TagCyclePassedAt]; at != "" {
		r.LastCycle = strings.TrimSpace(at + " " + in.Tags[release.TagCycleVersion])
	}
	verdict := func(t *Target) {
		switch {
		case t.Digest == "" || r.GoodDigest == "":
			t.Verdict = Unknown
		case t.Digest == r.GoodDigest:
			t.Verdict = Match
		default:
			t.Verdict = Differs
		}
	}
	for _, l := range []struct{ name, fn, url string }{
		{"lambda-admin", str(outputs.LambdaAdminFunctionName), str(outputs.LambdaAdminURL)},
		{"lambda-public", str(outputs.LambdaPublicFunctionName), str(outputs.LambdaPublicURL)},
	} {
		if l.fn == "" {
			continue
		}
		t := Target{Name: l.name, URL: l.url}
		if c.Lambda == nil {
			t.Note = "Lambda not read"
		} else if d, err := lambdaDigest(ctx, c.Lambda, l.fn); err != nil {
			t.Error = err.Error()
		} else {
			t.Digest = d
		}
		verdict(&t)
		r.Targets = append(r.Targets, t)
	}
	if svc := str(outputs.FargateServiceName); svc != "" {
		t := Target{Name: "fargate", URL: str(outputs.FargateURL)}
		if c.ECS == nil {
			t.Note = "ECS not read"
		} else if err := ecsStatus(ctx, c.ECS, str(outputs.FargateClusterName), svc, &t); err != nil {
			t.Error = err.Error()
		}
		verdict(&t)
		r.Targets = append(r.Targets, t)
	}
	if u := str(outputs.EC2URL); u != "" || str(outputs.EC2InstanceID) != "" {
		r.Targets = append(r.Targets, Target{Name: "ec2", URL: u, Verdict: Unknown, Note: "image digest not read (EC2 pulls it at boot)"})
	}
	if u := str(outputs.CloudRunURL); u != "" {
		r.Targets = append(r.Targets, Target{Name: "cloudrun", URL: u, Verdict: Unknown, Note: "Cloud Run API not read"})
	}
	if c.Alarms != nil && stack != "" {
		names, err := firing(ctx, c.Alarms, AlarmPrefix(stack))
		r.Alarms = names
		if err != nil {
			r.AlarmError = err.Error()
		}
	} else {
		r.AlarmError = notRead
	}
	r.Cost = cost(ctx, c.Cost, in)
	return r
}

// lambdaDigest is the digest the function's live alias runs: GetAlias names
// the published version, GetFunction on it gives the resolved image URI.
func lambdaDigest(ctx context.Context, api LambdaAPI, fn string) (string, error) {
	a, err := api.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})
	if err != nil {
		return "", fmt.Errorf("GetAlias %s:live: %w", fn, err)
	}
	f, err := api.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn), Qualifier: a.FunctionVersion})
	if err != nil {
		return "", fmt.Errorf("GetFunction %s:%s: %w", fn, aws.ToString(a.FunctionVersion), err)
	}
	if f.Code == nil {
		return "", fmt.Errorf("GetFunction %s: no code location", fn)
	}
	uri := aws.ToString(f.Code.ResolvedImageUri)
	if uri == "" {
		uri = aws.ToString(f.Code.ImageUri)
	}
	return release.DigestOf(uri), nil
}

// ecsStatus fills desired/running and the digest of the service's task
// definition's first container image (digest form, as the program deploys).
func ecsStatus(ctx context.Context, api ECSAPI, cluster, svc string, t *Target) error {
	out, err := api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{svc}})
	if err != nil {
		return fmt.Errorf("DescribeServices %s/%s: %w", cluster, svc, err)
	}
	if len(out.Services) == 0 {
		reason := "not found"
		if len(out.Failures) > 0 {
			reason = aws.ToString(out.Failures[0].Reason)
		}
		return fmt.Errorf("DescribeServices %s/%s: %s", cluster, svc, reason)
	}
	s := out.Services[0]
	desired, running := int(s.DesiredCount), int(s.RunningCount)
	t.Desired, t.Running = &desired, &running
	td, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: s.TaskDefinition})
	if err != nil {
		return fmt.Errorf("DescribeTaskDefinition %s: %w", aws.ToString(s.TaskDefinition), err)
	}
	if td.TaskDefinition != nil && len(td.TaskDefinition.ContainerDefinitions) > 0 {
		t.Digest = release.DigestOf(aws.ToString(td.TaskDefinition.ContainerDefinitions[0].Image))
	}
	return nil
}

// AlarmPrefix is the prefix of every alarm name the program gives a stack:
// sgraph-send-<stack>- (a bench test holds it to the program's alarms).
func AlarmPrefix(stack string) string { return "sgraph-send-" + stack + "-" }

// firing lists the alarms named with prefix that are in ALARM. The program
// names every alarm sgraph-send-<stack>-... (the Lambda ones after their
// function, which carries the same prefix).
func firing(ctx context.Context, api AlarmsAPI, prefix string) ([]string, error) {
	in := &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(prefix), StateValue: cwtypes.StateValueAlarm}
	names := []string{}
	for {
		out, err := api.DescribeAlarms(ctx, in)
		if err != nil {
			return names, fmt.Errorf("DescribeAlarms %s*: %w", prefix, err)
		}
		for _, a := range out.MetricAlarms {
			names = append(names, aws.ToString(a.AlarmName))
		}
		for _, a := range out.CompositeAlarms {
			names = append(names, aws.ToString(a.AlarmName))
		}
		if out.NextToken == nil || aws.ToString(out.NextToken) == aws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	sort.Strings(names)
	return names, nil
}

// Failed says whether any read failed.
func (r Report) Failed() bool {
	if r.AlarmError != "" && r.AlarmError != notRead || r.Cost.Error != "" {
		return true
	}
	for _, t := range r.Targets {
		if t.Error != "" {
			return true
		}
	}
	return false
}
