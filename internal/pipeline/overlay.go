package pipeline

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Overlay returns a copy of a stack file with the overrides applied to its config
// block; base is not modified. The Automation API's SetConfig would run `pulumi
// config set` against the committed Pulumi.<stack>.yaml (and would write a list as a
// string, which the CLI rejects for the declared array type `targets`); instead
// AutoStack writes this copy to a temporary file and passes it with --config-file
// (optup.ConfigFile), so the override lives for one `up` and the committed file is
// never opened for writing.
func Overlay(base []byte, o Overrides) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("stack file: %w", err)
	}
	if len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("stack file: top level is not a mapping")
	}
	config := lookup(root, "config")
	if config == nil {
		config = &yaml.Node{Kind: yaml.MappingNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "config"}, config)
	}
	if config.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("stack file: config is not a mapping")
	}
	for _, k := range sortedKeys(o) {
		v, err := node(o[k])
		if err != nil {
			return nil, fmt.Errorf("override %s: %w", k, err)
		}
		key := qualify(k)
		if cur := lookup(config, key); cur != nil {
			*cur = *v
			continue
		}
		config.Content = append(config.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func node(v any) (*yaml.Node, error) {
	switch x := v.(type) {
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x}, nil
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(x)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}, nil
	case []string:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range x {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
		}
		return seq, nil
	case map[string]string:
		// An object key (the rollback pointers), keys sorted so the file is stable.
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range sortedKeys(x) {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x[k]})
		}
		return m, nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
