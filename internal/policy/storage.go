package policy

import (
	"fmt"
	"strings"

	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

const (
	bucketType     = "aws:s3/bucketV2:BucketV2"
	pabType        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	sseType        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	versioningType = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	policyType     = "aws:s3/bucketPolicy:BucketPolicy"
)

// StorageSafety: every bucket is private, encrypted and TLS-only; prod buckets
// survive destroy and keep versions; dev buckets never block a destroy.
var StorageSafety = Rule{Name: "storage-safety", Check: checkStorage}

func checkStorage(r *bench.Result) []Finding {
	prod := r.Config["sgraph-send:environment"] == "prod"
	var out []Finding
	for _, b := range r.OfType(bucketType) {
		attached := func(token string) []*bench.Resource {
			var rs []*bench.Resource
			for _, c := range r.OfType(token) {
				if c.Str("bucket") == b.ID {
					rs = append(rs, c)
				}
			}
			return rs
		}
		var problems []string
		if !allPublicAccessBlocked(attached(pabType)) {
			problems = append(problems, "no public access block with all four settings true")
		}
		if len(attached(sseType)) == 0 {
			problems = append(problems, "no server-side encryption configuration")
		}
		if !anyTLSOnly(attached(policyType)) {
			problems = append(problems, "no bucket policy denying aws:SecureTransport=false")
		}
		versioned := false
		for _, v := range attached(versioningType) {
			versioned = versioned || v.Str("versioningConfiguration.status") == "Enabled"
		}
		force, _ := b.Plain("forceDestroy").(bool)
		if prod {
			if !b.Protect || !b.RetainOnDelete {
				problems = append(problems, fmt.Sprintf("prod bucket must be protect and retainOnDelete (protect=%v retainOnDelete=%v)", b.Protect, b.RetainOnDelete))
			}
			if !versioned {
				problems = append(problems, "prod bucket must have versioning enabled")
			}
			if force {
				problems = append(problems, "prod bucket must not set forceDestroy")
			}
		} else {
			if !force {
				problems = append(problems, "dev bucket must set forceDestroy so `pulumi destroy` finishes")
			}
			if b.Protect {
				problems = append(problems, "dev bucket must not be protected")
			}
		}
		out = append(out, verdict(b, problems, "private, encrypted, TLS-only, lifecycle fits the environment"))
	}
	return out
}

func allPublicAccessBlocked(pabs []*bench.Resource) bool {
	for _, p := range pabs {
		ok := true
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if v, _ := p.Plain(k).(bool); !v {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func anyTLSOnly(policies []*bench.Resource) bool {
	for _, p := range policies {
		doc := p.Str("policy")
		if strings.Contains(doc, `"aws:SecureTransport":"false"`) && strings.Contains(doc, `"Effect":"Deny"`) {
			return true
		}
	}
	return false
}
