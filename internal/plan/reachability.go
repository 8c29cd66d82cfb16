package plan

import (
	"fmt"
	"io"

	"github.com/sgraph-ai/sgraph-send-infra/internal/reachability"
)

// writeReachability prints one verdict per endpoint (and egress) path: the
// first broken hop, or how many hops were proven and which were assumed.
func writeReachability(w io.Writer, d Document) {
	rep := d.Reachability
	if rep == nil {
		return
	}
	fmt.Fprintln(w, "\nReachability (offline; docs/reachability.md says what only a real cloud shows):")
	for _, p := range rep.Paths {
		verdict := "PASS"
		if p.FirstBroken() != nil {
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s\n", verdict, p.Describe(rep.Stack))
		for _, h := range p.Hops {
			if h.Status == reachability.Assumed {
				fmt.Fprintf(w, "       assumed %s: %s\n", h.Name, h.Detail)
			}
		}
	}
	fmt.Fprintf(w, "\n%d paths, %d broken\n", len(rep.Paths), len(rep.Failed()))
}
