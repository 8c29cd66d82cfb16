package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

func TestPlanShowsReachability(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "local"} {
		t.Run(stack, func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.Equal(t, 0, run([]string{"-stack", stack}, &out, &errOut), errOut.String()+out.String())
			assert.Contains(t, out.String(), "Reachability (offline")
			assert.Contains(t, out.String(), " broken\n")
			assert.Contains(t, out.String(), "PASS "+stack+" lambda https://")
		})
	}
}

// A broken path fails the plan like a failed policy: exit 1, FAIL naming the
// hop, and the path in -json.
func TestBrokenPathExitsOne(t *testing.T) {
	saved := reach
	t.Cleanup(func() { reach = saved })
	reach = func(r *bench.Result) reachability.Report {
		g := reachability.FromBench(r)
		g.Drop(func(n *reachability.Node) bool { return strings.Contains(n.Name, "-alb-443-") })
		return reachability.Check(g)
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, 1, run([]string{"-stack", "prod"}, &out, &errOut))
	assert.Contains(t, out.String(), "FAIL prod fargate https://fargate.send.offline-plan.invalid (ipv4): lb ingress: listener 443 exists, SG sgraph-send-prod-fargate-alb has no ingress on 443")
	assert.Contains(t, out.String(), ", 0 failed", "the policies alone pass: only the path check sees it")

	out.Reset()
	assert.Equal(t, 1, run([]string{"-stack", "prod", "-json"}, &out, &errOut))
	var doc struct {
		Reachability struct {
			Paths []struct {
				Endpoint string `json:"endpoint"`
				Hops     []struct {
					Hop, Status string
				} `json:"hops"`
			} `json:"paths"`
		} `json:"reachability"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	broken := 0
	for _, p := range doc.Reachability.Paths {
		for _, h := range p.Hops {
			if h.Status == "broken" {
				broken++
				assert.Equal(t, "lb ingress", h.Hop)
			}
		}
	}
	assert.Equal(t, 2, broken, "https and the http redirect into it")
}
