package release

import "fmt"

// Previous is the image prod goes back to when the new one fails, and why it is trusted.
type Previous struct {
	Image
	// Verified is true when a prod smoke passed on it (stack tag TagGoodImage); false
	// when it is only what prod ran before this up (no record yet, e.g. the first
	// promotion after this pipeline was introduced).
	Verified bool
}

// PreviousGood picks the rollback target from prod's tags and outputs read before `up`.
func PreviousGood(prodTags map[string]string, before Outputs) (Previous, bool) {
	if ref := prodTags[TagGoodImage]; ref != "" && DigestProblem(ref) == "" {
		return Previous{Image: Image{Ref: ref, GcpRef: prodTags[TagGoodGcpImage]}, Verified: true}, true
	}
	if img := before.Image(); img.Ref != "" && DigestProblem(img.Ref) == "" {
		return Previous{Image: img}, true
	}
	return Previous{}, false
}

// Step is what the release does after prod's first up and smoke.
type Step int

const (
	Done       Step = iota // the new image passed: record it as good
	RollBack               // deploy Previous again and smoke it
	StopFailed             // nothing to roll back to: fail loudly
)

// AfterSmoke decides the next step. upErr is the error of `up` (a failed update leaves
// prod in between, so it rolls back too); passed is the smoke verdict when up succeeded.
func AfterSmoke(deployed Image, upErr error, passed bool, prev Previous, havePrev bool) (Step, string) {
	if upErr == nil && passed {
		return Done, fmt.Sprintf("prod runs %s: its smoke passed", deployed)
	}
	what := "its smoke failed"
	if upErr != nil {
		what = "its up failed: " + upErr.Error()
	}
	switch {
	case !havePrev:
		return StopFailed, fmt.Sprintf("prod was updated to %s and %s; there is no previous digest to roll back to (no %s tag, no imageRef before the up)", deployed, what, TagGoodImage)
	case prev.Ref == deployed.Ref && prev.GcpRef == deployed.GcpRef:
		return StopFailed, fmt.Sprintf("prod runs %s and %s; it is also the previous digest, so a rollback would change nothing", deployed, what)
	}
	return RollBack, fmt.Sprintf("%s failed (%s): rolling back to %s", deployed, what, describe(prev))
}

// AfterRollback is the final word once the rollback ran: the run fails either way, and
// the message says which digest prod runs now.
func AfterRollback(deployed Image, prev Previous, upErr error, passed bool) string {
	switch {
	case upErr != nil:
		return fmt.Sprintf("ROLLBACK FAILED: %s failed, and the rollback to %s failed too (%v); prod is in between, check `pulumi stack output imageRef -s prod` and act by hand", deployed, describe(prev), upErr)
	case !passed:
		return fmt.Sprintf("ROLLED BACK, STILL FAILING: %s failed; prod runs %s again, and its smoke fails too (the fault is not the image: look at infrastructure or the app's dependencies)", deployed, describe(prev))
	}
	return fmt.Sprintf("ROLLED BACK: %s failed; prod runs %s again and its smoke passes", deployed, describe(prev))
}

func describe(p Previous) string {
	if p.Verified {
		return p.Image.String() + " (last digest whose prod smoke passed)"
	}
	return p.Image.String() + " (what prod ran before; no passing record)"
}
