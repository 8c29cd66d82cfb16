package release

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Outputs are a stack's outputs as `pulumi stack output --json` prints them (or as the
// Automation API returns them, unwrapped). Only string values are read here.
type Outputs map[string]any

// ReadOutputs decodes recorded outputs; name says where they came from.
func ReadOutputs(r io.Reader, name string) (Outputs, error) {
	var o Outputs
	if err := json.NewDecoder(r).Decode(&o); err != nil {
		return nil, fmt.Errorf("%s is not a JSON object of stack outputs: %v", name, err)
	}
	if o == nil {
		o = Outputs{}
	}
	return o, nil
}

// ReadTags decodes recorded stack tags (`pulumi stack tag ls --json`).
func ReadTags(r io.Reader, name string) (map[string]string, error) {
	var t map[string]string
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, fmt.Errorf("%s is not a JSON object of stack tags: %v", name, err)
	}
	if t == nil {
		t = map[string]string{}
	}
	return t, nil
}

// Str returns a string output, "" when absent, null or not a string.
func (o Outputs) Str(key string) string {
	s, _ := o[key].(string)
	return s
}

// Image returns the image a stack's outputs say it runs (empty Ref when none).
func (o Outputs) Image() Image {
	return Image{Ref: o.Str(outputs.ImageRef), GcpRef: o.Str(outputs.GcpImageRef)}
}
