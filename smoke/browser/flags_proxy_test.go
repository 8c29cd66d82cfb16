package browser

import "testing"

// A broken share link warns only where no proxy of ours can redirect it.
func TestUIProxiedFollowsTheContract(t *testing.T) {
	for name, want := range map[string]bool{"fargate": true, "ec2": true, "cloudrun": false, "unknown": false} {
		if got := uiProxied(name); got != want {
			t.Errorf("uiProxied(%q) = %v, want %v", name, got, want)
		}
	}
}
