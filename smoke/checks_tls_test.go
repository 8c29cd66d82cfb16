package smoke

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// testCA issues the test certificates; only its pool is trusted.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smoke test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// leaf issues a server certificate for ips and names valid for validFor;
// selfSigned signs it with its own key instead of the CA's.
func (ca *testCA) leaf(t *testing.T, validFor time.Duration, selfSigned bool, ips []net.IP, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "smoke test leaf"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(validFor),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: ips, DNSNames: names,
	}
	parent, signer := ca.cert, ca.key
	if selfSigned {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// serveCert serves the faithful fake app over TLS with cert on 127.0.0.1.
func serveCert(t *testing.T, cert tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(newFakeApp(outputs.ContainerApp, faults{}).WithToken())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// runFargate checks one https fargate target at url, trusting pool.
func runFargate(t *testing.T, url string, pool *x509.CertPool) map[string]Result {
	t.Helper()
	m := baseOutputs()
	m[outputs.UploadTokenHeader] = fakeTokenHeader
	m[outputs.UploadToken] = fakeToken
	m[outputs.FargateURL] = url
	m[outputs.FargateDesiredCount] = 1
	rep, err := Run(context.Background(), parseMap(t, m), testOptions(WithRootCAs(pool), WithTargets("fargate"))...)
	require.NoError(t, err)
	return byCheck(rep, "fargate")
}

// TestTLSCheckVerifiesChainHostAndExpiry: a trusted certificate for the host
// with months left passes; a wrong host, a self-signed certificate and one
// expiring in 10 days each fail the tls row with the reason.
func TestTLSCheckVerifiesChainHostAndExpiry(t *testing.T) {
	ca := newTestCA(t)
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	cases := []struct {
		name    string
		cert    tls.Certificate
		verdict Verdict
		reason  string
	}{
		{"valid", ca.leaf(t, 90*24*time.Hour, false, loopback), Pass, "chain verified for host 127.0.0.1"},
		{"wrong host", ca.leaf(t, 90*24*time.Hour, false, nil, "other.example.org"), Fail, "certificate"},
		{"self-signed", ca.leaf(t, 90*24*time.Hour, true, loopback), Fail, "certificate"},
		{"expires in 10 days", ca.leaf(t, 10*24*time.Hour, false, loopback), Fail, "under 14"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveCert(t, tc.cert)
			plainPortFor(t, refusedPort(t))
			got := runFargate(t, srv.URL, ca.pool)[CheckTLS]
			assert.Equal(t, tc.verdict, got.Verdict, got.Reason)
			assert.Contains(t, got.Reason, tc.reason)
		})
	}
}

// TestTLSVerdictExpiryBoundary: 14 days is the line, on either side.
func TestTLSVerdictExpiryBoundary(t *testing.T) {
	ca := newTestCA(t)
	cert, err := x509.ParseCertificate(ca.leaf(t, 30*24*time.Hour, false, nil, "a.example.org").Certificate[0])
	require.NoError(t, err)
	chains := [][]*x509.Certificate{{cert, ca.cert}}
	_, err = tlsVerdict(cert, chains, "a.example.org", cert.NotAfter.Add(-15*24*time.Hour))
	assert.NoError(t, err)
	_, err = tlsVerdict(cert, chains, "a.example.org", cert.NotAfter.Add(-13*24*time.Hour))
	assert.ErrorContains(t, err, "under 14")
	_, err = tlsVerdict(cert, chains, "b.example.org", time.Now())
	assert.ErrorContains(t, err, "does not cover b.example.org")
	_, err = tlsVerdict(cert, nil, "a.example.org", time.Now())
	assert.ErrorContains(t, err, "no verified chain")
}

// plainPortFor points the redirect check at a loopback port for this test.
func plainPortFor(t *testing.T, port string) {
	old := plainPort
	plainPort = func(*url.URL) string { return port }
	t.Cleanup(func() { plainPort = old })
}

func refusedPort(t *testing.T) string {
	u, err := url.Parse(refusedURL(t))
	require.NoError(t, err)
	return u.Port()
}

// TestHTTPRedirectCheck: port 80 must answer 301/308 to https on the same
// host and port, and the request carries no credential.
func TestHTTPRedirectCheck(t *testing.T) {
	ca := newTestCA(t)
	tlsSrv := serveCert(t, ca.leaf(t, 90*24*time.Hour, false, []net.IP{net.ParseIP("127.0.0.1")}))
	target, err := url.Parse(tlsSrv.URL)
	require.NoError(t, err)
	cases := []struct {
		name     string
		status   int
		location string
		verdict  Verdict
		reason   string
	}{
		{"301 to the same origin", http.StatusMovedPermanently, "https://" + target.Host + "/", Pass, "-> 301"},
		{"308 to the same origin", http.StatusPermanentRedirect, "https://" + target.Host + "/", Pass, "-> 308"},
		{"serves plain http", http.StatusOK, "", Fail, "want 301 or 308"},
		{"temporary redirect", http.StatusFound, "https://" + target.Host + "/", Fail, "want 301 or 308"},
		{"to another host", http.StatusMovedPermanently, "https://127.0.0.2:" + target.Port() + "/", Fail, "want https://" + target.Host},
		{"to http", http.StatusMovedPermanently, "http://" + target.Host + "/", Fail, "want https://"},
		{"relative location", http.StatusMovedPermanently, "/elsewhere", Fail, "absolute https URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []http.Header
			plain := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.Header.Clone())
				mu.Unlock()
				if tc.location != "" {
					w.Header().Set("Location", tc.location)
				}
				w.WriteHeader(tc.status)
			}))
			u, err := url.Parse(plain.URL)
			require.NoError(t, err)
			plainPortFor(t, u.Port())
			res := runFargate(t, tlsSrv.URL, ca.pool)
			got, ok := res[CheckHTTPRedirect]
			require.True(t, ok, "the redirect check runs for an https fargate URL")
			assert.Equal(t, tc.verdict, got.Verdict, got.Reason)
			assert.Contains(t, got.Reason, tc.reason)
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, seen, 1, "one request, no redirect followed")
			for _, h := range []string{"Authorization", fakeKeyHeader, fakeTokenHeader, "X-Amz-Security-Token", "Cookie"} {
				assert.Empty(t, seen[0].Get(h), "%s sent to port 80", h)
			}
		})
	}
}

// TestRedirectCheckOnlyWherePort80IsOpen: only an https fargate URL gets it.
func TestRedirectCheckOnlyWherePort80IsOpen(t *testing.T) {
	names := func(cs []check) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.name)
		}
		return out
	}
	mk := func(name, raw string) Endpoint {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		return Endpoint{Name: name, Kind: outputs.ContainerApp, URL: u}
	}
	assert.Contains(t, names(withRedirect(mk("fargate", "https://f.example.org"), checksFor(mk("fargate", "https://f.example.org")))), CheckHTTPRedirect)
	for _, ep := range []Endpoint{mk("fargate", "http://f.example.org"), mk("ec2", "https://e.example.org"), mk("cloudrun", "https://c.run.app")} {
		assert.NotContains(t, names(withRedirect(ep, checksFor(ep))), CheckHTTPRedirect, ep.Name)
	}
}
