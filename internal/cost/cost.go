// Package cost estimates the monthly cost of a stack from the graph the bench
// records and a price table in the repo (prices.json, each price with its
// source and date). It is an estimate for planning, not a bill: list prices,
// no free tiers, no taxes, a stated load.
package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

//go:embed prices.json
var pricesJSON []byte

// HoursPerMonth is AWS's and Google's billing month (730 hours).
const HoursPerMonth = 730.0

// Price is one entry of prices.json.
type Price struct {
	USD    float64 `json:"usd"`
	Unit   string  `json:"unit"`
	Region string  `json:"region"`
	Source string  `json:"source"`
	Date   string  `json:"date"`
}

// Table is prices.json.
type Table struct {
	About  string           `json:"about"`
	Prices map[string]Price `json:"prices"`
}

// LoadTable parses the embedded price table and checks every entry names its
// source and date.
func LoadTable() (*Table, error) {
	var t Table
	if err := json.Unmarshal(pricesJSON, &t); err != nil {
		return nil, fmt.Errorf("cost: prices.json: %w", err)
	}
	for k, p := range t.Prices {
		if p.Source == "" || p.Date == "" || p.USD < 0 {
			return nil, fmt.Errorf("cost: prices.json entry %s needs a source, a date and a non-negative price", k)
		}
	}
	return &t, nil
}

// Load is the stated traffic an estimate "under load" assumes.
type Load struct {
	RequestsPerMonth int     `json:"requestsPerMonth"` // per entry point (each function, Cloud Run)
	AvgDurationMs    int     `json:"avgDurationMs"`    // per request
	StoredGB         float64 `json:"storedGB"`         // transfers at rest, per bucket
	LogGBPerMonth    float64 `json:"logGBPerMonth"`    // per log group
	EgressGB         float64 `json:"egressGBPerMonth"` // downloads, per entry point
}

// DefaultLoad is a small team's use: 100k requests a month per entry point.
var DefaultLoad = Load{RequestsPerMonth: 100000, AvgDurationMs: 200, StoredGB: 5, LogGBPerMonth: 0.5, EgressGB: 10}

// Line is one resource's monthly cost.
type Line struct {
	Resource string  `json:"resource"` // type::name
	Item     string  `json:"item"`     // what is billed
	IdleUSD  float64 `json:"idleUsd"`  // no traffic at all
	LoadUSD  float64 `json:"loadUsd"`  // under Estimate.Load
	Basis    string  `json:"basis"`    // how the number was derived
}

// Estimate is the monthly cost of one stack.
type Estimate struct {
	Lines     []Line   `json:"lines"`
	IdleUSD   float64  `json:"idleUsd"`
	LoadUSD   float64  `json:"loadUsd"`
	Load      Load     `json:"load"`
	PriceDate string   `json:"priceDate"` // the oldest date of any price used
	Sources   []string `json:"sources"`   // the pricing pages used
	Unpriced  []string `json:"unpriced"`  // resources that bill but have no price in the table
	Note      string   `json:"note"`
}

type estimator struct {
	t       *Table
	load    Load
	r       *bench.Result
	est     *Estimate
	sources map[string]bool
}

func (e *estimator) price(key string) float64 {
	p, ok := e.t.Prices[key]
	if !ok {
		e.est.Unpriced = append(e.est.Unpriced, key)
		return 0
	}
	e.sources[p.Source] = true
	if e.est.PriceDate == "" || p.Date < e.est.PriceDate {
		e.est.PriceDate = p.Date
	}
	return p.USD
}

func (e *estimator) add(res *bench.Resource, item string, idle, load float64, basis string, args ...any) {
	e.est.Lines = append(e.est.Lines, Line{Resource: res.String(), Item: item, IdleUSD: round(idle), LoadUSD: round(load), Basis: fmt.Sprintf(basis, args...)})
}

// Compute estimates the monthly cost of the recorded graph.
func Compute(r *bench.Result, load Load) (*Estimate, error) {
	t, err := LoadTable()
	if err != nil {
		return nil, err
	}
	e := &estimator{t: t, load: load, r: r, est: &Estimate{Load: load, Note: t.About}, sources: map[string]bool{}}
	for _, res := range r.Resources {
		if f, ok := rules[res.Type]; ok && res.Custom {
			f(e, res)
		}
	}
	for _, l := range e.est.Lines {
		e.est.IdleUSD += l.IdleUSD
		e.est.LoadUSD += l.LoadUSD
	}
	e.est.IdleUSD, e.est.LoadUSD = round(e.est.IdleUSD), round(e.est.LoadUSD)
	for s := range e.sources {
		e.est.Sources = append(e.est.Sources, s)
	}
	sort.Strings(e.est.Sources)
	sort.Strings(e.est.Unpriced)
	return e.est, nil
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

func num(res *bench.Resource, path string, def float64) float64 {
	switch v := res.Plain(path).(type) {
	case float64:
		return v
	case string:
		var f float64
		if _, err := fmt.Sscanf(v, "%g", &f); err == nil {
			return f
		}
	}
	return def
}

// rules price each billable resource type; everything else is free or billed
// only through the resources listed here.
var rules = map[string]func(e *estimator, res *bench.Resource){
	"aws:lb/loadBalancer:LoadBalancer": func(e *estimator, res *bench.Resource) {
		// An internet-facing ALB holds a public IPv4 address per subnet (AZ).
		ips := 2.0
		if s, ok := res.Plain("subnets").([]any); ok && len(s) > 2 {
			ips = float64(len(s))
		}
		base := e.price("aws.alb.hour")*HoursPerMonth + ips*e.price("aws.public_ipv4.hour")*HoursPerMonth
		// The stated load is far below one LCU; one LCU-hour per hour is the floor billed while traffic flows.
		lcu := e.price("aws.alb.lcu_hour") * HoursPerMonth
		e.add(res, "load balancer hours + public IPv4", base, base+lcu, "730 h x ALB-hour + %g public IPv4 x 730 h; under load + 1 LCU x 730 h", ips)
	},
	"aws:ecs/service:Service": func(e *estimator, res *bench.Resource) {
		count := num(res, "desiredCount", 0)
		cpu, mem := taskSize(e.r, res)
		hourly := cpu/1024*e.price("aws.fargate.vcpu_hour") + mem/1024*e.price("aws.fargate.gb_hour")
		spot := strings.Contains(fmt.Sprint(res.Plain("capacityProviderStrategies")), "FARGATE_SPOT")
		if spot {
			hourly *= e.price("aws.fargate.spot_factor")
		}
		if pub, _ := res.Plain("networkConfiguration.assignPublicIp").(bool); pub {
			hourly += e.price("aws.public_ipv4.hour")
		}
		v := count * hourly * HoursPerMonth
		e.add(res, "Fargate tasks", v, v, "%g task(s) x (%g CPU units, %g MiB)%s x 730 h", count, cpu, mem, map[bool]string{true: " on Spot", false: ""}[spot])
	},
	"aws:ec2/instance:Instance": func(e *estimator, res *bench.Resource) {
		typ := res.Str("instanceType")
		hourly := e.price("aws.ec2." + typ + ".hour")
		spot := res.Plain("instanceMarketOptions") != nil
		if spot {
			hourly *= e.price("aws.ec2.spot_factor")
		}
		disk := num(res, "rootBlockDevice.volumeSize", 8)
		v := hourly*HoursPerMonth + disk*e.price("aws.ebs.gp3.gb_month") + e.price("aws.public_ipv4.hour")*HoursPerMonth
		e.add(res, "instance + gp3 root volume + public IPv4", v, v, "%s%s x 730 h + %g GB gp3 + 1 public IPv4", typ, map[bool]string{true: " spot", false: ""}[spot], disk)
	},
	"aws:lambda/function:Function": func(e *estimator, res *bench.Resource) {
		memGB := num(res, "memorySize", 128) / 1024
		req := float64(e.load.RequestsPerMonth)
		v := req/1e6*e.price("aws.lambda.request_million") +
			req*float64(e.load.AvgDurationMs)/1000*memGB*e.price("aws.lambda.gb_second") +
			e.load.EgressGB*e.price("aws.egress.gb")
		e.add(res, "requests + GB-seconds + egress", 0, v, "%g requests x %d ms x %g GB + %g GB egress", req, e.load.AvgDurationMs, memGB, e.load.EgressGB)
	},
	"aws:s3/bucketV2:BucketV2": func(e *estimator, res *bench.Resource) {
		req := float64(e.load.RequestsPerMonth)
		v := e.load.StoredGB*e.price("aws.s3.gb_month") + req/1000*(e.price("aws.s3.write_thousand")+e.price("aws.s3.read_thousand"))
		e.add(res, "storage + requests", 0, v, "%g GB stored + %g writes and reads", e.load.StoredGB, req)
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": func(e *estimator, res *bench.Resource) {
		v := e.price("aws.cloudwatch.alarm_month")
		e.add(res, "alarm", v, v, "1 standard alarm-month")
	},
	"aws:cloudwatch/logGroup:LogGroup": func(e *estimator, res *bench.Resource) {
		v := e.load.LogGBPerMonth * e.price("aws.logs.ingest_gb")
		e.add(res, "log ingestion", 0, v, "%g GB ingested", e.load.LogGBPerMonth)
	},
	"aws:ecr/repository:Repository": func(e *estimator, res *bench.Resource) {
		v := imageGB * e.price("aws.ecr.gb_month")
		e.add(res, "image storage", v, v, "%g GB (one image)", imageGB)
	},
	"aws:budgets/budget:Budget": func(e *estimator, res *bench.Resource) {
		v := e.price("aws.budget.month")
		e.add(res, "budget", v, v, "within the account's two free budgets")
	},
	"gcp:cloudrunv2/service:Service": func(e *estimator, res *bench.Resource) {
		cpu := num(res, "template.containers[0].resources.limits.cpu", 1)
		mem := memGiB(res.Str("template.containers[0].resources.limits.memory"))
		min := num(res, "template.scaling.minInstanceCount", 0)
		idle := min * HoursPerMonth * 3600 * (cpu*e.price("gcp.run.idle_vcpu_second") + mem*e.price("gcp.run.idle_gib_second"))
		req := float64(e.load.RequestsPerMonth)
		busy := req * float64(e.load.AvgDurationMs) / 1000
		v := idle + busy*(cpu*e.price("gcp.run.vcpu_second")+mem*e.price("gcp.run.gib_second")) +
			req/1e6*e.price("gcp.run.request_million") + e.load.EgressGB*e.price("gcp.egress.gb")
		e.add(res, "instances + requests + egress", idle, v, "%g idle min instance(s); %g requests x %d ms at %g vCPU, %g GiB + %g GB egress", min, req, e.load.AvgDurationMs, cpu, mem, e.load.EgressGB)
	},
	"gcp:storage/bucket:Bucket": func(e *estimator, res *bench.Resource) {
		req := float64(e.load.RequestsPerMonth)
		// gcsfuse turns one file write into several object calls; 4 per request is a guess.
		v := e.load.StoredGB*e.price("gcp.gcs.gb_month") + 4*req/1000*(e.price("gcp.gcs.classa_thousand")+e.price("gcp.gcs.classb_thousand"))
		e.add(res, "storage + operations", 0, v, "%g GB stored + ~4 operations per request (gcsfuse)", e.load.StoredGB)
	},
	"gcp:secretmanager/secretVersion:SecretVersion": func(e *estimator, res *bench.Resource) {
		v := e.price("gcp.secret.version_month")
		e.add(res, "active secret version", v, v, "1 version-month")
	},
	"gcp:artifactregistry/repository:Repository": func(e *estimator, res *bench.Resource) {
		e.add(res, "image storage", 0, 0, "%g GB, inside the 0.5 GB free storage", imageGB)
		e.price("gcp.artifact.gb_month")
	},
}

// imageGB is the app image's compressed size, roughly (python slim + the app).
const imageGB = 0.3

// taskSize reads the Fargate task definition the service runs.
func taskSize(r *bench.Result, svc *bench.Resource) (cpu, mem float64) {
	cpu, mem = 256, 512
	for _, td := range r.OfType("aws:ecs/taskDefinition:TaskDefinition") {
		if svc.Str("taskDefinition") == "" || strings.Contains(svc.Str("taskDefinition"), td.Str("family")) || len(r.OfType("aws:ecs/taskDefinition:TaskDefinition")) == 1 {
			cpu, mem = num(td, "cpu", cpu), num(td, "memory", mem)
		}
	}
	return cpu, mem
}

func memGiB(s string) float64 {
	var n float64
	switch {
	case strings.HasSuffix(s, "Gi"):
		fmt.Sscanf(strings.TrimSuffix(s, "Gi"), "%g", &n)
		return n
	case strings.HasSuffix(s, "Mi"):
		fmt.Sscanf(strings.TrimSuffix(s, "Mi"), "%g", &n)
		return n / 1024
	}
	return 0.5
}
