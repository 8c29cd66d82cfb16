package stacks

import (
	"fmt"
	"strings"
)

// ConfigError is one problem with one config key: what is wrong and how to fix it.
type ConfigError struct {
	Key     string // fully qualified, e.g. "sgraph-send:lambdaMemoryMb"
	Value   string // the offending value, "" when missing; never a secret
	Problem string // what is allowed, and the command that fixes it
}

func (e ConfigError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Key, e.Problem)
	}
	return fmt.Sprintf("%s = %q: %s", e.Key, e.Value, e.Problem)
}

// ConfigErrors is every problem found in one load, so an operator fixes them in one pass.
type ConfigErrors []ConfigError

func (es ConfigErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d config problem(s), nothing was deployed:", len(es))
	for _, e := range es {
		b.WriteString("\n  - ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Keys lists the keys named by the errors, in order; tests match on them.
func (es ConfigErrors) Keys() []string {
	keys := make([]string, len(es))
	for i, e := range es {
		keys[i] = e.Key
	}
	return keys
}
