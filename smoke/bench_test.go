package smoke

import (
	"context"
	"fmt"
	"net/url"
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
