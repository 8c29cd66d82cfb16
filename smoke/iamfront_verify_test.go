package smoke

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIAMFrontVerifiesSignatures: the fake IAM layer is only worth something
// if it really rejects what AWS would reject.
func TestIAMFrontVerifiesSignatures(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	srv := serve(t, iamFront(ok, testCreds, testRegion))
	other := testCreds
	other.SecretAccessKey = "another-secret-key-00000000000000000000"

	send := func(t *testing.T, sign func(*http.Request, []byte), body []byte, tamper func(*http.Request)) int {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/x?a=1", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if sign != nil {
			sign(req, body)
		}
		if tamper != nil {
			tamper(req)
		}
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	signer := func(service, region string, when time.Time, withCreds func() (string, string)) func(*http.Request, []byte) {
		return func(req *http.Request, body []byte) {
			c := testCreds
			if withCreds != nil {
				c.AccessKeyID, c.SecretAccessKey = withCreds()
			}
			sum := sha256.Sum256(body)
			require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), c, req, hex.EncodeToString(sum[:]), service, region, when))
		}
	}
	now := time.Now().UTC()
	body := []byte(`{"a":1}`)
	cases := []struct {
		name   string
		sign   func(*http.Request, []byte)
		tamper func(*http.Request)
		want   int
	}{
		{"valid", signer("lambda", testRegion, now, nil), nil, 200},
		{"unsigned", nil, nil, 403},
		{"wrong secret", signer("lambda", testRegion, now, func() (string, string) { return testCreds.AccessKeyID, other.SecretAccessKey }), nil, 403},
		{"wrong service", signer("execute-api", testRegion, now, nil), nil, 403},
		{"wrong region", signer("lambda", "us-east-1", now, nil), nil, 403},
		{"stale", signer("lambda", testRegion, now.Add(-time.Hour), nil), nil, 403},
		{"signed header changed", signer("lambda", testRegion, now, nil), func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 403},
		{"body changed", signer("lambda", testRegion, now, nil), func(r *http.Request) { r.Body = io.NopCloser(bytes.NewReader([]byte(`{"a":2}`))) }, 403},
		{"path changed", signer("lambda", testRegion, now, nil), func(r *http.Request) { r.URL.Path = "/api/y" }, 403},
		{"unsigned header added", signer("lambda", testRegion, now, nil), func(r *http.Request) { r.Header.Set("X-Extra", "1") }, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, send(t, c.sign, body, c.tamper))
		})
	}
}
