package stacks

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
	"github.com/sgraph-ai/sgraph-send-infra/components/cloudrun"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// CloudRunConfig is the Cloud Run target's typed config.
type CloudRunConfig struct {
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
		MinInstances: r.integer("cloudRunMinInstances", 0, 1000),
		MaxInstances: r.integer("cloudRunMaxInstances", 1, 1000),
		CPU:          r.str("cloudRunCpu"),
		Memory:       r.str("cloudRunMemory"),
		StorageMode:  r.oneOf("cloudRunStorageMode", "memory", "disk", "gcs"),
		Public:       r.boolean("cloudRunPublic"),
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
	mount, st, err := cloudRunDurableStorage(ctx, c, st)
	if err != nil {
		return nil, err
	}
	svc, err := cloudrun.NewService(ctx, c.Name("cloudrun"), &cloudrun.ServiceArgs{
		Project:      c.Gcp.Project,
		Region:       c.Gcp.Region,
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
		Labels:       gcpLabels(c.Tags),
		Storage:      mount,
		// A rollback names an earlier revision; traffic moves, nothing else.
		RollbackRevision: c.Rollback.CloudRunRevision,
	})
	if err != nil {
		return nil, err
	}
	return exports{
		outputs.CloudRunURL:      svc.URL,
		outputs.CloudRunPublic:   svc.Public,
		outputs.CloudRunRevision: svc.Revision,
	}, nil
}
