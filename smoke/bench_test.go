package smoke

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// BenchmarkSixTargetsConcurrent runs six container-app targets whose every
// answer is delayed 20..120 ms and reports wall time over the slowest target
// run alone ("x-slowest"). Concurrency is working when it stays near 1.0;
// the brief's bound is 1.2. Run: go test -run '^$' -bench SixTargets ./smoke/
func BenchmarkSixTargetsConcurrent(b *testing.B) {
	var eps []Endpoint
	for i := range 6 {
		lat := time.Duration(20+20*i) * time.Millisecond
		srv := serve(b, newFakeApp(outputs.ContainerApp, faults{Latency: lat}))
		u, _ := url.Parse(srv.URL)
		eps = append(eps, Endpoint{Name: fmt.Sprintf("t%d-%dms", i, lat.Milliseconds()), Kind: outputs.ContainerApp, URL: u})
	}
	all := &Outputs{AppVersion: "0.27.6", Endpoints: eps}
	slowest := &Outputs{AppVersion: "0.27.6", Endpoints: eps[len(eps)-1:]}
	opts := []Option{WithRetry(RetryPolicy{Attempts: 1}), WithCheckTimeout(30 * time.Second), WithPayloadBytes(4096)}

	run := func(o *Outputs) time.Duration {
		start := time.Now()
		rep, err := Run(context.Background(), o, opts...)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Failed() {
			b.Fatalf("a check failed: %+v", rep.Results)
		}
		return time.Since(start)
	}
	run(slowest) // warm up connections and code paths
	// The fastest of three solo runs: the strictest denominator.
	alone := run(slowest)
	for range 2 {
		alone = min(alone, run(slowest))
	}

	b.ResetTimer()
	var total time.Duration
	for b.Loop() {
		total += run(all)
	}
	b.StopTimer()
	ratio := float64(total) / float64(b.N) / float64(alone)
	b.ReportMetric(ratio, "x-slowest")
	b.ReportMetric(float64(alone.Milliseconds()), "ms-slowest-alone")
}

// sixHealthy serves six container-app targets whose every answer is
// delayed 20..120 ms.
func sixHealthy(b *testing.B) []Endpoint {
	var eps []Endpoint
	for i := range 6 {
		lat := time.Duration(20+20*i) * time.Millisecond
		srv := serve(b, newFakeApp(outputs.ContainerApp, faults{Latency: lat}).WithToken())
		u, _ := url.Parse(srv.URL)
		eps = append(eps, Endpoint{Name: fmt.Sprintf("t%d-%dms", i, lat.Milliseconds()), Kind: outputs.ContainerApp, URL: u})
	}
	return eps
}

// BenchmarkHungTargetAmongSix: a seventh target accepts connections and
// never answers. The run must cost at most its readiness budget plus one
// check timeout, plus 10%: "x-budget" is wall time over that sum (bound
// 1.1). Small budgets keep CI fast; the ratio is what scales.
func BenchmarkHungTargetAmongSix(b *testing.B) {
	const budget, timeout = 2 * time.Second, time.Second
	release := make(chan struct{})
	hung := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	b.Cleanup(func() { close(release) }) // before the server closes (LIFO)
	hu, _ := url.Parse(hung.URL)
	eps := append(sixHealthy(b), Endpoint{Name: "hung", Kind: outputs.ContainerApp, URL: hu})
	o := &Outputs{AppVersion: "0.27.6", UploadToken: fakeToken, Endpoints: eps}
	opts := []Option{WithCheckTimeout(timeout), WithReadiness(budget, budget), WithPayloadBytes(4096),
		WithRetry(RetryPolicy{Attempts: 2, Initial: 100 * time.Millisecond, Max: 500 * time.Millisecond})}

	var total time.Duration
	for b.Loop() {
		start := time.Now()
		rep, err := Run(context.Background(), o, opts...)
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		for _, r := range rep.Results {
			switch {
			case r.Target == "hung" && r.Check == CheckReady:
				if r.Verdict != Fail || !strings.Contains(r.Reason, "readiness budget 2s") {
					b.Fatalf("hung target: %s %s", r.Verdict, r.Reason)
				}
			case r.Target != "hung" && r.Verdict == Fail:
				b.Fatalf("%s/%s failed: %s", r.Target, r.Check, r.Reason)
			}
		}
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(budget+timeout), "x-budget")
}

// BenchmarkLateListener: a target that starts listening N seconds after
// the run starts passes within its readiness budget ("x-late": time to
// ready over N, the backoff's overshoot), and one that starts after the
// budget fails with a reason naming it ("x-budget-fail": time to that
// verdict over the budget).
func BenchmarkLateListener(b *testing.B) {
	const late = time.Second
	opts := []Option{WithCheckTimeout(time.Second), WithPayloadBytes(4096),
		WithRetry(RetryPolicy{Attempts: 2, Initial: 100 * time.Millisecond, Max: 500 * time.Millisecond})}
	run := func(budget time.Duration) (Result, map[string]Result) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close() // refused until the late start
		srv := httptest.NewUnstartedServer(newFakeApp(outputs.ContainerApp, faults{}).WithToken())
		timer := time.AfterFunc(late, func() {
			if l, err := net.Listen("tcp", addr); err == nil {
				srv.Listener = l
				srv.Start()
			}
		})
		defer func() { timer.Stop(); srv.Close() }()
		u, _ := url.Parse("http://" + addr)
		o := &Outputs{AppVersion: "0.27.6", UploadToken: fakeToken, Endpoints: []Endpoint{{Name: "fargate", Kind: outputs.ContainerApp, URL: u}}}
		rep, err := Run(context.Background(), o, append(opts, WithReadiness(budget, budget))...)
		if err != nil {
			b.Fatal(err)
		}
		got := byCheck(rep, "fargate")
		return got[CheckReady], got
	}
	var toReady, toFail time.Duration
	const failBudget = 500 * time.Millisecond
	for b.Loop() {
		ready, all := run(3 * time.Second)
		if ready.Verdict != Pass {
			b.Fatalf("late target not ready within 3s: %s", ready.Reason)
		}
		for c, r := range all {
			if r.Verdict == Fail {
				b.Fatalf("late target %s failed: %s", c, r.Reason)
			}
		}
		toReady += ready.Duration
		ready, _ = run(failBudget)
		if ready.Verdict != Fail || !strings.Contains(ready.Reason, "readiness budget 500ms") {
			b.Fatalf("target later than its budget: %s %s", ready.Verdict, ready.Reason)
		}
		toFail += ready.Duration
	}
	b.ReportMetric(float64(toReady)/float64(b.N)/float64(late), "x-late")
	b.ReportMetric(float64(toFail)/float64(b.N)/float64(failBudget), "x-budget-fail")
}
