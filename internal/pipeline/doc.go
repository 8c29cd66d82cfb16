// Package pipeline runs the pipeline's stack operations in order: the dev test cycle
// (cmd/cycle), the promotion of a tested digest to prod with rollback (cmd/release) and
// the smoked AMI bake (cmd/bake). Each drives a Stack, an interface over the few
// Automation API operations it needs, so the ordering and the always-scale-down
// guarantee are tested offline with FakeStack; AutoStack is the real one.
package pipeline
