package workflows

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// prodSecrets are the prod values a pull request's code must never hold.
var prodSecrets = []string{"secrets.ADMIN_API_KEY", "secrets.UPLOAD_TOKEN"}

// prodPreviewProblems says what lets a pull-request job reach prod's secrets.
func prodPreviewProblems(j *job) []string {
	var ps []string
	env := environment(j.Environment)
	touchesProd := strings.Contains(env, "prod")
	for _, s := range j.Steps {
		if s.With["stack"] == "prod" || s.With["stack-name"] == "prod" {
			touchesProd = true
		}
	}
	if !touchesProd {
		return nil
	}
	if env != "prod-preview" {
		ps = append(ps, "a pull-request job touching prod runs in environment "+quoteOr(env)+", not prod-preview (the one with required reviewers and no prod secrets)")
	}
	for _, s := range j.Steps {
		for k, v := range s.With {
			for _, secret := range prodSecrets {
				if strings.Contains(v, secret) {
					ps = append(ps, "step "+s.label(0)+" passes "+secret+" as "+k+": prod's secrets never reach a pull request")
				}
			}
		}
		for k, v := range s.Env {
			for _, secret := range prodSecrets {
				if strings.Contains(v, secret) {
					ps = append(ps, "step "+s.label(0)+" puts "+secret+" in "+k)
				}
			}
		}
	}
	return ps
}

func quoteOr(s string) string {
	if s == "" {
		return "(none)"
	}
	return `"` + s + `"`
}

// TestPullRequestsNeverHoldProdSecrets: every job a pull request runs that
// touches prod uses prod-preview and is given no prod secret; shown able to
// fail on the old matrix job that handed prod-preview's ADMIN_API_KEY over.
func TestPullRequestsNeverHoldProdSecrets(t *testing.T) {
	r := load(t)
	checked := 0
	for _, wf := range r.workflows {
		if !wf.triggers("pull_request") {
			continue
		}
		for _, id := range sortedKeys(wf.Jobs) {
			j := wf.Jobs[id]
			for _, p := range prodPreviewProblems(j) {
				t.Errorf("%s: job %s: %s", wf.path, id, p)
			}
			if environment(j.Environment) == "prod-preview" {
				checked++
			}
		}
	}
	if checked == 0 {
		t.Error("no pull-request job previews prod; the test would check nothing")
	}

	broken := &job{Steps: []step{{Name: "setup", With: map[string]string{"stack": "prod", "admin-api-key": "${{ secrets.ADMIN_API_KEY }}"}}}}
	broken.Environment.Kind, broken.Environment.Value = yaml.ScalarNode, "prod-preview"
	if ps := prodPreviewProblems(broken); len(ps) != 1 || !strings.Contains(ps[0], "secrets.ADMIN_API_KEY") {
		t.Errorf("the old shape must fail naming the secret, got %v", ps)
	}
	wrongEnv := &job{Steps: []step{{Name: "preview", With: map[string]string{"stack-name": "prod"}}}}
	wrongEnv.Environment.Kind, wrongEnv.Environment.Value = yaml.ScalarNode, "dev-preview"
	if ps := prodPreviewProblems(wrongEnv); len(ps) != 1 || !strings.Contains(ps[0], "not prod-preview") {
		t.Errorf("prod previewed outside prod-preview must fail, got %v", ps)
	}
}
