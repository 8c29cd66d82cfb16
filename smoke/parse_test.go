package smoke

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

const fullOutputs = `{
  "stack": "dev", "environment": "dev", "appVersion": "0.27.6", "awsRegion": "eu-west-2",
  "healthPath": "/info/health", "adminKeyHeader": "x-admin-key", "adminKey": "k-123456",
  "uploadTokenHeader": "x-sgraph-access-token", "uploadToken": "t-987654",
  "lambdaAdminUrl": "https://abc.lambda-url.eu-west-2.on.aws/", "lambdaAdminFunctionName": "admin",
  "lambdaPublicUrl": "https://def.lambda-url.eu-west-2.on.aws/",
  "fargateUrl": "http://alb.example.com", "fargateDesiredCount": 0,
  "ec2Url": "https://ec2.example.com", "ec2TlsSelfSigned": true,
  "cloudRunUrl": "https://run.example.app", "cloudRunPublic": false,
  "imageRef": "repo@sha256:00"
}`

func TestParseFullDocument(t *testing.T) {
	o, err := Load(context.Background(), JSONSource{R: strings.NewReader(fullOutputs)})
	require.NoError(t, err)
	assert.Equal(t, "0.27.6", o.AppVersion)
	assert.Equal(t, "eu-west-2", o.AwsRegion)
	assert.Equal(t, "x-admin-key", o.AdminKeyHeader)
	assert.ElementsMatch(t, []string{"k-123456", "t-987654"}, o.Secrets())

	names := []string{}
	for _, ep := range o.Endpoints {
		names = append(names, ep.Name)
	}
	assert.Equal(t, []string{"lambda-admin", "lambda-public", "fargate", "ec2", "cloudrun"}, names)
	eps := map[string]Endpoint{}
	for _, ep := range o.Endpoints {
		eps[ep.Name] = ep
	}
	assert.True(t, eps["lambda-admin"].IAMAuth)
	assert.Equal(t, outputs.AdminAPI, eps["lambda-admin"].Kind)
	assert.Contains(t, eps["fargate"].SkipReason, "fargateDesiredCount is 0")
	assert.True(t, eps["ec2"].InsecureTLS)
	assert.Contains(t, eps["cloudrun"].SkipReason, "identity token")
	assert.Empty(t, eps["lambda-public"].SkipReason)
}

// TestSourcesAgree: the Automation API hands values as float64/bool with a
// Secret flag; the JSON path as json.Number. Both must give the same Outputs.
func TestSourcesAgree(t *testing.T) {
	fromJSON, err := Load(context.Background(), JSONSource{R: strings.NewReader(fullOutputs)})
	require.NoError(t, err)

	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(fullOutputs), &m)) // float64 numbers, like auto
	raw := RawOutputs{}
	for k, v := range m {
		raw[k] = Value{Value: v, Secret: k == outputs.AdminKey || k == outputs.UploadToken}
	}
	fromAuto, err := Load(context.Background(), fakeSource(raw))
	require.NoError(t, err)
	assert.Equal(t, fromJSON.Endpoints, fromAuto.Endpoints)
	assert.Equal(t, fromJSON.AdminKey, fromAuto.AdminKey)
	assert.ElementsMatch(t, fromJSON.Secrets(), fromAuto.Secrets())
}

type fakeSource RawOutputs

func (f fakeSource) Outputs(context.Context) (RawOutputs, error) { return RawOutputs(f), nil }

func TestParseMalformed(t *testing.T) {
	base := `"appVersion": "0.27.6", "awsRegion": "eu-west-2", "adminKeyHeader": "x-k", "adminKey": "k"`
	cases := []struct {
		name, doc, key, msg string
	}{
		{"not json", `not json`, "", "not a JSON object"},
		{"empty", ``, "", "empty input"},
		{"array", `[1,2]`, "", "want an object"},
		{"null", `null`, "", "JSON null"},
		{"trailing", `{"fargateUrl":"http://a"} {}`, "", "trailing data"},
		{"no targets", `{` + base + `}`, "", "no target URL found; looked for lambdaAdminUrl"},
		{"bad scheme", `{` + base + `, "fargateUrl": "ftp://a.example"}`, outputs.FargateURL, `scheme "ftp"`},
		{"no scheme", `{` + base + `, "ec2Url": "ec2.example.com"}`, outputs.EC2URL, "no scheme"},
		{"no host", `{` + base + `, "cloudRunUrl": "https://"}`, outputs.CloudRunURL, "no host"},
		{"url not string", `{` + base + `, "lambdaPublicUrl": 12}`, outputs.LambdaPublicURL, "want a URL string, got a number"},
		{"url empty", `{` + base + `, "lambdaPublicUrl": ""}`, outputs.LambdaPublicURL, "empty"},
		{"url query", `{` + base + `, "lambdaPublicUrl": "https://a.example/?x=1"}`, outputs.LambdaPublicURL, "query"},
		{"url creds", `{` + base + `, "lambdaPublicUrl": "https://u:p@a.example/"}`, outputs.LambdaPublicURL, "credentials"},
		{"url implied by count", `{` + base + `, "fargateDesiredCount": 1}`, outputs.FargateURL, `"fargateDesiredCount" is present`},
		{"url implied by name", `{` + base + `, "lambdaAdminFunctionName": "f", "fargateUrl": "http://a"}`, outputs.LambdaAdminURL, "lambdaAdminFunctionName"},
		{"url implied by self-signed", `{` + base + `, "ec2TlsSelfSigned": true}`, outputs.EC2URL, "ec2TlsSelfSigned"},
		{"count negative", `{` + base + `, "fargateUrl": "http://a", "fargateDesiredCount": -1}`, outputs.FargateDesiredCount, "non-negative"},
		{"count fraction", `{` + base + `, "fargateUrl": "http://a", "fargateDesiredCount": 1.5}`, outputs.FargateDesiredCount, "whole number"},
		{"count text", `{` + base + `, "fargateUrl": "http://a", "fargateDesiredCount": "two"}`, outputs.FargateDesiredCount, `"two"`},
		{"bool text", `{` + base + `, "ec2Url": "https://a", "ec2TlsSelfSigned": "yes"}`, outputs.EC2TLSSelfSigned, "true or false"},
		{"bool number", `{` + base + `, "cloudRunUrl": "https://a", "cloudRunPublic": 1}`, outputs.CloudRunPublic, "want a bool"},
		{"masked secret", `{` + base + `, "uploadToken": "[secret]", "fargateUrl": "http://a"}`, outputs.UploadToken, "--show-secrets"},
		{"no version", `{"fargateUrl": "http://a"}`, outputs.AppVersion, "version check"},
		{"no region", `{"appVersion": "1", "adminKey": "k", "lambdaAdminUrl": "https://a"}`, outputs.AwsRegion, "IAM-protected"},
		{"no admin key", `{"appVersion": "1", "awsRegion": "r", "lambdaAdminUrl": "https://a"}`, outputs.AdminKey, "admin API key"},
		{"health path", `{` + base + `, "healthPath": "info/health", "fargateUrl": "http://a"}`, outputs.HealthPath, "does not start with /"},
		{"header name", `{` + base + `, "adminKeyHeader": "x key", "fargateUrl": "http://a"}`, outputs.AdminKeyHeader, "header name"},
		{"string as object", `{` + base + `, "appVersion": {"v":1}, "fargateUrl": "http://a"}`, outputs.AppVersion, "got an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(context.Background(), JSONSource{R: strings.NewReader(c.doc), Name: "stdin"})
			require.Error(t, err)
			var oe *OutputError
			require.True(t, errors.As(err, &oe), "%T %v", err, err)
			assert.Equal(t, c.key, oe.Key)
			assert.Contains(t, err.Error(), c.msg)
			if c.key != "" {
				assert.Contains(t, err.Error(), `"`+c.key+`"`, "the error names the key")
			}
		})
	}
}

// TestParseLenient: shapes Pulumi really produces are accepted.
func TestParseLenient(t *testing.T) {
	doc := `{"appVersion": 1.5, "fargateUrl": "http://a.example/base/", "fargateDesiredCount": "2",
	         "ec2Url": "https://b", "ec2TlsSelfSigned": "false", "cloudRunUrl": null, "cloudRunPublic": null}`
	o, err := Load(context.Background(), JSONSource{R: strings.NewReader(doc)})
	require.NoError(t, err)
	assert.Equal(t, "1.5", o.AppVersion)
	require.Len(t, o.Endpoints, 2, "null outputs count as absent")
	assert.Empty(t, o.Endpoints[0].SkipReason)
	assert.False(t, o.Endpoints[1].InsecureTLS)
}

func TestParseNeverPanics(t *testing.T) {
	for _, v := range []any{nil, true, 3.0, "x", []any{1}, map[string]any{"a": 1}, int64(-4)} {
		raw := RawOutputs{}
		for _, k := range []string{outputs.AppVersion, outputs.AwsRegion, outputs.AdminKey, outputs.HealthPath, outputs.AdminKeyHeader} {
			raw[k] = Value{Value: "ok"}
		}
		for _, tg := range outputs.Targets {
			for _, k := range []string{tg.URLKey, tg.DesiredCountKey, tg.SelfSignedKey, tg.PublicKey} {
				if k != "" {
					raw[k] = Value{Value: v}
				}
			}
		}
		assert.NotPanics(t, func() { _, _ = Parse(raw) })
	}
}

func TestRawOutputsSplit(t *testing.T) {
	plain, secrets := RawOutputs{
		"url":   {Value: "https://x.example"},
		"key":   {Value: "k-123", Secret: true},
		"count": {Value: 2.0},
		"blob":  {Value: map[string]any{"a": 1.0}, Secret: true},
	}.Split()
	if len(plain) != 2 || plain["url"] != "https://x.example" || plain["count"] != 2.0 {
		t.Errorf("plain = %v", plain)
	}
	if _, leaked := plain["key"]; leaked {
		t.Errorf("a secret output is among the plain ones: %v", plain)
	}
	if len(secrets) != 1 || secrets[0] != "k-123" {
		t.Errorf("secrets = %v, want the one string secret", secrets)
	}
}
