// Package release holds the pipeline's decisions as pure functions over recorded stack
// outputs and stack tags: which digest prod may run (promotion), what to do when prod's
// smoke fails (rollback), and whether a published app version is well formed. The
// commands under cmd/ (cycle, release, bake) gather the inputs through the Automation
// API and act; everything that decides lives here and is tested on JSON fixtures.
package release
