// Package smoke is the post-up harness: it reads a stack's outputs, decides
// which deployed targets to check from the outputs contract (package outputs),
// runs every target's checks concurrently against the live endpoints and
// returns a typed Report that the command prints as a table, JSON or JUnit.
//
// It deliberately imports no cloud provider SDK and none of the Pulumi
// program: only the outputs contract, the AWS SigV4 signer and credential
// chain (the admin Lambda sits behind an AWS_IAM Function URL), and the
// standard library. The Automation API adapter lives in cmd/smoke so this
// package stays quick to build and test.
package smoke
