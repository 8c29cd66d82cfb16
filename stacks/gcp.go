package stacks

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GcpConfig places every GCP resource: the default GCP provider's project and
// region, read once and validated once for the image copy and Cloud Run alike.
type GcpConfig struct {
	Project string // gcp:project
	Region  string // gcp:region
}

var (
	gcpProjectID = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	gcpRegion    = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
)

// loadGcp runs when any enabled target deploys to GCP.
func loadGcp(r *reader, c *Config) GcpConfig {
	g := GcpConfig{Project: r.optional("gcp:project"), Region: r.optional("gcp:region")}
	switch {
	case g.Project == "":
		r.fail("gcp:project", "", "missing; a GCP target (%s) is on: `pulumi config set gcp:project <your-project-id>`", strings.Join(c.gcpTargets(), ", "))
	case !gcpProjectID.MatchString(g.Project):
		r.fail("gcp:project", g.Project, "not a GCP project id (6-30 lowercase letters, digits and hyphens, starting with a letter): `pulumi config set gcp:project <your-project-id>`")
	}
	switch {
	case g.Region == "":
		r.fail("gcp:region", "", "missing; the region GCP resources live in: `pulumi config set gcp:region europe-west2`")
	case !gcpRegion.MatchString(g.Region):
		r.fail("gcp:region", g.Region, "not a GCP region name like europe-west2: `pulumi config set gcp:region europe-west2`")
	}
	validateGcpLabels(r, c.Tags)
	// On GCP the stack's tags become labels, which allow less than AWS tags.
	for _, k := range sortedKeys(c.Tags) {
		lk, v := gcpLabel(k), c.Tags[k]
		if len(lk) > 63 || len(v) > 63 || lk == "" || lk[0] < 'a' || lk[0] > 'z' {
			r.fail("tags", k, "on GCP tags become labels: keys must start with a letter, keys and values at most 63 characters")
		}
	}
	return g
}

// gcpTargets lists the enabled targets that deploy to GCP.
func (c *Config) gcpTargets() []string {
	var names []string
	for _, t := range targets {
		if c.On(t.name) && t.usesGcpImage {
			names = append(names, t.name)
		}
	}
	return names
}

// gcpLabels turns the stack's tags into GCP labels (the tagging policy expects
// exactly this mapping).
func gcpLabels(tags map[string]string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range tags {
		out[gcpLabel(k)] = pulumi.String(gcpLabel(v))
	}
	return out
}

// gcpLabel keeps lowercase letters, digits, _ and -; anything else becomes _.
func gcpLabel(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, strings.ToLower(s))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
