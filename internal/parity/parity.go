// Package parity holds prod to the rule "what prod runs, dev proves": every
// resource type and every security-relevant setting of prod's graph is either
// deployed by the dev test cycle (the dev stack under pipeline.CycleUp's
// overrides) or named, with the reason, in exceptions.yaml. A listed
// exception that dev does exercise fails too, so the file stays true.
package parity

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// Exception is prod features the dev cycle does not exercise, and why.
type Exception struct {
	Features []string `yaml:"features"`
	Reason   string   `yaml:"reason"`
}

//go:embed exceptions.yaml
var exceptionsFile []byte

// Exceptions reads exceptions.yaml; every entry needs a feature and a reason.
func Exceptions() ([]Exception, error) {
	return parseExceptions(exceptionsFile)
}

func parseExceptions(b []byte) ([]Exception, error) {
	var es []Exception
	if err := yaml.Unmarshal(b, &es); err != nil {
		return nil, fmt.Errorf("internal/parity/exceptions.yaml: %w", err)
	}
	seen := map[string]bool{}
	for i, e := range es {
		if len(e.Features) == 0 {
			return nil, fmt.Errorf("internal/parity/exceptions.yaml entry %d: no features", i+1)
		}
		for _, f := range e.Features {
			switch {
			case f == "":
				return nil, fmt.Errorf("internal/parity/exceptions.yaml entry %d: an empty feature", i+1)
			case strings.TrimSpace(e.Reason) == "":
				return nil, fmt.Errorf("internal/parity/exceptions.yaml: %q has no reason", f)
			case seen[f]:
				return nil, fmt.Errorf("internal/parity/exceptions.yaml: %q is listed twice", f)
			}
			seen[f] = true
		}
	}
	return es, nil
}

// Compare returns prod's features the dev graph lacks and that no exception
// names, and the exceptions dev does exercise (stale), each sorted.
func Compare(prod, dev *bench.Result, es []Exception) (missing, stale []string) {
	p, d := Features(prod), Features(dev)
	listed := map[string]bool{}
	for _, e := range es {
		for _, f := range e.Features {
			listed[f] = true
			if d[f] || !p[f] {
				stale = append(stale, f)
			}
		}
	}
	for f := range p {
		if !d[f] && !listed[f] {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	return missing, stale
}

// Err names every unexercised prod feature and every stale exception.
func Err(missing, stale []string) error {
	var lines []string
	for _, f := range missing {
		lines = append(lines, fmt.Sprintf("prod has %q, the dev cycle never deploys it: exercise it in dev or add it to internal/parity/exceptions.yaml with the reason", f))
	}
	for _, f := range stale {
		lines = append(lines, fmt.Sprintf("exception %q is stale: the dev cycle exercises it (or prod no longer has it); remove it from internal/parity/exceptions.yaml", f))
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("prod/dev parity:\n  %s", strings.Join(lines, "\n  "))
}
