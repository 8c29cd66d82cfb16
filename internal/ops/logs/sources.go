// Package logs reads the logs of a stack's targets, found from its outputs:
// CloudWatch Logs (FilterLogEvents, polled for -follow) for the Lambda pair,
// Fargate and EC2; Cloud Logging (entries:list) for Cloud Run. JSON lines are
// rendered readably; the upload token and admin key are redacted even when
// the app logged them.
package logs

import (
	"fmt"
	"sort"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Source is where one target's logs are.
type Source struct {
	Target string `json:"target"`
	// Group is the CloudWatch log group; "" for Cloud Logging.
	Group string `json:"group,omitempty"`
	// Filter is the Cloud Logging filter; "" for CloudWatch.
	Filter string `json:"filter,omitempty"`
}

// Sources lists the log sources of the targets a stack's outputs show
// deployed. The names follow the program's: Lambda's own /aws/lambda/<name>
// (AWS Lambda's documented default group, which the program creates with
// retention), Fargate /ecs/<service>, EC2 /sgraph-send/<stack>/ec2, Cloud
// Run's revision logs of service sgraph-send-<stack>-cloudrun. A bench test
// holds them to the program's log groups.
func Sources(outs map[string]any) []Source {
	str := func(k string) string { s, _ := outs[k].(string); return s }
	stack := str(outputs.Stack)
	var out []Source
	if n := str(outputs.LambdaAdminFunctionName); n != "" {
		out = append(out, Source{Target: "lambda-admin", Group: "/aws/lambda/" + n})
	}
	if n := str(outputs.LambdaPublicFunctionName); n != "" {
		out = append(out, Source{Target: "lambda-public", Group: "/aws/lambda/" + n})
	}
	if n := str(outputs.FargateServiceName); n != "" && str(outputs.FargateURL) != "" {
		out = append(out, Source{Target: "fargate", Group: "/ecs/" + n})
	}
	if str(outputs.EC2InstanceID) != "" && stack != "" {
		out = append(out, Source{Target: "ec2", Group: "/sgraph-send/" + stack + "/ec2"})
	}
	if str(outputs.CloudRunURL) != "" && stack != "" {
		out = append(out, Source{Target: "cloudrun", Filter: fmt.Sprintf(
			`resource.type="cloud_run_revision" AND resource.labels.service_name="sgraph-send-%s-cloudrun"`, stack)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Target < out[j].Target })
	return out
}

// Only keeps the named target's source; an unknown target is an error
// listing the stack's targets.
func Only(srcs []Source, target string) ([]Source, error) {
	if target == "" {
		return srcs, nil
	}
	var names []string
	for _, s := range srcs {
		if s.Target == target {
			return []Source{s}, nil
		}
		names = append(names, s.Target)
	}
	return nil, fmt.Errorf("-target %q: this stack has logs for %v", target, names)
}
