package status

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go/encoding/cbor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	good     = "sha256:4f9d2c1b7a6e5d4c3b2a19080706050403020100ffeeddccbbaa998877665544"
	other    = "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f9000102030405060708090a0b0c0d0e0f"
	repo     = "111122223333.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-prod@"
	adminKey = "admin-key-status-5e2"
	token    = "upload-secret-status-8d4"
)

// fakeAWS replays the recorded answers in testdata: ECS in JSON 1.1
// (X-Amz-Target AmazonEC2ContainerServiceV20141113.<op>), CloudWatch in
// Smithy RPC v2 CBOR (POST /service/GraniteServiceVersion20100801/operation/<op>),
// the protocols these SDK clients speak. ecsFails makes ECS answer the
// cluster-not-found error instead.
func fakeAWS(t *testing.T, ecsFails bool, seen *[]string) (*ecs.Client, *cloudwatch.Client) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		if target := r.Header.Get("X-Amz-Target"); target != "" {
			require.NoError(t, json.NewDecoder(r.Body).Decode(&in))
			*seen = append(*seen, target)
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			if ecsFails {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"__type":"ClusterNotFoundException","message":"Cluster not found."}`))
				return
			}
			file := map[string]string{
				"AmazonEC2ContainerServiceV20141113.DescribeServices":       "testdata/ecs-describe-services.json",
				"AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition": "testdata/ecs-describe-task-definition.json",
			}[target]
			require.NotEmpty(t, file, target)
			body, err := os.ReadFile(file)
			require.NoError(t, err)
			_, _ = w.Write(body)
			return
		}
		require.Equal(t, "/service/GraniteServiceVersion20100801/operation/DescribeAlarms", r.URL.Path)
		require.Equal(t, "rpc-v2-cbor", r.Header.Get("Smithy-Protocol"))
		req, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		v, err := cbor.Decode(req)
		require.NoError(t, err)
		m := v.(cbor.Map)
		*seen = append(*seen, "DescribeAlarms "+string(m["AlarmNamePrefix"].(cbor.String))+" "+string(m["StateValue"].(cbor.String)))
		body, err := os.ReadFile("testdata/cloudwatch-describe-alarms.json")
		require.NoError(t, err)
		var ans any
		require.NoError(t, json.Unmarshal(body, &ans))
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write(cbor.Encode(toCBOR(ans)))
	}))
	t.Cleanup(srv.Close)
	creds := aws.AnonymousCredentials{}
	return ecs.New(ecs.Options{Region: "eu-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: creds}),
		cloudwatch.New(cloudwatch.Options{Region: "eu-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
}

// toCBOR turns a recorded JSON answer into the CBOR the service sends.
func toCBOR(v any) cbor.Value {
	switch x := v.(type) {
	case map[string]any:
		m := cbor.Map{}
		for k, e := range x {
			m[k] = toCBOR(e)
		}
		return m
	case []any:
		l := cbor.List{}
		for _, e := range x {
			l = append(l, toCBOR(e))
		}
		return l
	case string:
		return cbor.String(x)
	case float64:
		return cbor.Float64(x)
	case bool:
		return cbor.Bool(x)
	}
	return &cbor.Nil{}
}

// stubLambda answers per function name: the live alias's version, then
// that version's resolved image URI (or an error).
type stubLambda map[string]string

func (s stubLambda) GetAlias(_ context.Context, in *lambda.GetAliasInput, _ ...func(*lambda.Options)) (*lambda.GetAliasOutput, error) {
	if aws.ToString(in.Name) != "live" {
		return nil, errors.New("only the live alias is read")
	}
	return &lambda.GetAliasOutput{FunctionVersion: aws.String("12")}, nil
}

func (s stubLambda) GetFunction(_ context.Context, in *lambda.GetFunctionInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	uri := s[aws.ToString(in.FunctionName)]
	if strings.HasPrefix(uri, "error:") {
		// The error quotes a secret, as a misbehaving API or proxy might.
		return nil, errors.New(strings.TrimPrefix(uri, "error:"))
	}
	if aws.ToString(in.Qualifier) != "12" {
		return nil, errors.New("GetFunction must read the alias's version")
	}
	return &lambda.GetFunctionOutput{Code: &ltypes.FunctionCodeLocation{ResolvedImageUri: aws.String(uri)}}, nil
}

// stubCost answers month to date and the rest-of-month forecast, checking
// the dates and the cost-center filter.
type stubCost struct {
	t        *testing.T
	mtd, fc  string
	forecast error
}

func (s stubCost) GetCostAndUsage(_ context.Context, in *costexplorer.GetCostAndUsageInput, _ ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error) {
	assert.Equal(s.t, "2026-12-01", aws.ToString(in.TimePeriod.Start))
	assert.Equal(s.t, "2026-12-03", aws.ToString(in.TimePeriod.End), "end is exclusive: up to yesterday")
	assert.Equal(s.t, "cost-center", aws.ToString(in.Filter.Tags.Key))
	assert.Equal(s.t, []string{"sgraph-send-prod"}, in.Filter.Tags.Values)
	return &costexplorer.GetCostAndUsageOutput{ResultsByTime: []cetypes.ResultByTime{{
		Total: map[string]cetypes.MetricValue{"UnblendedCost": {Amount: aws.String(s.mtd), Unit: aws.String("USD")}}}}}, nil
}

func (s stubCost) GetCostForecast(_ context.Context, in *costexplorer.GetCostForecastInput, _ ...func(*costexplorer.Options)) (*costexplorer.GetCostForecastOutput, error) {
	if s.forecast != nil {
		return nil, s.forecast
	}
	assert.Equal(s.t, "2026-12-03", aws.ToString(in.TimePeriod.Start))
	assert.Equal(s.t, "2027-01-01", aws.ToString(in.TimePeriod.End))
	return &costexplorer.GetCostForecastOutput{Total: &cetypes.MetricValue{Amount: aws.String(s.fc), Unit: aws.String("USD")}}, nil
}

func prodInput() Input {
	return Input{
		Outputs: map[string]any{
			"stack": "prod", "awsRegion": "eu-west-2",
			"lambdaAdminFunctionName": "sgraph-send-prod-admin", "lambdaAdminUrl": "https://adm.lambda-url.eu-west-2.on.aws/",
			"lambdaPublicFunctionName": "sgraph-send-prod-public", "lambdaPublicUrl": "https://pub.lambda-url.eu-west-2.on.aws/",
			"fargateClusterName": "sgraph-send-prod", "fargateServiceName": "sgraph-send-prod-fargate", "fargateUrl": "https://send.example.org",
			"cloudRunUrl": "https://sgraph-send-prod-cloudrun-abc.a.run.app",
		},
		Tags: map[string]string{
			"sgraph-send:good-image": repo + good, "sgraph-send:good-version": "0.27.6",
			"sgraph-send:cycle-passed-at": "2026-12-02T21:04:11Z", "sgraph-send:cycle-version": "0.27.6",
		},
		BudgetUSD: 300, CostCenter: "sgraph-send-prod",
		Now: time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC),
	}
}

func TestStatus(t *testing.T) {
	secrets := []string{adminKey, token}
	tests := []struct {
		name     string
		ecsFails bool
		lambda   stubLambda
		cost     func(t *testing.T) CostAPI
		edit     func(*Input)
		want     string
		wantSeen []string
	}{
		{
			name:   "all match",
			lambda: stubLambda{"sgraph-send-prod-admin": repo + good, "sgraph-send-prod-public": repo + good},
			cost:   func(t *testing.T) CostAPI { return stubCost{t: t, mtd: "18.40", fc: "161.60"} },
			want: `stack prod  good digest: sha256:4f9d2c1b7a6e5d4c3b2a19080706050403020100ffeeddccbbaa998877665544 (sgraph-send:good-image)
last cycle pass: 2026-12-02T21:04:11Z 0.27.6
TARGET         URL                                              DIGEST   RUNNING              DESIRED/RUNNING  NOTE
lambda-admin   https://adm.lambda-url.eu-west-2.on.aws/         MATCH    sha256:4f9d2c1b7a6e  -
lambda-public  https://pub.lambda-url.eu-west-2.on.aws/         MATCH    sha256:4f9d2c1b7a6e  -
fargate        https://send.example.org                         MATCH    sha256:4f9d2c1b7a6e  2/1
cloudrun       https://sgraph-send-prod-cloudrun-abc.a.run.app  unknown  -                    -                Cloud Run API not read
alarms in ALARM: sgraph-send-prod-admin-errors, sgraph-send-prod-alb-5xx
cost: cost-center sgraph-send-prod: month to date $18.40, forecast $180.00 of budget $300: within
`,
			wantSeen: []string{"AmazonEC2ContainerServiceV20141113.DescribeServices", "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition", "DescribeAlarms sgraph-send-prod- ALARM"},
		},
		{
			name:     "broken: admin runs another digest, ECS errors, forecast over budget, an error quoting the admin key",
			ecsFails: true,
			lambda:   stubLambda{"sgraph-send-prod-admin": repo + other, "sgraph-send-prod-public": "error:AccessDenied for key " + adminKey},
			cost:     func(t *testing.T) CostAPI { return stubCost{t: t, mtd: "120.00", fc: "250.00"} },
			want: `stack prod  good digest: sha256:4f9d2c1b7a6e5d4c3b2a19080706050403020100ffeeddccbbaa998877665544 (sgraph-send:good-image)
last cycle pass: 2026-12-02T21:04:11Z 0.27.6
TARGET         URL                                              DIGEST   RUNNING              DESIRED/RUNNING  NOTE
lambda-admin   https://adm.lambda-url.eu-west-2.on.aws/         DIFFERS  sha256:0a1b2c3d4e5f  -
lambda-public  https://pub.lambda-url.eu-west-2.on.aws/         unknown  -                    -                error: GetFunction sgraph-send-prod-public:12: AccessDenied for key [REDACTED]
fargate        https://send.example.org                         unknown  -                    -                error: DescribeServices sgraph-send-prod/sgraph-send-prod-fargate: operation error ECS: DescribeServices, https response error StatusCode: 400, RequestID: , ClusterNotFoundException: Cluster not found.
cloudrun       https://sgraph-send-prod-cloudrun-abc.a.run.app  unknown  -                    -                Cloud Run API not read
alarms in ALARM: sgraph-send-prod-admin-errors, sgraph-send-prod-alb-5xx
cost: cost-center sgraph-send-prod: month to date $120.00, forecast $370.00 of budget $300: OVER
`,
			wantSeen: []string{"AmazonEC2ContainerServiceV20141113.DescribeServices", "DescribeAlarms sgraph-send-prod- ALARM"},
		},
		{
			name:   "no records, no cost-center, forecast never asked",
			lambda: stubLambda{"sgraph-send-prod-admin": repo + good, "sgraph-send-prod-public": repo + good},
			cost:   func(t *testing.T) CostAPI { return stubCost{t: t, forecast: errors.New("must not be called")} },
			edit: func(in *Input) {
				in.Tags = nil
				in.CostCenter, in.BudgetUSD = "", 0
				delete(in.Outputs, "cloudRunUrl")
				delete(in.Outputs, "fargateServiceName")
			},
			want: `stack prod  good digest: none recorded
TARGET         URL                                       DIGEST   RUNNING              DESIRED/RUNNING  NOTE
lambda-admin   https://adm.lambda-url.eu-west-2.on.aws/  unknown  sha256:4f9d2c1b7a6e  -
lambda-public  https://pub.lambda-url.eu-west-2.on.aws/  unknown  sha256:4f9d2c1b7a6e  -
alarms in ALARM: sgraph-send-prod-admin-errors, sgraph-send-prod-alb-5xx
cost: no cost-center tag in the stack's config: cost unknown (budget unknown)
`,
			wantSeen: []string{"DescribeAlarms sgraph-send-prod- ALARM"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []string
			ecsc, cw := fakeAWS(t, tt.ecsFails, &seen)
			in := prodInput()
			if tt.edit != nil {
				tt.edit(&in)
			}
			r := Collect(context.Background(), in, Clients{ECS: ecsc, Lambda: tt.lambda, Alarms: cw, Cost: tt.cost(t)})
			got := Text(r, secrets)
			t.Logf("\n%s", got)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantSeen, seen)
			js, err := JSON(r, secrets)
			require.NoError(t, err)
			var back Report
			require.NoError(t, json.Unmarshal([]byte(js), &back), "-json is one JSON object")
			assert.Equal(t, len(r.Targets), len(back.Targets))
			for _, out := range []string{got, js} {
				assert.NotContains(t, out, adminKey)
				assert.NotContains(t, out, token)
			}
		})
	}
}

func TestGood(t *testing.T) {
	tests := []struct {
		name       string
		tags       map[string]string
		digest, by string
	}{
		{"prod record first", map[string]string{"sgraph-send:good-image": repo + good, "sgraph-send:cycle-image": repo + other}, good, "sgraph-send:good-image"},
		{"dev cycle record", map[string]string{"sgraph-send:cycle-image": repo + other}, other, "sgraph-send:cycle-image"},
		{"newest per-digest record", map[string]string{
			"sgraph-send:good:0a1b2c3d4e5f6071": "d=" + other + ";at=2026-11-01T00:00:00Z",
			"sgraph-send:good:4f9d2c1b7a6e5d4c": "d=" + good + ";at=2026-12-01T00:00:00Z",
		}, good, "sgraph-send:good:4f9d2c1b7a6e5d4c"},
		{"none", map[string]string{"other": "x"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, by := Good(tt.tags)
			assert.Equal(t, tt.digest, d)
			assert.Equal(t, tt.by, by)
		})
	}
}

// A secret JSON would escape (a quote, a backslash) is redacted in both
// renderings, raw and escaped: the report is redacted before it is
// marshalled (smoke.Redact also knows the escaped form).
func TestRedactedBeforeFormatting(t *testing.T) {
	secret := `k"ey\with<escapes>`
	r := Report{Stack: "dev", Alarms: []string{}, Targets: []Target{{Name: "fargate", Error: "denied for " + secret}}}
	js, err := JSON(r, []string{secret})
	require.NoError(t, err)
	escaped, _ := json.Marshal(secret)
	tests := []struct{ name, out string }{{"json", js}, {"text", Text(r, []string{secret})}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NotContains(t, tt.out, secret)
			assert.NotContains(t, tt.out, strings.Trim(string(escaped), `"`))
			assert.Contains(t, tt.out, "denied for [REDACTED]")
		})
	}
}
