package rehearsal

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// stateOf shapes a bench run as a stack export, so the state reader is
// proven without the CLI (TestRehearsal runs it on the engine's real state).
func stateOf(r *bench.Result) ([]apitype.ResourceV3, auto.OutputMap) {
	var rs []apitype.ResourceV3
	for _, res := range r.Resources {
		rs = append(rs, apitype.ResourceV3{
			URN: resource.URN(res.URN), Custom: res.Custom, ID: resource.ID(res.ID), Type: resource.URN(res.URN).Type(),
			Inputs: bench.PlainMap(res.Inputs, false), Outputs: bench.PlainMap(res.State, false),
		})
	}
	outs := auto.OutputMap{}
	for k, v := range r.Outputs {
		outs[k] = auto.OutputValue{Value: v.Value, Secret: v.Secret}
	}
	return rs, outs
}

func TestReachableFromState(t *testing.T) {
	cases := []struct {
		stack string
		drop  string // a resource name fragment to remove, "" for none
		want  string
	}{
		{"dev", "", ""},
		{"prod", "", ""},
		{"prod", "-alb-443-", "prod fargate https://fargate.send.offline-plan.invalid (ipv4): lb ingress: listener 443 exists, SG sgraph-send-prod-fargate-alb has no ingress on 443"},
		{"dev", "-tasks-from-alb", "dev fargate http://sgraph-send-dev-1234567890.eu-west-2.elb.amazonaws.com (ipv4): task ingress"},
	}
	for _, tc := range cases {
		t.Run(tc.stack+tc.drop, func(t *testing.T) {
			state, outs := stateOf(bench.MustRun(t, bench.Options{Stack: tc.stack, Placeholders: true}))
			kept := state[:0]
			for _, r := range state {
				if tc.drop == "" || !strings.Contains(string(r.URN), tc.drop) {
					kept = append(kept, r)
				}
			}
			rep := ReachabilityReport(tc.stack, kept, outs)
			if tc.want == "" {
				require.NoError(t, rep.Err())
				assert.GreaterOrEqual(t, len(rep.Paths), 5)
				return
			}
			require.Error(t, rep.Err())
			assert.Contains(t, rep.Err().Error(), tc.want)
		})
	}
}

// The fake providers name the load balancer and the instance after the
// loopback servers standing in for them (apps_test.go): the check follows
// those names, and still fails on a broken hop behind them.
func TestReachableWithLoopbackNames(t *testing.T) {
	for _, broken := range []bool{false, true} {
		state, outs := stateOf(bench.MustRun(t, bench.Options{Stack: "dev", Placeholders: true}))
		kept := state[:0]
		for _, r := range state {
			switch r.Type {
			case "aws:lb/loadBalancer:LoadBalancer":
				r.Outputs["dnsName"] = "127.0.0.1:39099"
			case "aws:ec2/instance:Instance":
				r.Outputs["publicDns"] = "127.0.0.1:35897"
			}
			if broken && strings.HasSuffix(string(r.URN), "-alb-80-ipv4") {
				continue
			}
			kept = append(kept, r)
		}
		outs["fargateUrl"] = auto.OutputValue{Value: "http://127.0.0.1:39099"}
		outs["ec2Url"] = auto.OutputValue{Value: "https://127.0.0.1:35897"}
		err := Reachable("dev", kept, outs)
		if !broken {
			require.NoError(t, err)
			continue
		}
		require.Error(t, err)
		assert.Contains(t, err.Error(), "lb ingress: listener 80 exists, SG sgraph-send-dev-fargate-alb has no ingress on 80")
	}
}
