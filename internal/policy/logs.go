package policy

import (
	"fmt"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// LambdaJSONLogs: every function logs JSON with both log levels set, so the
// app's JSON lines and the platform's records land as structured events.
var LambdaJSONLogs = Rule{Name: "lambda-json-logs", Check: func(r *bench.Result) []Finding {
	var out []Finding
	for _, fn := range r.OfType(lambdaFunctionType) {
		var problems []string
		if f := fn.Str("loggingConfig.logFormat"); f != "JSON" {
			problems = append(problems, fmt.Sprintf("loggingConfig.logFormat is %q, not JSON", f))
		}
		for _, k := range []string{"applicationLogLevel", "systemLogLevel"} {
			if fn.Str("loggingConfig."+k) == "" {
				problems = append(problems, "loggingConfig."+k+" is not set")
			}
		}
		out = append(out, verdict(fn, problems, "JSON logs, application "+fn.Str("loggingConfig.applicationLogLevel")+", system "+fn.Str("loggingConfig.systemLogLevel")))
	}
	return out
}}
