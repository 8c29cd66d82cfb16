package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/status"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

const (
	key, token = "admin-key-status-cmd-3a9", "upload-secret-status-cmd-6b0"
	passed     = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-dev@sha256:7c3e5a9d1f2b4c6e8a0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f1a2c4e6b8d0f1a3c"
)

// Recorded answers for dev: the Lambda live aliases run what the cycle
// passed (or, broken, another image), Fargate is scaled to zero.
type fakeLambda struct{ uri string }

func (f fakeLambda) GetAlias(context.Context, *lambda.GetAliasInput, ...func(*lambda.Options)) (*lambda.GetAliasOutput, error) {
	return &lambda.GetAliasOutput{FunctionVersion: aws.String("4")}, nil
}
func (f fakeLambda) GetFunction(context.Context, *lambda.GetFunctionInput, ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	return &lambda.GetFunctionOutput{Code: &ltypes.FunctionCodeLocation{ResolvedImageUri: aws.String(f.uri)}}, nil
}

type fakeECS struct{}

func (fakeECS) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{DesiredCount: 0, RunningCount: 0, TaskDefinition: aws.String("sgraph-send-dev-fargate:3")}}}, nil
}
func (fakeECS) DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{ContainerDefinitions: []ecstypes.ContainerDefinition{{Image: aws.String(passed)}}}}, nil
}

type fakeAlarms struct{ err error }

func (f fakeAlarms) DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{}}, nil
}

type fakeCost struct{}

func (fakeCost) GetCostAndUsage(context.Context, *costexplorer.GetCostAndUsageInput, ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error) {
	return &costexplorer.GetCostAndUsageOutput{ResultsByTime: []cetypes.ResultByTime{{Total: map[string]cetypes.MetricValue{"UnblendedCost": {Amount: aws.String("1.37")}}}}}, nil
}
func (fakeCost) GetCostForecast(context.Context, *costexplorer.GetCostForecastInput, ...func(*costexplorer.Options)) (*costexplorer.GetCostForecastOutput, error) {
	return &costexplorer.GetCostForecastOutput{Total: &cetypes.MetricValue{Amount: aws.String("9.80")}}, nil
}

func TestStatus(t *testing.T) {
	readOutputs = func(context.Context, string, string) (smoke.RawOutputs, error) {
		return smoke.RawOutputs{
			"stack": {Value: "dev"}, "awsRegion": {Value: "eu-west-2"},
			"lambdaAdminFunctionName": {Value: "sgraph-send-dev-admin"}, "lambdaAdminUrl": {Value: "https://q7adm.lambda-url.eu-west-2.on.aws/"},
			"lambdaPublicFunctionName": {Value: "sgraph-send-dev-public"}, "lambdaPublicUrl": {Value: "https://k2pub.lambda-url.eu-west-2.on.aws/"},
			"fargateClusterName": {Value: "sgraph-send-dev"}, "fargateServiceName": {Value: "sgraph-send-dev-fargate"},
			"adminKey": {Value: key, Secret: true}, "uploadToken": {Value: token, Secret: true},
		}, nil
	}
	readStack = func(context.Context, string, string) (stackInfo, error) {
		return stackInfo{BudgetUSD: 25, CostCenter: "sgraph-send-dev", Tags: map[string]string{
			"sgraph-send:cycle-image": passed, "sgraph-send:cycle-version": "0.27.6", "sgraph-send:cycle-passed-at": "2026-12-03T06:12:40Z"}}, nil
	}
	now = func() time.Time { return time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		args    []string
		clients status.Clients
		code    int
		want    string
	}{
		{"dev", []string{"-stack", "dev"}, status.Clients{ECS: fakeECS{}, Lambda: fakeLambda{passed}, Alarms: fakeAlarms{}, Cost: fakeCost{}}, 0,
			`stack dev  good digest: sha256:7c3e5a9d1f2b4c6e8a0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f1a2c4e6b8d0f1a3c (sgraph-send:cycle-image)
last cycle pass: 2026-12-03T06:12:40Z 0.27.6
TARGET         URL                                         DIGEST  RUNNING              DESIRED/RUNNING  NOTE
lambda-admin   https://q7adm.lambda-url.eu-west-2.on.aws/  MATCH   sha256:7c3e5a9d1f2b  -
lambda-public  https://k2pub.lambda-url.eu-west-2.on.aws/  MATCH   sha256:7c3e5a9d1f2b  -
fargate        -                                           MATCH   sha256:7c3e5a9d1f2b  0/0
alarms in ALARM: none
cost: cost-center sgraph-send-dev: month to date $1.37, forecast $11.17 of budget $25: within
`},
		{"broken: another image, alarms unreadable quoting the token", []string{"-stack", "dev"},
			status.Clients{ECS: fakeECS{}, Lambda: fakeLambda{"r/x@sha256:0000000000000000000000000000000000000000000000000000000000000000"},
				Alarms: fakeAlarms{errors.New("throttled; request had " + token)}, Cost: fakeCost{}}, 1,
			`stack dev  good digest: sha256:7c3e5a9d1f2b4c6e8a0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f1a2c4e6b8d0f1a3c (sgraph-send:cycle-image)
last cycle pass: 2026-12-03T06:12:40Z 0.27.6
TARGET         URL                                         DIGEST   RUNNING              DESIRED/RUNNING  NOTE
lambda-admin   https://q7adm.lambda-url.eu-west-2.on.aws/  DIFFERS  sha256:000000000000  -
lambda-public  https://k2pub.lambda-url.eu-west-2.on.aws/  DIFFERS  sha256:000000000000  -
fargate        -                                           MATCH    sha256:7c3e5a9d1f2b  0/0
alarms in ALARM: error: DescribeAlarms sgraph-send-dev-*: throttled; request had [REDACTED]
cost: cost-center sgraph-send-dev: month to date $1.37, forecast $11.17 of budget $25: within
`},
		{"no stack", nil, status.Clients{}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newClients = func(context.Context, string) (status.Clients, error) { return tt.clients, nil }
			for _, asJSON := range []bool{false, true} {
				var out, errOut bytes.Buffer
				args := tt.args
				if asJSON && args != nil {
					args = append(append([]string{}, args...), "-json")
				}
				code := run(context.Background(), args, &out, &errOut)
				assert.Equal(t, tt.code, code, errOut.String())
				if tt.want == "" {
					continue
				}
				if asJSON {
					var r status.Report
					require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
					assert.Equal(t, "dev", r.Stack)
				} else {
					t.Logf("\n%s", out.String())
					assert.Equal(t, tt.want, out.String())
				}
				assert.NotContains(t, out.String(), key)
				assert.NotContains(t, out.String(), token)
			}
		})
	}
}
