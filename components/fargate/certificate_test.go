package fargate

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// certMocks answers every resource with its inputs; the ACM certificate gets
// the validation options given (none, to reproduce an empty list).
type certMocks struct{ options []any }

func (m certMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	out := args.Inputs.Copy()
	if args.TypeToken == "aws:acm/certificate:Certificate" {
		out["arn"] = resource.NewStringProperty("arn:aws:acm:eu-west-2:123456789012:certificate/x")
		out["domainValidationOptions"] = resource.NewPropertyValue(m.options)
	}
	if args.TypeToken == "aws:route53/record:Record" {
		out["fqdn"] = resource.NewStringProperty("_x.send.example.com")
	}
	return args.Name + "-id", out, nil
}

func (certMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// TestEmptyValidationOptionsIsAnError: the issued certificate's validation
// list may be empty; the program fails naming the domain, and never panics.
func TestEmptyValidationOptionsIsAnError(t *testing.T) {
	option := map[string]any{
		"domainName": "send.example.com", "resourceRecordName": "_x.send.example.com.",
		"resourceRecordType": "CNAME", "resourceRecordValue": "_y.acm-validations.aws.",
	}
	for name, tc := range map[string]struct {
		options []any
		wantErr bool
	}{
		"empty list":    {nil, true},
		"one option":    {[]any{option}, false},
		"two, first ok": {[]any{option, option}, false},
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() {
				err = pulumi.RunErr(func(ctx *pulumi.Context) error {
					a := validArgs()
					a.DomainName, a.HostedZoneID = "send.example.com", "Z0123456789ABCDEFGHIJ"
					_, err := listenerCertificate(ctx, "c", &a, pulumi.Parent(nil))
					return err
				}, pulumi.WithMocks("p", "dev", certMocks{tc.options}))
			})
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "no DNS validation record")
			assert.Contains(t, err.Error(), "send.example.com")
		})
	}
}
