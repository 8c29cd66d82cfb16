package smoke

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// CheckHTTPRedirect is the row of the http -> https redirect check.
const CheckHTTPRedirect = "http-redirect"

// minCertDays: a certificate closer than this to expiry fails the tls check,
// leaving two weeks to find out why renewal (ACM or certbot) did not happen.
const minCertDays = 14

// checkTLS makes the TLS rule visible as its own row: https targets verify
// the chain and the host name, and the certificate must stay valid for
// minCertDays more; unless the outputs declare it self-signed.
func checkTLS(ctx context.Context, t *targetRun) (string, error) {
	if t.ep.URL.Scheme != "https" {
		if t.gated() {
			return "", warnf("plain http: the upload token (%s) goes to %s unencrypted on every request, readable by anyone on the path; give the target a domain and certificate (%s)", t.cfg.UploadTokenHeader, t.ep.URL.Host, tlsConfigHint(t.ep.Name))
		}
		return "", skipf("plain http: no certificate to verify")
	}
	if t.ep.InsecureTLS {
		if t.gated() {
			return "", warnf("self-signed certificate, not verified: the upload token (%s) goes to %s over TLS whose server nobody authenticated, so a man in the middle can read it; give the target a domain and certificate (%s)", t.cfg.UploadTokenHeader, t.ep.URL.Host, tlsConfigHint(t.ep.Name))
		}
		return "", skipf("outputs declare the certificate self-signed: chain not verified")
	}
	// Any HTTP answer proves the handshake verified; unsigned on purpose so
	// the IAM layer's 403 counts too.
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, unsigned: true}
	res, err := t.do(ctx, rq)
	if err != nil {
		return "", err
	}
	if res.tls == nil || len(res.tls.PeerCertificates) == 0 {
		return "", fmt.Errorf("https answered without a TLS connection state")
	}
	return tlsVerdict(res.tls.PeerCertificates[0], res.tls.VerifiedChains, t.ep.URL.Hostname(), time.Now())
}

// tlsConfigHint names the stack config that gives a target a trusted certificate.
func tlsConfigHint(target string) string {
	switch target {
	case "fargate":
		return "fargateDomainName and fargateCertificateArn"
	case "ec2":
		return "ec2DomainName, or ec2TlsCertificateParameter"
	default:
		return "a domain with a trusted certificate"
	}
}

// tlsVerdict judges a handshake the client already verified: the leaf names
// the host, and no certificate of the verified chain expires within
// minCertDays.
func tlsVerdict(leaf *x509.Certificate, chains [][]*x509.Certificate, host string, now time.Time) (string, error) {
	if err := leaf.VerifyHostname(host); err != nil {
		return "", fmt.Errorf("certificate does not cover %s: %v", host, err)
	}
	if len(chains) == 0 {
		return "", fmt.Errorf("no verified chain for %s", host)
	}
	expiry := leaf.NotAfter
	for _, c := range chains[0] {
		if c.NotAfter.Before(expiry) {
			expiry = c.NotAfter
		}
	}
	left := expiry.Sub(now)
	if left < minCertDays*24*time.Hour {
		return "", fmt.Errorf("certificate chain for %s expires %s, in %.1f days (under %d): renewal is failing",
			host, expiry.UTC().Format(time.RFC3339), left.Hours()/24, minCertDays)
	}
	return fmt.Sprintf("chain verified for host %s, certificate expires %s (%d days)",
		host, expiry.UTC().Format("2006-01-02"), int(left.Hours()/24)), nil
}

// withRedirect adds the redirect check after tls where port 80 is open: the
// https URL of a load-balanced target (the ALB listens on 80 to redirect).
// EC2 opens only 443, and Lambda and Cloud Run answer on their own names.
func withRedirect(ep Endpoint, cs []check) []check {
	if ep.URL == nil || ep.URL.Scheme != "https" || ep.Name != "fargate" || ep.SkipReason != "" {
		return cs
	}
	out := make([]check, 0, len(cs)+1)
	for _, c := range cs {
		out = append(out, c)
		if c.name == CheckTLS {
			out = append(out, check{name: CheckHTTPRedirect, run: checkHTTPRedirect})
		}
	}
	return out
}

// plainPort is where the http listener of an https URL is: 80. Tests point
// it at a loopback listener.
var plainPort = func(*url.URL) string { return "80" }

// checkHTTPRedirect: GET http://host/ answers 301 or 308 to https on the same
// host and port. It uses a bare client that sends no credential and follows
// nothing: whatever the Location says, nothing goes there.
func checkHTTPRedirect(ctx context.Context, t *targetRun) (string, error) {
	plain := &url.URL{Scheme: "http", Host: net.JoinHostPort(t.ep.URL.Hostname(), plainPort(t.ep.URL)), Path: "/"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, plain.String(), nil)
	if err != nil {
		return "", err
	}
	client := &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyFromEnvironment, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET %s: %v", plain, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently && resp.StatusCode != http.StatusPermanentRedirect {
		return "", fmt.Errorf("GET %s: %d %s, want 301 or 308 to https", plain, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !loc.IsAbs() {
		return "", fmt.Errorf("GET %s: %d with Location %q, want an absolute https URL", plain, resp.StatusCode, resp.Header.Get("Location"))
	}
	if loc.Scheme != "https" || loc.Hostname() != t.ep.URL.Hostname() || httpsPort(loc) != httpsPort(t.ep.URL) {
		return "", fmt.Errorf("GET %s redirects to %s://%s, want https://%s", plain, loc.Scheme, loc.Host, t.ep.URL.Host)
	}
	return fmt.Sprintf("http://%s/ -> %d %s", t.ep.URL.Hostname(), resp.StatusCode, loc.Redacted()), nil
}

func httpsPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "443"
}
