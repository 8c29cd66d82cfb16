package stacks

import (
	"errors"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/components/cloudrun"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// CloudRunConfig is the Cloud Run target's typed config.
type CloudRunConfig struct {
	Project      string // gcp:project, also the default GCP provider's
	Region       string // gcp:region, also the default GCP provider's
	MinInstances int
	MaxInstances int
	CPU          string
	Memory       string
	// StorageMode is memory or disk. The app has no GCS mode, so either way a
	// transfer lives in one instance and is lost when it stops (scale to zero,
	// new revision, restart) or when a request lands on another instance.
	StorageMode string
	Public      bool // allUsers may invoke; off means identity tokens only
}

// cloudRunDiskPath is inside Cloud Run's writable filesystem, which is held in
// the instance's memory and counts against cloudRunMemory.
const cloudRunDiskPath = "/tmp/sgraph-send"

var cloudRunTarget = target{name: "cloudrun", usesImage: true, usesGcpImage: true, load: loadCloudRun, deploy: deployCloudRun}

func loadCloudRun(r *reader, c *Config) {
	cr := CloudRunConfig{
		Project:      r.optional("gcp:project"),
		Region:       r.optional("gcp:region"),
		MinInstances: r.integer("cloudRunMinInstances", 0, 1000),
		MaxInstances: r.integer("cloudRunMaxInstances", 1, 1000),
		CPU:          r.str("cloudRunCpu"),
		Memory:       r.str("cloudRunMemory"),
		StorageMode:  r.oneOf("cloudRunStorageMode", "memory", "disk"),
		Public:       r.boolean("cloudRunPublic"),
	}
	// When the image is built, loadImage has already checked both keys for the
	// Artifact Registry copy (same provider, same values): report them once.
	if !c.Image.Build() {
		switch {
		case cr.Project == "":
			r.fail("gcp:project", "", "missing; the cloudrun target deploys to a GCP project: `pulumi config set gcp:project <your-project-id>`")
		case !cloudrun.ValidProject(cr.Project):
			r.fail("gcp:project", cr.Project, "not a GCP project id (6-30 lowercase letters, digits and hyphens, starting with a letter): `pulumi config set gcp:project <your-project-id>`")
		}
		switch {
		case cr.Region == "":
			r.fail("gcp:region", "", "missing; the region Cloud Run runs in: `pulumi config set gcp:region europe-west2`")
		case !cloudrun.ValidRegion(cr.Region):
			r.fail("gcp:region", cr.Region, "not a GCP region name like europe-west2: `pulumi config set gcp:region europe-west2`")
		}
	}
	if cr.MaxInstances < cr.MinInstances {
		r.fail("cloudRunMaxInstances", itoa(cr.MaxInstances), "below cloudRunMinInstances (%d); raise cloudRunMaxInstances or lower cloudRunMinInstances", cr.MinInstances)
	}
	cpuOK := cloudrun.ValidCPU(cr.CPU)
	_, memErr := cloudrun.MemoryMi(cr.Memory)
	if !cpuOK {
		r.fail("cloudRunCpu", cr.CPU, "allowed: %s (whole CPUs)", strings.Join(cloudrun.CPUs, ", "))
	}
	if memErr != nil {
		r.fail("cloudRunMemory", cr.Memory, "not a size like 512Mi or 2Gi")
	}
	if cpuOK && memErr == nil {
		if err := cloudrun.CheckResources(cr.CPU, cr.Memory); err != nil {
			r.fail("cloudRunMemory", cr.Memory, "%v; change cloudRunMemory or cloudRunCpu", err)
		}
	}
	for _, k := range cloudRunTagKeys(c.Tags) {
		lk, v := cloudRunLabel(k), c.Tags[k]
		if len(lk) > 63 || len(v) > 63 || lk == "" || lk[0] < 'a' || lk[0] > 'z' {
			r.fail("tags", k, "on GCP tags become labels: keys must start with a letter, keys and values at most 63 characters")
		}
	}
	c.CloudRun = cr
}

func deployCloudRun(ctx *pulumi.Context, c *Config, s *shared) (exports, error) {
	if s.GcpImageRef.OutputState == nil {
		return nil, errors.New("the image stage provided no Artifact Registry image (shared.GcpImageRef) for Cloud Run")
	}
	cr := c.CloudRun
	st := Storage{Mode: cr.StorageMode}
	if st.Mode == "disk" {
		st.Path = cloudRunDiskPath
	}
	svc, err := cloudrun.NewService(ctx, c.Name("cloudrun"), &cloudrun.ServiceArgs{
		Project:      cr.Project,
		Region:       cr.Region,
		ServiceName:  c.Name("cloudrun"),
		AccountID:    cloudrun.AccountID(c.Name("run")),
		Image:        s.GcpImageRef,
		Runtime:      c.runtime(appspec.Container, st),
		MinInstances: cr.MinInstances,
		MaxInstances: cr.MaxInstances,
		CPU:          cr.CPU,
		Memory:       cr.Memory,
		Public:       cr.Public,
		Protect:      c.Environment.Prod(),
		Labels:       cloudRunLabels(c.Tags),
	})
	if err != nil {
		return nil, err
	}
	return exports{
		outputs.CloudRunURL:    svc.URL,
		outputs.CloudRunPublic: svc.Public,
	}, nil
}

// cloudRunLabels turns the stack's tags into GCP labels: lowercase letters, digits,
// _ and - only (the tagging policy expects exactly this mapping).
func cloudRunLabels(tags map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range tags {
		out[cloudRunLabel(k)] = pulumi.String(cloudRunLabel(v))
	}
	return out
}

func cloudRunTagKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func cloudRunLabel(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}
