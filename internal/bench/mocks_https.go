package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// HTTPS on our own names: ACM certificates and their validation, Route 53
// records, and the EC2 instance's Elastic IP.
func init() {
	mockResource("aws:acm/certificate:Certificate", func(e env, name string, in, st resource.PropertyMap) string {
		h := shortHash("acm" + name)
		arn := fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s-%s-4%s-8%s-%s%s", e.Region, AwsAccount,
			h, h[:4], h[:3], h[4:7], h, h[:4])
		domain := fgStr(in, "domainName", name)
		st["arn"] = resource.NewProperty(arn)
		st["status"] = resource.NewProperty("ISSUED")
		// ACM's DNS validation: one CNAME per name, under the name itself.
		st["domainValidationOptions"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewProperty(resource.NewPropertyMapFromMap(map[string]any{
				"domainName":          domain,
				"resourceRecordName":  "_" + shortHash("cname"+domain) + "." + domain + ".",
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": "_" + shortHash("value"+domain) + ".mhbtsbpdnt.acm-validations.aws.",
			})),
		})
		return arn
	})
	mockResource("aws:acm/certificateValidation:CertificateValidation", func(e env, name string, in, st resource.PropertyMap) string {
		return fgStr(in, "certificateArn", name)
	})
	mockResource("aws:route53/record:Record", func(e env, name string, in, st resource.PropertyMap) string {
		fqdn := strings.TrimSuffix(fgStr(in, "name", name), ".")
		st["fqdn"] = resource.NewProperty(fqdn)
		return fgStr(in, "zoneId", "Z0") + "_" + fqdn + "_" + fgStr(in, "type", "A")
	})
	mockResource("aws:ec2/eip:Eip", func(e env, name string, in, st resource.PropertyMap) string {
		id := "eipalloc-0" + shortHash("eip"+name) + shortHash(name)[:8]
		st["allocationId"] = resource.NewProperty(id)
		st["publicIp"] = resource.NewProperty("203.0.113.10")
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:ec2:%s:%s:elastic-ip/%s", e.Region, AwsAccount, id))
		return id
	})
}
