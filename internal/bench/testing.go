package bench

import "testing"

// TestSecrets are secret values tests supply; the stack files commit none.
var TestSecrets = map[string]string{
	"adminApiKey": "test-admin-key-0123456789abcdef",
	"uploadToken": "test-upload-token-0123456789abcdef",
}

// PrebuiltImage is a valid digest-form reference for tests of the prebuilt path.
const PrebuiltImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send@sha256:" +
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// MustRun runs the program for a stack with TestSecrets (plus opts.Secrets)
// and fails the test on any error.
func MustRun(t testing.TB, opts Options) *Result {
	t.Helper()
	secrets := map[string]string{}
	for k, v := range TestSecrets {
		secrets[k] = v
	}
	for k, v := range opts.Secrets {
		secrets[k] = v
	}
	opts.Secrets = secrets
	r, err := Run(opts)
	if err != nil {
		t.Fatalf("stack %s: %v", opts.Stack, err)
	}
	return r
}

// Stacks are the real stack files every graph test runs.
var Stacks = []string{"dev", "prod"}
