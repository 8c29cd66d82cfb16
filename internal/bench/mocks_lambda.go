package bench

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Lambda functions, Function URLs, permissions and the inline role policies
// of their execution roles.
func init() {
	mockResource("aws:lambda/function:Function", func(e env, name string, in, st resource.PropertyMap) string {
		fn := name + "-" + shortHash(name)[:7]
		if n, ok := in["name"]; ok && n.IsString() && n.StringValue() != "" {
			fn = n.StringValue()
		}
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", e.Region, AwsAccount, fn)
		st["name"] = resource.NewProperty(fn)
		st["arn"] = resource.NewProperty(arn)
		st["invokeArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", e.Region, arn))
		version := publishedVersion(in)
		st["version"] = resource.NewProperty(version)
		st["qualifiedArn"] = resource.NewProperty(arn + ":" + version)
		st["qualifiedInvokeArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s:%s/invocations", e.Region, arn, version))
		st["lastModified"] = resource.NewProperty("2025-01-01T00:00:00.000+0000")
		return fn
	})
	mockResource("aws:lambda/functionUrl:FunctionUrl", func(e env, name string, in, st resource.PropertyMap) string {
		fn := name
		if n, ok := in["functionName"]; ok && n.IsString() {
			fn = n.StringValue()
		}
		// A URL belongs to the function and qualifier; the alias it serves may
		// change its version without changing the URL.
		// Real URL ids are 32 lowercase letters and digits.
		urlID := Digest("url:" + fn)[len("sha256:"):][:32]
		st["urlId"] = resource.NewProperty(urlID)
		st["functionUrl"] = resource.NewProperty(fmt.Sprintf("https://%s.lambda-url.%s.on.aws/", urlID, e.Region))
		st["functionArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", e.Region, AwsAccount, fn))
		return fn
	})
	mockResource("aws:lambda/permission:Permission", func(e env, name string, in, st resource.PropertyMap) string {
		sid := name
		if s, ok := in["statementId"]; ok && s.IsString() && s.StringValue() != "" {
			sid = s.StringValue()
		}
		st["statementId"] = resource.NewProperty(sid)
		return sid
	})
	mockResource("aws:iam/rolePolicy:RolePolicy", func(e env, name string, in, st resource.PropertyMap) string {
		role := ""
		if r, ok := in["role"]; ok && r.IsString() {
			role = r.StringValue()
		}
		policy := name + "-" + shortHash(name)[:7]
		st["name"] = resource.NewProperty(policy)
		return role + ":" + policy // the provider's id is role:policy
	})
}
