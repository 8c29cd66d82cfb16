// Package gate judges the real engine's preview (`pulumi preview --json`) with
// the same rules internal/policy applies to the offline plan, before an `up`.
// The preview's steps are mapped onto the records the rules already read
// (bench.Result); a failing rule on a value the preview knows stops the up.
package gate

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Digest is the part of `pulumi preview --json` (pkg/display.PreviewDigest)
// the gate reads.
type Digest struct {
	Config      map[string]string `json:"config"`
	Steps       []Step            `json:"steps"`
	Diagnostics []Diagnostic      `json:"diagnostics"`
	// StackOutputs are the exports as the engine's event log reports them
	// (the digest's steps carry none): secrets "[secret]", unknowns the
	// unknown sentinel. Filled by Preview from --event-log.
	StackOutputs map[string]any `json:"-"`
}

// Step is one planned step: its op and the resource's old and new state, as
// the CLI serializes them (secrets as "[secret]", unknowns as the engine's
// unknown sentinel).
type Step struct {
	Op             string              `json:"op"`
	URN            string              `json:"urn"`
	OldState       *apitype.ResourceV3 `json:"oldState,omitempty"`
	NewState       *apitype.ResourceV3 `json:"newState,omitempty"`
	DiffReasons    []string            `json:"diffReasons,omitempty"`
	ReplaceReasons []string            `json:"replaceReasons,omitempty"`
	DetailedDiff   map[string]PropDiff `json:"detailedDiff"`
}

// PropDiff is one property's change in a step.
type PropDiff struct {
	Kind      string `json:"kind"`
	InputDiff bool   `json:"inputDiff"`
}

// Diagnostic is a warning or error the preview printed.
type Diagnostic struct {
	URN      string `json:"urn,omitempty"`
	Message  string `json:"message,omitempty"`
	Severity string `json:"severity,omitempty"`
}

// Parse reads `pulumi preview --json` output. The CLI prints the digest
// even when the preview fails, so a failed preview can still be judged.
func Parse(b []byte) (*Digest, error) {
	var d Digest
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("pulumi preview --json: not a preview digest: %w", err)
	}
	if d.Steps == nil && d.Config == nil {
		return nil, fmt.Errorf("pulumi preview --json: the output has neither steps nor config (was --json passed?)")
	}
	return &d, nil
}
