package smoke

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// targetRun is the per-target state the checks share.
type targetRun struct {
	ep          Endpoint
	cfg         *Config
	client      *http.Client
	creds       *credentialSource
	region      string
	version     string
	adminKey    string
	uploadToken string
	red         redactor
	retries     atomic.Int64 // retries of the check in progress
}

// Run checks every selected target concurrently and returns the report.
// The error is non-nil only for a setup problem (unknown target name, a
// configuration that cannot work), never for a failed check: those are in
// the Report. Reasons in the report never contain the stack's secrets.
func Run(ctx context.Context, o *Outputs, opts ...Option) (*Report, error) {
	if o == nil {
		return nil, errors.New("no outputs")
	}
	cfg := resolve(o, opts)
	red := newRedactor(o.Secrets()...)
	eps, err := selectEndpoints(o, cfg.Targets)
	if err != nil {
		return nil, err
	}
	// Setup errors are built from key names and non-secret values only.
	if err := validateConfig(&cfg, o, eps); err != nil {
		return nil, err
	}
	version := o.AppVersion
	if cfg.ExpectVersion != "" {
		version = cfg.ExpectVersion
	}
	creds := &credentialSource{given: cfg.Credentials, region: o.AwsRegion}
	if cfg.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, cfg.Deadline, &deadlineError{cfg.Deadline})
		defer cancel()
	}

	rep := &Report{Stack: o.Stack, Started: time.Now()}
	results := make(chan Result)
	var wg sync.WaitGroup
	for i, ep := range eps {
		t := &targetRun{
			ep: ep, cfg: &cfg, client: newHTTPClient(ep, &cfg), creds: creds,
			region: o.AwsRegion, version: version, adminKey: o.AdminKey, uploadToken: o.UploadToken, red: red,
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer t.client.CloseIdleConnections()
			t.runAll(ctx, i, red, results)
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// One collector: OnResult is called serially, in completion order, so a
	// printer needs no locking and a fast target's rows appear at once.
	for r := range results {
		rep.Results = append(rep.Results, r)
		if cfg.OnResult != nil {
			cfg.OnResult(r)
		}
	}
	sort.SliceStable(rep.Results, func(i, j int) bool {
		a, b := rep.Results[i], rep.Results[j]
		if a.tix != b.tix {
			return a.tix < b.tix
		}
		return a.order < b.order
	})
	rep.Duration = time.Since(rep.Started)
	return rep, nil
}

// runAll runs one target's checks in order. Checks of one target run one
// after another (they share a cold start and should not stampede it); targets
// run in parallel, so a slow target only delays its own rows. First the
// target must answer at all (the ready row); a failed health check skips the
// checks that need a healthy app; once the run's deadline passes, the check
// still running fails with "deadline" and those not started are skipped.
func (t *targetRun) runAll(ctx context.Context, tix int, red redactor, out chan<- Result) {
	base := Result{Target: t.ep.Name, Kind: string(t.ep.Kind), URL: t.ep.URL.String(), tix: tix}
	if t.ep.SkipReason != "" {
		r := base
		r.Check, r.Verdict, r.Reason = CheckTarget, Skip, t.ep.SkipReason
		out <- r
		return
	}
	checks := append([]check{{CheckReady, checkReady, false}}, withRedirect(t.ep, checksFor(t.ep))...)
	skipAll, skipUnhealthy := "", ""
	for i, c := range checks {
		r := base
		r.Check, r.order = c.name, i
		var note string
		var err error
		switch {
		case deadlinePassed(ctx):
			// Never started: nothing was tried, so nothing failed; the
			// check that was running when the deadline passed fails.
			err = skipf("deadline: not run (%v)", context.Cause(ctx))
		case skipAll != "":
			err = skipf("%s", skipAll)
		case c.afterHealth && skipUnhealthy != "":
			err = skipf("%s", skipUnhealthy)
		default:
			start := time.Now()
			if c.name == CheckReady {
				note, err = c.run(ctx, t)
			} else {
				note, err = t.runOne(ctx, c)
			}
			r.Duration = time.Since(start)
			r.Retries = int(t.retries.Swap(0))
			if err != nil && deadlinePassed(ctx) {
				err = fmt.Errorf("%v: %w", context.Cause(ctx), err)
			}
		}
		reason, skipped := isSkip(err)
		warning, warned := isWarn(err)
		switch {
		case skipped:
			r.Verdict, r.Reason = Skip, reason
		case warned:
			r.Verdict, r.Reason = Warn, warning
		case err != nil:
			r.Verdict, r.Reason = Fail, err.Error()
			switch c.name {
			case CheckReady:
				skipAll = "not run: the target did not answer within its readiness budget"
			case CheckHealth:
				skipUnhealthy = "not run: health failed"
			}
		default:
			r.Verdict, r.Reason = Pass, note
		}
		r.Reason = red.String(r.Reason)
		out <- r
	}
}

// deadlineError is the cause of the run's context when -deadline passes.
type deadlineError struct{ d time.Duration }

func (e *deadlineError) Error() string {
	return fmt.Sprintf("deadline: the run's -deadline %s passed", e.d)
}

func deadlinePassed(ctx context.Context) bool {
	var d *deadlineError
	return ctx.Err() != nil && errors.As(context.Cause(ctx), &d)
}

// runOne gives the check its own deadline, retries included.
func (t *targetRun) runOne(ctx context.Context, c check) (note string, err error) {
	cctx, cancel := context.WithTimeout(ctx, t.cfg.CheckTimeout)
	defer cancel()
	note, err = c.run(cctx, t)
	if err != nil && errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		err = fmt.Errorf("%w (check timeout %s)", err, t.cfg.CheckTimeout)
	}
	return note, err
}

// selectEndpoints applies -target: every name must be a known target that
// the outputs actually contain, so a typo never passes as "nothing failed".
func selectEndpoints(o *Outputs, names []string) ([]Endpoint, error) {
	if len(names) == 0 {
		return o.Endpoints, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		for _, part := range strings.Split(n, ",") {
			if part = strings.TrimSpace(part); part != "" {
				want[part] = true
			}
		}
	}
	known := map[string]outputs.Target{}
	for _, t := range outputs.Targets {
		known[t.Name] = t
	}
	var eps []Endpoint
	for _, ep := range o.Endpoints {
		if want[ep.Name] {
			eps = append(eps, ep)
			delete(want, ep.Name)
		}
	}
	if len(want) > 0 {
		missing := make([]string, 0, len(want))
		for n := range want {
			missing = append(missing, n)
		}
		sort.Strings(missing)
		n := missing[0]
		if t, ok := known[n]; ok {
			return nil, &OutputError{Key: t.URLKey, Msg: fmt.Sprintf("missing, but -target %s asks for it", n)}
		}
		names := make([]string, 0, len(outputs.Targets))
		for _, t := range outputs.Targets {
			names = append(names, t.Name)
		}
		return nil, fmt.Errorf("unknown target %q; known targets: %s", n, strings.Join(names, ", "))
	}
	if len(eps) == 0 {
		return nil, errors.New("no target selected")
	}
	return eps, nil
}

func validateConfig(c *Config, o *Outputs, eps []Endpoint) error {
	if c.CheckTimeout <= 0 {
		return errors.New("check timeout must be positive")
	}
	if c.Readiness < 0 || c.ReadinessEC2 < 0 || c.Deadline < 0 {
		return errors.New("readiness budgets and the deadline must not be negative")
	}
	if c.Retry.Initial < 0 || c.Retry.Max < 0 {
		return errors.New("retry backoff must not be negative")
	}
	if c.ExpectVersion == "" && o.AppVersion == "" {
		return &OutputError{Key: outputs.AppVersion, Msg: "missing; the version check compares against it"}
	}
	for _, ep := range eps {
		if ep.SkipReason != "" {
			continue
		}
		if ep.Kind == outputs.AdminAPI && c.AdminKeyHeader == "" {
			return &OutputError{Key: outputs.AdminKeyHeader, Msg: fmt.Sprintf("missing, and no admin key header configured: target %s needs it", ep.Name)}
		}
		if ep.IAMAuth && o.AwsRegion == "" {
			return &OutputError{Key: outputs.AwsRegion, Msg: fmt.Sprintf("missing; target %s is IAM-protected", ep.Name)}
		}
		if ep.Kind == outputs.AdminAPI && o.AdminKey == "" {
			return &OutputError{Key: outputs.AdminKey, Msg: fmt.Sprintf("missing; target %s needs the admin API key", ep.Name)}
		}
	}
	if o.UploadToken != "" && c.UploadTokenHeader == "" {
		return &OutputError{Key: outputs.UploadTokenHeader, Msg: "missing, and no upload token header configured"}
	}
	return nil
}
