package smoke

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleReport() *Report {
	return &Report{Stack: "dev", Started: time.Unix(0, 0).UTC(), Duration: 1500 * time.Millisecond, Results: []Result{
		{Target: "lambda-admin", Kind: "admin-api", URL: "https://a/", Check: CheckHealth, Verdict: Pass, Duration: 120 * time.Millisecond},
		{Target: "lambda-admin", Kind: "admin-api", URL: "https://a/", Check: CheckCORS, Verdict: Fail, Duration: 30 * time.Millisecond, Reason: `no <access-control-allow-origin> & "more"`, Retries: 2},
		{Target: "fargate", Kind: "container-app", URL: "http://b", Check: CheckTarget, Verdict: Skip, Reason: "fargateDesiredCount is 0: scaled to zero"},
	}}
}

func TestJUnitShape(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, sampleReport()))
	assert.True(t, strings.HasPrefix(buf.String(), "<?xml"))

	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Name     string   `xml:"name,attr"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Skipped  int      `xml:"skipped,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Name      string `xml:"name,attr"`
				ClassName string `xml:"classname,attr"`
				Time      string `xml:"time,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, "smoke dev", doc.Name)
	assert.Equal(t, 3, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Skipped)
	require.Len(t, doc.Suites, 2)
	admin := doc.Suites[0]
	assert.Equal(t, "lambda-admin", admin.Name)
	assert.Equal(t, 2, admin.Tests)
	assert.Equal(t, "smoke.lambda-admin", admin.Cases[0].ClassName)
	assert.Equal(t, "0.120", admin.Cases[0].Time)
	assert.Nil(t, admin.Cases[0].Failure)
	require.NotNil(t, admin.Cases[1].Failure)
	assert.Equal(t, `no <access-control-allow-origin> & "more"`, admin.Cases[1].Failure.Message, "escaped and restored")
	require.NotNil(t, doc.Suites[1].Cases[0].Skipped)
	assert.Contains(t, doc.Suites[1].Cases[0].Skipped.Message, "scaled to zero")
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, sampleReport()))
	var doc struct {
		Stack      string  `json:"stack"`
		OK         bool    `json:"ok"`
		Passed     int     `json:"passed"`
		Failed     int     `json:"failed"`
		Skipped    int     `json:"skipped"`
		DurationMS float64 `json:"durationMs"`
		Results    []map[string]any
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, "dev", doc.Stack)
	assert.False(t, doc.OK)
	assert.Equal(t, []int{1, 1, 1}, []int{doc.Passed, doc.Failed, doc.Skipped})
	assert.InDelta(t, 1500, doc.DurationMS, 0.001)
	require.Len(t, doc.Results, 3)
	r := doc.Results[1]
	assert.Equal(t, "lambda-admin", r["target"])
	assert.Equal(t, "cors", r["check"])
	assert.Equal(t, "FAIL", r["verdict"])
	assert.InDelta(t, 30, r["durationMs"], 0.001)
	assert.EqualValues(t, 2, r["retries"])
	assert.Equal(t, "https://a/", r["url"])
	assert.NotContains(t, r, "Duration")
}

func TestTableRows(t *testing.T) {
	var buf bytes.Buffer
	tw := &TableWriter{W: &buf}
	rep := sampleReport()
	for _, r := range rep.Results {
		tw.Row(r)
	}
	tw.Summary(rep)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 5)
	assert.Regexp(t, `^TARGET\s+CHECK\s+VERDICT\s+TIME\s+REASON$`, lines[0])
	assert.Regexp(t, `^lambda-admin\s+health\s+PASS\s+120ms\s*$`, lines[1])
	assert.Regexp(t, `^lambda-admin\s+cors\s+FAIL\s+30ms\s+no <access.*\[2 retries\]$`, lines[2])
	assert.Regexp(t, `^fargate\s+target\s+SKIP\s+-\s+fargateDesiredCount is 0`, lines[3])
	assert.Equal(t, "1 passed, 1 failed, 1 skipped in 1.50s", lines[4])
}

func TestRedactor(t *testing.T) {
	r := newRedactor("abc", "abcdef", "", "zz")
	assert.Equal(t, "x [REDACTED] y [REDACTED] [REDACTED]", r.String("x abcdef y abc zz"))
	assert.Equal(t, "plain", redactor{}.String("plain"))
}

func TestNormVersion(t *testing.T) {
	for in, want := range map[string]string{"v0.27.6": "0.27.6", "0.27.6": "0.27.6", " V1.0 ": "1.0", "vnext": "vnext", "v": "v"} {
		assert.Equal(t, want, normVersion(in), in)
	}
}
