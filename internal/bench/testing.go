package bench

import "testing"

// TestSecrets are secret values tests supply; the stack files commit none.
var TestSecrets = map[string]string{
	"adminApiKey": "test-admin-key-0123456789abcdef",
	"uploadToken": "test-upload-token-0123456789abcdef",
}

// PrebuiltImage is a valid digest-form reference for tests of the prebuilt path. It
// lies in prod's own ECR repository, where a release copies a promoted digest (the
// prod-owns-its-images policy fails any other); dev may run it too.
const PrebuiltImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/sgraph-send-prod@sha256:" +
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

// One returns the only resource of type token and fails the test unless there
// is exactly one.
func (r *Result) One(t testing.TB, token string) *Resource {
	t.Helper()
	rs := r.OfType(token)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, found %d", token, len(rs))
	}
	return rs[0]
}

// MustFind returns the resource with this type and name and fails the test
// when there is none.
func (r *Result) MustFind(t testing.TB, token, name string) *Resource {
	t.Helper()
	res := r.Find(token, name)
	if res == nil {
		t.Fatalf("no %s named %s", token, name)
	}
	return res
}

// Drop removes the resources for which drop is true, for tests that break a
// recorded graph on purpose to prove a policy catches it.
func (r *Result) Drop(drop func(*Resource) bool) {
	kept := r.Resources[:0]
	for _, res := range r.Resources {
		if !drop(res) {
			kept = append(kept, res)
		}
	}
	r.Resources = kept
}
