package smoke

import (
	"context"
	"errors"
	"net/http"
	"syscall"
	"time"
)

// RetryPolicy bounds retries of transient answers: connection refused or
// reset (a task still starting) and 502/503/504 (a cold start or a scale-up
// behind a load balancer). Anything else is an answer and is judged at once.
type RetryPolicy struct {
	Attempts int           // total tries, at least 1
	Initial  time.Duration // first backoff
	Max      time.Duration // backoff cap
}

// backoff returns the wait before try n+1 (n counts from 1): Initial
// doubling per try, capped at Max.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Initial
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	return d
}

func (p RetryPolicy) attempts() int {
	if p.Attempts < 1 {
		return 1
	}
	return p.Attempts
}

func transientStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

func transientErr(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// sleep waits d or until ctx ends; it reports whether the full wait happened.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
