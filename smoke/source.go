package smoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sgraph-ai/sgraph-send-infra/outputs"
)

// Value is one stack output as a Source delivered it. Secret mirrors the
// Automation API's OutputValue: true when the stack marks the value secret.
type Value struct {
	Value  any
	Secret bool
}

// RawOutputs is a stack's outputs before validation, keyed by output name.
type RawOutputs map[string]Value

// Source yields a stack's outputs. The JSON reader below and the Automation
// API adapter in cmd/smoke both implement it, so both paths go through the
// same Parse and produce the same Outputs.
type Source interface {
	Outputs(ctx context.Context) (RawOutputs, error)
}

// JSONSource reads the object `pulumi stack output --json --show-secrets`
// prints: a flat map of output name to value.
type JSONSource struct {
	R    io.Reader
	Name string // where the JSON came from, for error messages: a file name or "stdin"
}

// Outputs decodes the JSON. Numbers are kept as json.Number so a desired
// count of 0 is never confused with a missing value by float rounding.
func (s JSONSource) Outputs(_ context.Context) (RawOutputs, error) {
	name := s.Name
	if name == "" {
		name = "outputs"
	}
	if s.R == nil {
		return nil, &OutputError{Msg: name + ": no input"}
	}
	dec := json.NewDecoder(s.R)
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, &OutputError{Msg: fmt.Sprintf("%s is not a JSON object of stack outputs: %v", name, jsonErrText(err))}
	}
	if m == nil {
		return nil, &OutputError{Msg: name + " is JSON null, not an object of stack outputs"}
	}
	// A second document after the object means the input was not what
	// `pulumi stack output --json` prints (e.g. two outputs concatenated).
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &OutputError{Msg: name + " has trailing data after the outputs object"}
	}
	raw := make(RawOutputs, len(m))
	for k, v := range m {
		raw[k] = Value{Value: v, Secret: outputs.Secret(k)}
	}
	return raw, nil
}

// jsonErrText keeps decoder errors short and free of input excerpts: the
// standard library's messages name a character and an offset, never the
// surrounding text, so secrets in the document cannot leak through them.
func jsonErrText(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s (at byte %d)", syn.Error(), syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return "top level is a JSON " + typ.Value + ", want an object"
	}
	if errors.Is(err, io.EOF) {
		return "empty input"
	}
	return err.Error()
}

// Load reads a Source and validates what it returns.
func Load(ctx context.Context, src Source) (*Outputs, error) {
	raw, err := src.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	return Parse(raw)
}

// Split separates the plain outputs from the secret ones: the plain values by
// key, and the string values of the secrets (for redaction, never display).
func (r RawOutputs) Split() (plain map[string]any, secrets []string) {
	plain = make(map[string]any, len(r))
	for k, v := range r {
		if !v.Secret {
			plain[k] = v.Value
		} else if s, ok := v.Value.(string); ok {
			secrets = append(secrets, s)
		}
	}
	return plain, secrets
}
