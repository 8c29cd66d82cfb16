// Package workflows holds only tests: they read the GitHub Actions workflows and the
// composite actions under .github, and the README, and check that the automation runs the
// commands the README documents (offline plan, tests, smoke), that every action is pinned
// to a version, and that the deploy jobs keep their safety rails (per-stack concurrency,
// a GitHub environment for prod, no teardown of prod, id-token: write for OIDC).
package workflows
