package gate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// digest is a small preview as the CLI prints it: a prod bucket and its
// policy, whose bucket input is unknown until the bucket exists.
func digest(protect bool) *Digest {
	const bucket = "urn:pulumi:prod::sgraph-send::aws:s3/bucketV2:BucketV2::b"
	const policy = "urn:pulumi:prod::sgraph-send::aws:s3/bucketPolicy:BucketPolicy::b"
	d, err := Parse([]byte(`{"config":{"sgraph-send:environment":"prod","sgraph-send:adminApiKey":"[secret]"},"steps":[
	 {"op":"create","urn":"` + bucket + `","newState":{"urn":"` + bucket + `","custom":true,"type":"aws:s3/bucketV2:BucketV2",
	   "inputs":{"bucket":"b"},"protect":` + map[bool]string{true: "true", false: "false"}[protect] + `,"retainOnDelete":` + map[bool]string{true: "true", false: "false"}[protect] + `}},
	 {"op":"create","urn":"` + policy + `","newState":{"urn":"` + policy + `","custom":true,"type":"aws:s3/bucketPolicy:BucketPolicy",
	   "inputs":{"bucket":"04da6b54-80e4-46f7-96ec-b56ff0331ba9"},"propertyDependencies":{"bucket":["` + bucket + `"]}}}]}`))
	if err != nil {
		panic(err)
	}
	return d
}

func TestRecordMapsThePreview(t *testing.T) {
	d := digest(true)
	d.StackOutputs = map[string]any{
		"adminKey":  map[string]any{secretSig: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "[secret]"},
		"leaked":    "[secret]",
		"bucketArn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"env":       "prod",
	}
	rec, unknown := d.Record("prod", nil, []string{"k3y"}, nil)
	require.Len(t, rec.Resources, 2)
	b, p := rec.Resources[1], rec.Resources[0]
	require.Equal(t, "aws:s3/bucketV2:BucketV2", b.Type)
	assert.True(t, b.Protect && b.RetainOnDelete)
	assert.Equal(t, b.ID, p.Str("bucket"), "an unknown input from one resource is linked to its id")
	assert.Equal(t, []string{"bucket"}, unknown[p.URN])
	assert.Equal(t, "prod", rec.Config["sgraph-send:environment"])
	assert.NotContains(t, rec.Config, "sgraph-send:adminApiKey", "masked secrets are no config values")
	assert.True(t, rec.Outputs["adminKey"].Secret)
	assert.False(t, rec.Outputs["leaked"].Secret, "a plain [secret] is a scrubbed plaintext secret")
	assert.False(t, rec.Outputs["bucketArn"].Known)
	assert.Contains(t, rec.SecretValues, "k3y")
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name    string
		protect bool
		leak    bool
		block   []string // rule: resource
	}{
		{"clean", true, false, nil},
		{"unprotected prod bucket", false, false, []string{
			"storage-safety: aws:s3/bucketV2:BucketV2::b", "destroy-keeps-prod-data: aws:s3/bucketV2:BucketV2::b"}},
		{"plaintext secret export", true, true, []string{"no-plaintext-secrets: output:leakedAdminKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := digest(tt.protect)
			d.StackOutputs = map[string]any{"environment": "prod", "stack": "prod"}
			if tt.leak {
				d.StackOutputs["leakedAdminKey"] = "[secret]"
			}
			v := Judge(d, "prod", nil, nil, nil)
			var got []string
			for _, f := range v.Blocking {
				if f.Rule == "storage-safety" || f.Rule == "destroy-keeps-prod-data" || f.Rule == "no-plaintext-secrets" {
					if tt.protect && f.Rule == "storage-safety" {
						continue // the toy bucket has no guard resources; not what this case is about
					}
					got = append(got, f.Rule+": "+f.Resource)
				}
			}
			assert.ElementsMatch(t, tt.block, got)
			if len(tt.block) > 0 {
				var blocked *Blocked
				require.ErrorAs(t, v.Err(), &blocked)
				for _, b := range tt.block {
					assert.Contains(t, v.Err().Error(), b)
				}
			}
		})
	}
}

func TestQualifiedStackName(t *testing.T) {
	d := digest(true)
	d.StackOutputs = map[string]any{"environment": "prod", "stack": "prod"}
	rec, _ := d.Record("acme/sgraph-send/prod", nil, nil, nil)
	assert.Equal(t, "prod", rec.Stack, "org/project/ is not part of the stack name the program and its tags see")
}
