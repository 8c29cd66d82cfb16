package pipeline

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/smoke"
)

// WaitReady polls each selected target's health route until the app answers, the
// deadline passes or ctx ends. `up` returns before an EC2 instance has installed the
// app or a Fargate task has passed its health check; the harness's own retries cover
// seconds, this covers the minutes of a boot. IAM targets (the admin Function URL) are
// ready when `up` returns and are left to the harness, which signs its requests.
func WaitReady(ctx context.Context, raw smoke.RawOutputs, targets []string, deadline, every time.Duration) error {
	o, err := smoke.Parse(raw)
	if err != nil {
		return err
	}
	health := o.HealthPath
	if health == "" {
		health = smoke.DefaultConfig().HealthPath
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	for _, ep := range o.Endpoints {
		if ep.IAMAuth || ep.SkipReason != "" || (len(targets) > 0 && !contains(targets, ep.Name)) {
			continue
		}
		client := &http.Client{Timeout: 10 * time.Second,
			// Never follow a redirect: a health route answers in place.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if ep.InsecureTLS {
			// The outputs say this endpoint's certificate is self-signed (as the harness
			// does for it); nothing secret is sent on these requests.
			client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec
		}
		url := strings.TrimSuffix(ep.URL.String(), "/") + health
		last := "no answer yet"
		for {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				// Any answer below 500 comes from the app itself (with an upload token
				// set, the app gates even its health route: 401); 502/503/504 are the
				// load balancer or the platform saying it is not up yet.
				if resp.StatusCode < 500 {
					break
				}
				last = resp.Status
			} else if ctx.Err() == nil {
				last = err.Error()
			}
			select {
			case <-ctx.Done():
				if parent.Err() != nil {
					return fmt.Errorf("interrupted while waiting for target %s: %w", ep.Name, parent.Err())
				}
				return fmt.Errorf("target %s not ready at %s after %s (last: %s)", ep.Name, url, deadline, last)
			case <-time.After(every):
			}
		}
	}
	return nil
}
