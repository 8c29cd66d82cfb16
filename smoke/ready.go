package smoke

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// checkReady waits for the target to answer at all, within its readiness
// budget: a fresh EC2 instance or a Fargate task refuses connections, times
// out or answers 502/503/504 for minutes after "up". Any other answer,
// 401 and 403 included, means the app (or its front) is there. The probe
// carries no app credential. On an AWS_IAM URL it is signed: unsigned, the
// IAM layer answers 403 at once whether or not the app behind it runs, so
// only a signed probe waits for the app itself.
func checkReady(ctx context.Context, t *targetRun) (string, error) {
	budget := t.cfg.readinessFor(t.ep.Name)
	if budget <= 0 {
		return "no readiness budget: not waited", nil
	}
	rctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	start := time.Now()
	rq := request{method: http.MethodGet, path: t.cfg.HealthPath, unsigned: !t.ep.IAMAuth, noToken: true, maxBody: gateMaxBody}
	u, err := t.resolve(rq.path)
	if err != nil {
		return "", err
	}
	var last error
	for try := 1; ; try++ {
		// One try may take at most a check timeout, so a target that
		// accepts and never answers is tried again within the budget.
		actx, acancel := context.WithTimeout(rctx, t.cfg.CheckTimeout)
		res, err := t.once(actx, rq, u)
		acancel()
		var cv *tls.CertificateVerificationError
		switch {
		case err == nil && t.ep.IAMAuth && res.status == http.StatusForbidden && res.header.Get(t.cfg.RequestIDHeader) == "":
			// Our signature was refused: waiting will not change it; health says why.
			return fmt.Sprintf("the AWS_IAM layer refused the signed probe (403) after %s: the app's state is unknown", time.Since(start).Round(time.Millisecond)), nil
		case err == nil && !transientStatus(res.status):
			return fmt.Sprintf("answered %d after %s", res.status, time.Since(start).Round(time.Millisecond)), nil
		case err != nil && errors.As(err, &cv):
			return "answered (certificate not verified: see tls)", nil
		case err != nil && rctx.Err() != nil && last != nil:
			// The budget ran out during this try: the previous reason says more.
		case err != nil:
			last = err
		default:
			last = fmt.Errorf("%s %s: %d %s", rq.method, rq.path, res.status, http.StatusText(res.status))
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("no answer yet: %v", last)
		}
		if rctx.Err() != nil || !sleep(rctx, t.cfg.Retry.backoff(try)) {
			flag := "-readiness"
			if t.ep.Name == "ec2" {
				flag = "-readiness-ec2"
			}
			return "", fmt.Errorf("no answer within the readiness budget %s (%s), %d tries; last: %v", budget, flag, try, last)
		}
		t.retries.Add(1)
	}
}
