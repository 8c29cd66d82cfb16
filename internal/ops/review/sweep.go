package review

import (
	"fmt"
	"sort"
	"time"
)

// Listed is one stack as `pulumi stack ls --json` lists it.
type Listed struct {
	Name       string `json:"name"`
	LastUpdate string `json:"lastUpdate"` // RFC 3339; "" for a stack never updated
}

// Removal is one review stack the sweeper removes, and why.
type Removal struct {
	Stack string
	PR    int
	Why   string
}

// Sweep picks the review stacks to remove: those whose PR is not open, and
// those not updated within ttl (a PR left open for weeks keeps no stack; its
// next push creates it again). Any other stack is never picked.
func Sweep(stacks []Listed, open map[int]bool, now time.Time, ttl time.Duration) []Removal {
	var out []Removal
	for _, s := range stacks {
		name := s.Name
		if i := lastSlash(name); i >= 0 {
			name = name[i+1:] // org/project/pr-1 on Pulumi Cloud
		}
		pr, ok := PR(name)
		if !ok {
			continue
		}
		switch {
		case !open[pr]:
			out = append(out, Removal{Stack: name, PR: pr, Why: fmt.Sprintf("pull request #%d is not open", pr)})
		case s.LastUpdate != "":
			t, err := time.Parse(time.RFC3339, s.LastUpdate)
			if err == nil && now.Sub(t) > ttl {
				out = append(out, Removal{Stack: name, PR: pr, Why: fmt.Sprintf("not updated for %s (TTL %s)", now.Sub(t).Round(time.Hour), ttl)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PR < out[j].PR })
	return out
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}
