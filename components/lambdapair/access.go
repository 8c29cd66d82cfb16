package lambdapair

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Lambda actions a Function URL call is authorised against. Since October
// 2025 a Function URL call needs both on the function's resource policy (or,
// for same-account AWS_IAM callers, in their identity policy).
const (
	actionInvokeURL = "lambda:InvokeFunctionUrl"
	actionInvoke    = "lambda:InvokeFunction"
)

// functionURL creates the Function URL.
//
// No Cors block on purpose: the app already answers preflights and sets the
// CORS headers itself (echoing the origin, Vary: Origin, max-age); a Function
// URL CORS configuration would add a second, conflicting set. CORS lives in
// exactly one place, the app.
//
// The URL serves the live alias (Qualifier), never $LATEST: the alias names a
// published version, so a rollback is one pointer change.
func functionURL(ctx *pulumi.Context, name string, fn *lambda.Function, alias *lambda.Alias, auth string,
	opts ...pulumi.ResourceOption) (*lambda.FunctionUrl, error) {
	return lambda.NewFunctionUrl(ctx, name, &lambda.FunctionUrlArgs{
		FunctionName:      fn.Name,
		Qualifier:         alias.Name,
		AuthorizationType: pulumi.String(auth),
		// Buffered: the app answers with whole bodies (the adapter runs in
		// buffered mode too); downloads over the 6 MB payload limit get the
		// app's own 413.
		InvokeMode: pulumi.String("BUFFERED"),
	}, opts...)
}

// urlPermissions grants callers the right to call the Function URL.
//
// NONE: anyone may call; AWS requires two statements for principal "*":
// lambda:InvokeFunctionUrl with lambda:FunctionUrlAuthType = NONE, and
// lambda:InvokeFunction. AWS can limit the second to calls made through the
// Function URL (the lambda:InvokedViaFunctionUrl condition, set by the API's
// InvokedViaFunctionUrl parameter), but pulumi-aws v6.83.4's
// lambda.PermissionArgs has no field for it (pulumi/pulumi-aws#5930), and no
// other field narrows it without breaking anonymous URL calls (SourceAccount
// and SourceArn add conditions anonymous callers never satisfy). Both
// statements carry the live alias as Qualifier: the URL invokes the alias,
// and the grant is scoped to it, not to the whole function. So the second statement is the
// unconditioned form: any signed-in AWS principal of any account may also call
// the Invoke API on the public function directly. That reaches exactly the
// code the public URL already exposes to everyone, bounded by the function's
// reserved concurrency; switch to InvokedViaFunctionUrl when the provider has it.
//
// AWS_IAM: only the listed principals get both actions (the URL action scoped
// to AWS_IAM). With none listed, the resource policy grants nothing and the
// account's own IAM policies decide (same-account identity policies suffice).
// Never a public statement on an AWS_IAM URL.
func urlPermissions(ctx *pulumi.Context, name string, fn *lambda.Function, alias *lambda.Alias, auth string, invokers []string,
	opts ...pulumi.ResourceOption) ([]*lambda.Permission, error) {
	type grant struct{ suffix, principal string }
	var grants []grant
	if auth == AuthNone {
		grants = append(grants, grant{"public", "*"})
	} else {
		for _, arn := range invokers {
			// Named by the ARN's hash, not its position, so reordering the
			// list replaces nothing.
			grants = append(grants, grant{"invoker-" + shortHash(arn), arn})
		}
	}
	var out []*lambda.Permission
	for _, g := range grants {
		url, err := lambda.NewPermission(ctx, name+"-"+g.suffix+"-url", &lambda.PermissionArgs{
			Function:            fn.Name,
			Qualifier:           alias.Name,
			Action:              pulumi.String(actionInvokeURL),
			Principal:           pulumi.String(g.principal),
			FunctionUrlAuthType: pulumi.String(auth),
		}, opts...)
		if err != nil {
			return nil, err
		}
		invoke, err := lambda.NewPermission(ctx, name+"-"+g.suffix+"-invoke", &lambda.PermissionArgs{
			Function:  fn.Name,
			Qualifier: alias.Name,
			Action:    pulumi.String(actionInvoke),
			Principal: pulumi.String(g.principal),
		}, opts...)
		if err != nil {
			return nil, err
		}
		out = append(out, url, invoke)
	}
	return out, nil
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}
