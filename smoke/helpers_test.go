package smoke

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/smoke/smoketest"
)

// fastRetry keeps tests quick: a few tries, millisecond backoff.
var fastRetry = RetryPolicy{Attempts: 3, Initial: time.Millisecond, Max: 4 * time.Millisecond}

// testOptions: fast retries, short timeouts, static credentials. Nothing in
// these tests may reach a real AWS endpoint or leave loopback.
func testOptions(extra ...Option) []Option {
	return append([]Option{
		WithRetry(fastRetry),
		WithCheckTimeout(5 * time.Second),
		WithCredentials(staticCreds(testCreds)),
		WithPayloadBytes(4096),
		WithReadiness(3*time.Second, 3*time.Second), // generous: a loaded CI machine is slow to answer
	}, extra...)
}

// serve starts h on 127.0.0.1 (httptest's default listener) and closes it
// with the test; hanging handlers must return when their client leaves.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func serveTLS(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	// The untrusted-chain cases make the server log handshake errors: noise.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// pool trusts a test TLS server's certificate, as a real CA would be trusted.
func pool(srv *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(srv.Certificate())
	return p
}

// refusedURL is the address of a listener that was closed: connecting to it
// is refused, on loopback.
func refusedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// baseOutputs are the stack-wide outputs every test stack shares.
func baseOutputs() map[string]any {
	return map[string]any{
		outputs.Stack:          "test",
		outputs.Environment:    "dev",
		outputs.AppVersion:     "0.27.6",
		outputs.AwsRegion:      testRegion,
		outputs.HealthPath:     "/info/health",
		outputs.AdminKeyHeader: fakeKeyHeader,
		outputs.AdminKey:       fakeKey,
	}
}

// parseMap runs a map through the JSON path, exactly as -outputs would.
func parseMap(t testing.TB, m map[string]any) *Outputs {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	o, err := Load(context.Background(), JSONSource{R: bytes.NewReader(b), Name: "test"})
	require.NoError(t, err)
	return o
}

// byCheck indexes one target's results.
func byCheck(rep *Report, target string) map[string]Result {
	m := map[string]Result{}
	for _, r := range rep.Results {
		if r.Target == target {
			m[r.Check] = r
		}
	}
	return m
}

// Short names for the test doubles in package smoketest.
type faults = smoketest.Faults

var (
	newFakeApp  = smoketest.NewApp
	iamFront    = smoketest.IAMFront
	staticCreds = smoketest.StaticCreds
	testCreds   = smoketest.Creds
)

const (
	testRegion      = smoketest.Region
	fakeKeyHeader   = smoketest.KeyHeader
	fakeKey         = smoketest.Key
	fakeTokenHeader = smoketest.TokenHeader
	fakeToken       = smoketest.Token
)
