package policy

import "strings"

func joinProblems(ps []string) string { return strings.Join(ps, "; ") }
