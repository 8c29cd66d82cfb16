package logs

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const token = "upload-secret-logs-7c1"

// fakeLogs answers FilterLogEvents (JSON 1.1, X-Amz-Target
// Logs_20140328.FilterLogEvents) with the recorded pages: page 2 when the
// request carries nextToken page-2.
func fakeLogs(t *testing.T, requests *[]map[string]any) *cloudwatchlogs.Client {
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "Logs_20140328.FilterLogEvents", r.Header.Get("X-Amz-Target"))
		b, _ := io.ReadAll(r.Body)
		var in map[string]any
		require.NoError(t, json.Unmarshal(b, &in))
		mu.Lock()
		*requests = append(*requests, in)
		mu.Unlock()
		page := "testdata/filter-page1.json"
		if in["nextToken"] == "page-2" {
			page = "testdata/filter-page2.json"
		}
		body, err := os.ReadFile(page)
		require.NoError(t, err)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return cloudwatchlogs.New(cloudwatchlogs.Options{Region: "eu-west-2", BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.AnonymousCredentials{}})
}

func TestFetchAndRender(t *testing.T) {
	var reqs []map[string]any
	api := fakeLogs(t, &reqs)
	src := Source{Target: "lambda-public", Group: "/aws/lambda/sgraph-send-dev-public"}
	since := time.UnixMilli(1764763100000)
	lines, err := Fetch(context.Background(), api, src, since)
	require.NoError(t, err)
	require.Len(t, lines, 3, "both pages")
	require.Len(t, reqs, 2)
	assert.Equal(t, "/aws/lambda/sgraph-send-dev-public", reqs[0]["logGroupName"])
	assert.EqualValues(t, since.UnixMilli(), reqs[0]["startTime"])

	var readable, raw []string
	for _, l := range lines {
		readable = append(readable, Render(l, []string{token, "admin-key"}, false))
		raw = append(raw, Render(l, []string{token, "admin-key"}, true))
	}
	t.Logf("readable:\n%s\nraw:\n%s", strings.Join(readable, "\n"), strings.Join(raw, "\n"))
	assert.Equal(t, "12:00:00.000 lambda-public INFO  GET /info/health 200  duration_ms=3", readable[0])
	assert.Equal(t, "12:00:01.000 lambda-public WARNING upload refused  header=x-sgraph-access-token: [REDACTED]", readable[1])
	assert.Equal(t, "12:00:02.000 lambda-public START RequestId: 8f0c Version: $LATEST", readable[2])
	for _, s := range append(readable, raw...) {
		assert.NotContains(t, s, token, "the upload token is redacted even when the app logged it")
	}
	var obj map[string]string
	require.NoError(t, json.Unmarshal([]byte(raw[1]), &obj), "-json is one JSON object per line")
	assert.Contains(t, obj["message"], "[REDACTED]")
}

func TestFollowEmitsEachEventOnce(t *testing.T) {
	var reqs []map[string]any
	api := fakeLogs(t, &reqs)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var got []string
	err := Follow(ctx, api, []Source{{Target: "lambda-public", Group: "/aws/lambda/x"}}, time.UnixMilli(0), 20*time.Millisecond, func(l Line) {
		got = append(got, l.id)
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"e1", "e2", "e3"}, got, "polled again and again, each event is emitted once")
	assert.GreaterOrEqual(t, len(reqs), 4, "it polled more than once")
}
