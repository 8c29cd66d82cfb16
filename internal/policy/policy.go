// Package policy holds the rules every stack's graph must pass, as code over
// the graph the bench records. Tests run them for every stack; the offline plan
// prints them. Each area adds its rules in its own file and lists them in All.
package policy

import (
	"sort"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// Finding is one rule's verdict on one resource.
type Finding struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"` // "type::name", or "" for stack-wide verdicts
	Passed   bool   `json:"passed"`
	Message  string `json:"message"`
}

// Rule checks the recorded graph and returns a finding per resource it looked at.
type Rule struct {
	Name  string
	Check func(r *bench.Result) []Finding
}

// All is every rule, in the order they are reported.
func All() []Rule {
	return []Rule{
		Tagging,
		StorageSafety,
		NoPlaintextSecrets,
		DevDestroyable, DestroyKeepsProdData, LambdaPublicCapped,
		ImageByDigest, EcrRepositorySafety, ArtifactRegistrySafety, ProdOwnsItsImages,
		LambdaAdminURLIAM, LambdaPublicURLPermissions, LambdaLogRetention, LambdaLeastPrivilege, LambdaNoSecretEnv,
		SGInternetPorts, ContainerLogsRetention,
		CloudRunScaleToZeroInDev, CloudRunSecretsByReference, CloudRunLeastPrivilege,
		EC2Hardening,
		ProdHTTPS, AcmeRecordScope,
		DurableStorageInProd, GcsStorageSafety, LambdaJSONLogs,
	}
}

// Evaluate runs rules over r; with no rules given it runs All.
func Evaluate(r *bench.Result, rules ...Rule) []Finding {
	if len(rules) == 0 {
		rules = All()
	}
	var out []Finding
	for _, rule := range rules {
		fs := rule.Check(r)
		if len(fs) == 0 {
			fs = []Finding{{Passed: true, Message: "nothing to check in this stack"}}
		}
		for i := range fs {
			fs[i].Rule = rule.Name
		}
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Resource < fs[j].Resource })
		out = append(out, fs...)
	}
	return out
}

// Failed returns the findings that did not pass.
func Failed(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if !f.Passed {
			out = append(out, f)
		}
	}
	return out
}

func pass(res *bench.Resource, msg string) Finding {
	return Finding{Resource: res.String(), Passed: true, Message: msg}
}

func fail(res *bench.Resource, msg string) Finding {
	return Finding{Resource: res.String(), Passed: false, Message: msg}
}

func verdict(r *bench.Resource, problems []string, ok string) Finding {
	if len(problems) == 0 {
		return pass(r, ok)
	}
	return fail(r, joinProblems(problems))
}
