// Package ops groups the operator workflows that act on a deployed stack, one
// package each: gate (policies on the real preview), drift (refresh against the
// code), review (per-PR stacks), status and logs. Each cmd/ main is a thin
// wrapper over one of them.
package ops
