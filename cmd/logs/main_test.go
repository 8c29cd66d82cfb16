package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/stretchr/testify/assert"

	"github.com/sgraph-ai/sgraph-send-infra/internal/ops/logs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// stubAPI answers FilterLogEvents per log group (a recorded answer each).
type stubAPI map[string][]types.FilteredLogEvent

func (s stubAPI) FilterLogEvents(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	return &cloudwatchlogs.FilterLogEventsOutput{Events: s[aws.ToString(in.LogGroupName)]}, nil
}

func TestLogs(t *testing.T) {
	const key, token = "admin-key-logs-91f", "upload-secret-logs-7c1"
	readOutputs = func(context.Context, string, string) (smoke.RawOutputs, error) {
		return smoke.RawOutputs{
			"stack": {Value: "dev"}, "awsRegion": {Value: "eu-west-2"},
			"lambdaAdminFunctionName": {Value: "sgraph-send-dev-admin"}, "lambdaPublicFunctionName": {Value: "sgraph-send-dev-public"},
			"cloudRunUrl": {Value: "https://x.a.run.app"},
			"adminKey":    {Value: key, Secret: true}, "uploadToken": {Value: token, Secret: true},
		}, nil
	}
	ev := func(id, msg string) types.FilteredLogEvent {
		return types.FilteredLogEvent{EventId: aws.String(id), Timestamp: aws.Int64(1764763200000), Message: aws.String(msg)}
	}
	newAPI = func(context.Context, string) (logs.FilterAPI, error) {
		return stubAPI{
			"/aws/lambda/sgraph-send-dev-admin":  {ev("a1", `{"level":"info","message":"admin login","key":"`+key+`"}`)},
			"/aws/lambda/sgraph-send-dev-public": {ev("p1", "token="+token)},
		}, nil
	}
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"all targets", []string{"-stack", "dev"}, 0, []string{
			"12:00:00.000 lambda-admin  INFO  admin login  key=[REDACTED]",
			"12:00:00.000 lambda-public token=[REDACTED]"}},
		{"one target", []string{"-stack", "dev", "-target", "lambda-public"}, 0, []string{"12:00:00.000 lambda-public token=[REDACTED]"}},
		{"json", []string{"-stack", "dev", "-target", "lambda-public", "-json"}, 0, []string{`{"target":"lambda-public","time":"2025-12-03T12:00:00.000Z","message":"token=[REDACTED]"}`}},
		{"unknown target", []string{"-stack", "dev", "-target", "ec3"}, 2, nil},
		{"no stack", nil, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			assert.Equal(t, tt.code, code, errOut.String())
			got := strings.Split(strings.TrimSpace(out.String()), "\n")
			if tt.want == nil {
				return
			}
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, out.String(), key)
			assert.NotContains(t, out.String(), token)
		})
	}
}
