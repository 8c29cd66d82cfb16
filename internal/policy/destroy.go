package policy

import (
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// DevDestroyable: operators run `pulumi destroy` on dev for cost control, so
// nothing in a dev stack may stop it: no protected resource, and containers of
// data (buckets, registries) set to delete their contents.
var DevDestroyable = Rule{Name: "dev-destroyable", Check: checkDevDestroyable}

// contentFlags names, per type, the input that lets a destroy delete contents.
var contentFlags = map[string]string{
	"aws:s3/bucketV2:BucketV2":      "forceDestroy",
	"aws:ecr/repository:Repository": "forceDelete",
}

func checkDevDestroyable(r *bench.Result) []Finding {
	if r.Config["sgraph-send:environment"] == "prod" {
		return []Finding{{Passed: true, Message: "prod: data is protected on purpose (see storage-safety)"}}
	}
	var out []Finding
	for _, res := range r.Resources {
		var problems []string
		if res.Protect {
			problems = append(problems, "protected: `pulumi destroy` would stop here")
		}
		if flag, ok := contentFlags[res.Type]; ok {
			if v, _ := res.Plain(flag).(bool); !v {
				problems = append(problems, flag+" is not true: destroy fails while it holds contents")
			}
		} else if !res.Protect {
			continue
		}
		out = append(out, verdict(res, problems, "destroy removes it with its contents"))
	}
	return out
}
