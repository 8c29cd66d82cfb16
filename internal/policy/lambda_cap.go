package policy

import (
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// LambdaPublicCapped: a function behind a NONE Function URL can be invoked by
// anyone ("*" cannot be conditioned on pulumi-aws v6.83.4), so its reserved
// concurrency must cap what anonymous traffic can run and cost, in every
// environment.
var LambdaPublicCapped = Rule{Name: "lambda-public-capped", Check: checkLambdaPublicCapped}

func checkLambdaPublicCapped(r *bench.Result) []Finding {
	var out []Finding
	for _, url := range r.OfType(lambdaURLType) {
		if url.Str("authorizationType") != "NONE" {
			continue
		}
		name := url.Str("functionName")
		var fn *bench.Resource
		for _, f := range r.OfType(lambdaFunctionType) {
			if lambdaName(f) == name {
				fn = f
			}
		}
		if fn == nil {
			out = append(out, fail(url, fmt.Sprintf("public URL of %q, a function this stack does not define", name)))
			continue
		}
		n, ok := fn.Plain("reservedConcurrentExecutions").(float64)
		switch {
		case !ok || n < 0:
			out = append(out, fail(fn, "public function without reserved concurrency: anonymous traffic can use the whole account pool; set lambdaPublicReservedConcurrency"))
		default:
			out = append(out, pass(fn, fmt.Sprintf("public function capped at %d concurrent executions", int(n))))
		}
	}
	return out
}
