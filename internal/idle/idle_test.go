package idle

import (
	"slices"
	"testing"
)

func TestTargets(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"lambda", "fargate", "ec2", "cloudrun"}, []string{"lambda", "cloudrun"}},
		{[]string{"fargate"}, []string{}},
		{nil, []string{}},
	} {
		if got := Targets(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Targets(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
