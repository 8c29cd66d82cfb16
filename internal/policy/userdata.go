package policy

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
)

// InstanceUserData is an instance's boot script as cloud-init sees it: the
// gzipped userDataBase64 decoded (components/ec2/gzip.go), or plain userData.
// Undecodable data reads as "", which every rule judges as missing settings.
func InstanceUserData(res *bench.Resource) string {
	if b := res.Str("userDataBase64"); b != "" {
		s, err := ec2.DecodeUserData(b)
		if err != nil {
			return ""
		}
		return s
	}
	return res.Str("userData")
}

// SetInstanceUserData replaces the instance's boot script, encoded as the
// component encodes it (for broken variants in tests).
func SetInstanceUserData(res *bench.Resource, script string) error {
	b, _, err := ec2.EncodeUserData(script)
	if err != nil {
		return err
	}
	res.Inputs["userDataBase64"] = resource.NewProperty(b)
	return nil
}

// AppEnv is the plain app environment res carries (Lambda, ECS task
// definition, EC2 user data, Cloud Run); ok is false for other types.
func AppEnv(res *bench.Resource) (env map[string]string, ok bool) {
	f, ok := appEnvOf[res.Type]
	if !ok {
		return nil, false
	}
	return f(res), true
}
