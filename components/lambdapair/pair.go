package lambdapair

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// PairType is the component type token of the pair.
const PairType = "sgraph-send:lambdapair:Pair"

// PairArgs configures the admin and the public function.
type PairArgs struct {
	// AdminName and PublicName are the physical function names.
	AdminName, PublicName string
	// AdminRuntime must run appspec.AdminAPI, PublicRuntime appspec.UserAPI.
	AdminRuntime, PublicRuntime appspec.Runtime
	// ImageRef is the shared container image in digest form.
	ImageRef pulumi.StringInput
	// BucketArn is the environment's storage bucket.
	BucketArn pulumi.StringInput
	// AdminSizing and PublicSizing size each function.
	AdminSizing, PublicSizing Sizing
	// AdminInvokers are the IAM ARNs allowed to call the admin URL.
	AdminInvokers    []string
	LogRetentionDays int
	// RetainLogs keeps both log groups through destroy (FunctionArgs.RetainLogs).
	RetainLogs bool
	Tags       pulumi.StringMap
	// AdminRollbackVersion and PublicRollbackVersion flip each live alias back
	// to an earlier published version (FunctionArgs.RollbackVersion).
	AdminRollbackVersion, PublicRollbackVersion string
}

// Pair is the admin API behind an AWS_IAM Function URL and the user API
// behind a public (NONE) one, both from the same image.
type Pair struct {
	pulumi.ResourceState

	AdminURL           pulumi.StringOutput `pulumi:"adminUrl"`
	PublicURL          pulumi.StringOutput `pulumi:"publicUrl"`
	AdminFunctionName  pulumi.StringOutput `pulumi:"adminFunctionName"`
	PublicFunctionName pulumi.StringOutput `pulumi:"publicFunctionName"`
	// AdminVersion and PublicVersion are the published versions each live
	// alias (and so each URL) serves.
	AdminVersion  pulumi.StringOutput `pulumi:"adminVersion"`
	PublicVersion pulumi.StringOutput `pulumi:"publicVersion"`
}

func (a *PairArgs) functions() (admin, public *FunctionArgs) {
	admin = &FunctionArgs{
		FunctionName: a.AdminName, ImageRef: a.ImageRef, Runtime: a.AdminRuntime, Sizing: a.AdminSizing,
		// The admin API manages tokens, keys and users: never public.
		URLAuth: AuthIAM, Invokers: a.AdminInvokers,
		BucketArn: a.BucketArn, LogRetentionDays: a.LogRetentionDays, RetainLogs: a.RetainLogs, Tags: a.Tags,
		RollbackVersion: a.AdminRollbackVersion,
	}
	public = &FunctionArgs{
		FunctionName: a.PublicName, ImageRef: a.ImageRef, Runtime: a.PublicRuntime, Sizing: a.PublicSizing,
		// Public by design: uploads are guarded by the app's static upload token.
		URLAuth:   AuthNone,
		BucketArn: a.BucketArn, LogRetentionDays: a.LogRetentionDays, RetainLogs: a.RetainLogs, Tags: a.Tags,
		RollbackVersion: a.PublicRollbackVersion,
	}
	return admin, public
}

// validate checks both functions before anything is registered.
func (a *PairArgs) validate() error {
	var errs []error
	if a.AdminRuntime.Mode != appspec.AdminAPI {
		errs = append(errs, fmt.Errorf("lambdapair: the admin function must run the admin API, got %q", a.AdminRuntime.Mode))
	}
	if a.PublicRuntime.Mode != appspec.UserAPI {
		errs = append(errs, fmt.Errorf("lambdapair: the public function must run the user API, got %q", a.PublicRuntime.Mode))
	}
	if a.AdminName == a.PublicName {
		errs = append(errs, fmt.Errorf("lambdapair: admin and public function names must differ (both %q)", a.AdminName))
	}
	admin, public := a.functions()
	errs = append(errs, admin.validate(), public.validate())
	return errors.Join(errs...)
}

// NewPair creates both functions under one component.
func NewPair(ctx *pulumi.Context, name string, args *PairArgs, opts ...pulumi.ResourceOption) (*Pair, error) {
	if args == nil {
		return nil, errors.New("lambdapair: PairArgs is required")
	}
	if err := args.validate(); err != nil {
		return nil, err
	}
	p := &Pair{}
	if err := ctx.RegisterComponentResource(PairType, name, p, opts...); err != nil {
		return nil, err
	}
	adminArgs, publicArgs := args.functions()
	admin, err := NewFunction(ctx, args.AdminName, adminArgs, pulumi.Parent(p))
	if err != nil {
		return nil, err
	}
	public, err := NewFunction(ctx, args.PublicName, publicArgs, pulumi.Parent(p))
	if err != nil {
		return nil, err
	}
	p.AdminURL, p.PublicURL = admin.URL, public.URL
	p.AdminFunctionName, p.PublicFunctionName = admin.Name, public.Name
	p.AdminVersion, p.PublicVersion = admin.LiveVersion, public.LiveVersion
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"adminUrl": p.AdminURL, "publicUrl": p.PublicURL,
		"adminFunctionName": p.AdminFunctionName, "publicFunctionName": p.PublicFunctionName,
		"adminVersion": p.AdminVersion, "publicVersion": p.PublicVersion,
	}); err != nil {
		return nil, err
	}
	return p, nil
}
