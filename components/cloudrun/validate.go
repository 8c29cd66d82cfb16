package cloudrun

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

var (
	serviceNamePattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$`)
	accountIDPattern   = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	projectPattern     = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	regionPattern      = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	memoryPattern      = regexp.MustCompile(`^([1-9][0-9]*)(Mi|Gi)$`)
	digestPattern      = regexp.MustCompile(`@sha256:[a-f0-9]{64}$`)
)

// CPUs are the whole-CPU limits we allow. Fractions need concurrency 1 and
// under 512Mi; 6 and 8 CPUs need instance-based billing: neither fits the app.
var CPUs = []string{"1", "2", "4"}

// maxMemoryMi is Cloud Run's memory ceiling per CPU count, and minMemoryMi its
// floor (512Mi is the second-generation execution environment's minimum).
var (
	maxMemoryMi = map[string]int{"1": 4 * 1024, "2": 8 * 1024, "4": 16 * 1024}
	minMemoryMi = map[string]int{"1": 512, "2": 512, "4": 2 * 1024}
)

// ValidProject reports whether id is a GCP project id: 6-30 characters,
// lowercase letters, digits and hyphens, starting with a letter.
func ValidProject(id string) bool { return projectPattern.MatchString(id) }

// ValidRegion reports whether r looks like a GCP region, e.g. europe-west2.
func ValidRegion(r string) bool { return regionPattern.MatchString(r) }

// ValidAccountID reports whether id is a valid service account id.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }

// ValidCPU reports whether cpu is one of CPUs.
func ValidCPU(cpu string) bool {
	_, ok := maxMemoryMi[cpu]
	return ok
}

// MemoryMi parses a Cloud Run memory limit such as "512Mi" or "2Gi".
func MemoryMi(memory string) (int, error) {
	m := memoryPattern.FindStringSubmatch(memory)
	if m == nil {
		return 0, fmt.Errorf("memory %q is not a size like 512Mi or 2Gi", memory)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, fmt.Errorf("memory %q: %w", memory, err)
	}
	if m[2] == "Gi" {
		n *= 1024
	}
	return n, nil
}

// CheckResources reports a CPU/memory pair Cloud Run would reject:
// 1 CPU up to 4Gi, 2 CPU up to 8Gi, 4 CPU from 2Gi to 16Gi, never under 512Mi.
func CheckResources(cpu, memory string) error {
	if !ValidCPU(cpu) {
		return fmt.Errorf("cpu %q not allowed; use one of %s", cpu, strings.Join(CPUs, ", "))
	}
	mi, err := MemoryMi(memory)
	if err != nil {
		return err
	}
	if mi < minMemoryMi[cpu] || mi > maxMemoryMi[cpu] {
		return fmt.Errorf("memory %s does not fit %s CPU; allowed %dMi..%dMi (1 CPU up to 4Gi, 2 CPU up to 8Gi, 4 CPU 2Gi..16Gi)",
			memory, cpu, minMemoryMi[cpu], maxMemoryMi[cpu])
	}
	return nil
}

// CheckScaling reports instance counts Cloud Run would reject.
func CheckScaling(min, max int) error {
	switch {
	case min < 0 || min > 1000:
		return fmt.Errorf("min instances %d out of range 0..1000", min)
	case max < 1 || max > 1000:
		return fmt.Errorf("max instances %d out of range 1..1000", max)
	case max < min:
		return fmt.Errorf("max instances %d is below min instances %d", max, min)
	}
	return nil
}

func validate(a *ServiceArgs) error {
	if a == nil {
		return errors.New("cloudrun: ServiceArgs is required")
	}
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf("cloudrun: "+format, args...)) }
	if !ValidProject(a.Project) {
		add("project %q is not a GCP project id", a.Project)
	}
	if a.RollbackRevision != "" && !ValidRevision(a.ServiceName, a.RollbackRevision) {
		add("rollback revision %q is not a revision of service %s (<service>-<suffix>, lowercase, at most 63 characters)", a.RollbackRevision, a.ServiceName)
	}
	if !ValidRegion(a.Region) {
		add("region %q is not a GCP region like europe-west2", a.Region)
	}
	if !serviceNamePattern.MatchString(a.ServiceName) {
		add("service name %q: lowercase letters, digits and hyphens, starting with a letter, at most 49 characters", a.ServiceName)
	}
	if !ValidAccountID(a.AccountID) {
		add("service account id %q: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter", a.AccountID)
	}
	if a.Image == nil {
		add("image is required (Artifact Registry, digest form)")
	}
	if err := CheckResources(a.CPU, a.Memory); err != nil {
		add("%v", err)
	}
	if err := CheckScaling(a.MinInstances, a.MaxInstances); err != nil {
		add("%v", err)
	}
	for _, p := range validateMount(a.Storage) {
		add("%s", p)
	}
	rt := a.Runtime
	if rt.Port < 1 || rt.Port > 65535 {
		add("runtime port %d out of range", rt.Port)
	}
	if !strings.HasPrefix(rt.HealthPath, "/") {
		add("runtime health path %q must start with /", rt.HealthPath)
	}
	if !appspec.SafePath(rt.ProbePath) {
		add("runtime probe path %q must be a path of letters, digits and . _ ~ - / (the startup and liveness probes GET it)", rt.ProbePath)
	}
	for k := range rt.Env {
		if k == "PORT" {
			add("env PORT is reserved by Cloud Run")
		}
		if _, dup := rt.SecretEnv[k]; dup {
			add("env %s is both plain and secret", k)
		}
	}
	return errors.Join(errs...)
}

// isDigestRef reports whether ref pins an image by digest.
func isDigestRef(ref string) bool { return digestPattern.MatchString(ref) }

var nonAccountChars = regexp.MustCompile(`[^a-z0-9-]+`)

// AccountID turns a wanted service account id into a valid one: lowercase,
// only letters, digits and hyphens, starting with a letter, and cut to at most
// 30 characters with a stable hash suffix when it is too long.
func AccountID(want string) string {
	s := strings.Trim(nonAccountChars.ReplaceAllString(strings.ToLower(want), "-"), "-")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "sa-" + s
	}
	if ValidAccountID(s) {
		return s
	}
	sum := sha256.Sum256([]byte(want))
	h := hex.EncodeToString(sum[:3])
	if len(s) > 23 {
		s = s[:23]
	}
	return strings.TrimRight(s, "-") + "-" + h
}
