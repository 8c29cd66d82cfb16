// Package review runs per-pull-request review stacks: a `pr-<number>` stack
// with the cheap targets only (the Lambda pair; Cloud Run when GCP is
// configured), its own small budget, names derived from the stack so it
// shares nothing with dev or prod; created on open/update, smoked, commented
// on the PR, destroyed and removed on close, and swept when a close was missed.
package review

import (
	"fmt"
	"regexp"
	"strconv"
)

// prefix of every review stack's name: pr-<number>.
const prefix = "pr-"

var reviewName = regexp.MustCompile(`^pr-([1-9][0-9]{0,8})$`)

// StackName is the review stack of pull request pr.
func StackName(pr int) (string, error) {
	if pr <= 0 || pr > 999999999 {
		return "", fmt.Errorf("pull request number %d: want 1..999999999", pr)
	}
	return prefix + strconv.Itoa(pr), nil
}

// PR returns the pull request a review stack belongs to; ok is false for
// every other stack (dev, prod, or a name that only looks similar), so
// nothing here ever acts on them.
func PR(stack string) (int, bool) {
	m := reviewName.FindStringSubmatch(stack)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}
