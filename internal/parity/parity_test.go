package parity_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/parity"
	"github.com/sgraph-ai/sgraph-send-infra/internal/pipeline"
	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

// devCycle runs the dev stack as the test cycle deploys it: its committed
// targets under pipeline.CycleUp, plus set.
func devCycle(t *testing.T, set map[string]string) *bench.Result {
	t.Helper()
	committed := bench.MustRun(t, bench.Options{Stack: "dev", Placeholders: true})
	var targets []string
	require.NoError(t, json.Unmarshal([]byte(committed.Config["sgraph-send:targets"]), &targets))
	opts := bench.Options{Stack: "dev", Placeholders: true, Set: map[string]string{}}
	for k, v := range pipeline.CycleUp(targets) {
		switch x := v.(type) {
		case []string:
			b, _ := json.Marshal(x)
			opts.Set[k] = string(b)
		default:
			opts.Set[k] = fmt.Sprint(x)
		}
	}
	for k, v := range set {
		opts.Set[k] = v
	}
	return bench.MustRun(t, opts)
}

func prod(t *testing.T) *bench.Result {
	return bench.MustRun(t, bench.Options{Stack: "prod", Placeholders: true})
}

// TestProdDevParity runs in `go test ./...`, so in CI.
func TestProdDevParity(t *testing.T) {
	es, err := parity.Exceptions()
	require.NoError(t, err)
	missing, stale := parity.Compare(prod(t), devCycle(t, nil), es)
	require.NoError(t, parity.Err(missing, stale))
}

// The check fails both ways: a prod feature nobody listed, a stale exception.
func TestParityCatchesGaps(t *testing.T) {
	es, err := parity.Exceptions()
	require.NoError(t, err)
	p, d := prod(t), devCycle(t, nil)

	// Prod gains a setting dev never deploys (as prod's 443 listener once was).
	p.MustFind(t, "aws:ecs/service:Service", "sgraph-send-prod-fargate").Inputs["capacityProviderStrategies"] =
		d.MustFind(t, "aws:ecs/service:Service", "sgraph-send-dev-fargate").Inputs["capacityProviderStrategies"]
	p.MustFind(t, "aws:lb/listener:Listener", "sgraph-send-prod-fargate-https").Inputs["protocol"] = d.MustFind(t, "aws:lb/listener:Listener", "sgraph-send-dev-fargate-http").Inputs["protocol"]
	missing, stale := parity.Compare(p, d, es)
	err = parity.Err(missing, stale)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `prod has "alb listener HTTP:443 forward", the dev cycle never deploys it`)
	assert.Contains(t, err.Error(), `exception "ecs capacity FARGATE" is stale`)

	// An exception for something dev deploys is stale.
	_, stale = parity.Compare(prod(t), d, append(es, parity.Exception{Features: []string{"type aws:lb/loadBalancer:LoadBalancer"}, Reason: "x"}))
	assert.Contains(t, stale, "type aws:lb/loadBalancer:LoadBalancer")

	for _, bad := range []string{"- features: [x]\n", "- reason: y\n", "- {features: [x], reason: y}\n- {features: [x], reason: z}\n", "nope: [\n", "- {features: [\"\"], reason: y}\n"} {
		_, err := parity.ParseExceptions([]byte(bad))
		assert.Error(t, err, bad)
	}
}

// With a dev domain (dev.<domain>, Let's Encrypt staging), the dev cycle
// registers prod's HTTPS path: the same listeners, SG rules, certificate
// validation, alias records and ACME flow; only the ACME directory differs.
func TestDevDomainRegistersProdHTTPS(t *testing.T) {
	d := devCycle(t, map[string]string{"domain": "dev.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"})
	p, dev := parity.Features(prod(t)), parity.Features(d)
	https := []string{}
	for f := range p {
		if strings.HasPrefix(f, "ec2 acme directory") {
			continue // staging in dev, by design (exceptions.yaml)
		}
		if strings.Contains(f, "443") || strings.Contains(f, "acm") || strings.Contains(f, "certificate") ||
			strings.Contains(f, "route53") || strings.Contains(f, "redirect") || strings.Contains(f, "eip") || strings.Contains(f, "ec2 tls") || strings.Contains(f, "hsts") {
			https = append(https, f)
		}
	}
	require.GreaterOrEqual(t, len(https), 8, "prod's HTTPS features: %v", https)
	for _, f := range https {
		assert.True(t, dev[f], "dev with a domain lacks prod's %q", f)
	}
	assert.True(t, dev["ec2 acme directory staging"], "dev uses Let's Encrypt staging")
	require.NoError(t, reachability.Check(reachability.FromBench(d)).Err())
	u, _ := d.Output("fargateUrl")
	assert.Equal(t, "https://fargate.dev.example.com", u.Value)
}
