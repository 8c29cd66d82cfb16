package bench

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// publishedVersion models Lambda's version numbers for a function with publish:
// true: each distinct published code (the image digest) gets its own number; $LATEST
// without publish. Real numbers count up per publish; a stateless mock cannot
// count, so the number is derived from the image (distinct images, distinct
// versions; the same image republished keeps its number, as an update that changes
// no code publishes nothing new).
func publishedVersion(in resource.PropertyMap) string {
	if p, ok := in["publish"]; !ok || !p.IsBool() || !p.BoolValue() {
		return "$LATEST"
	}
	sum := Digest("version:" + strIn(in, "imageUri"))
	raw := []byte(sum[len("sha256:"):][:8])
	n := binary.BigEndian.Uint64(raw) % 100000
	return strconv.FormatUint(n+1, 10)
}

func init() {
	mockResource("aws:lambda/alias:Alias", func(e env, name string, in, st resource.PropertyMap) string {
		fn, alias := strIn(in, "functionName"), strIn(in, "name")
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s:%s", e.Region, AwsAccount, fn, alias)
		st["arn"] = resource.NewProperty(arn)
		st["invokeArn"] = resource.NewProperty(fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", e.Region, arn))
		return arn
	})
}
