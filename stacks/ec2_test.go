package stacks_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sgraph-ai/sgraph-send-infra/components/ec2"
	"github.com/sgraph-ai/sgraph-send-infra/internal/bench"
	"github.com/sgraph-ai/sgraph-send-infra/internal/policy"
	"github.com/sgraph-ai/sgraph-send-infra/outputs"
	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

const (
	ec2Comp         = "sgraph-send:ec2:Server"
	ec2BakeComp     = "sgraph-send:ec2:AmiBake"
	ec2InstanceType = "aws:ec2/instance:Instance"
	ec2SGType       = "aws:ec2/securityGroup:SecurityGroup"
	ec2ProfileType  = "aws:iam/instanceProfile:InstanceProfile"
	ec2AttachType   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	ec2PolicyType   = "aws:iam/rolePolicy:RolePolicy"
	ec2ParamType    = "aws:ssm/parameter:Parameter"
	ibComponentType = "aws:imagebuilder/component:Component"
	ibRecipeType    = "aws:imagebuilder/imageRecipe:ImageRecipe"
	ibInfraType     = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"
	ibImageType     = "aws:imagebuilder/image:Image"
)

// ec2On switches the ec2 target on, alone, with extra overrides.
func ec2On(stack string, extra map[string]string) bench.Options {
	set := map[string]string{"targets": `["ec2"]`}
	for k, v := range extra {
		set[k] = v
	}
	return bench.Options{Stack: stack, Set: set}
}

// ec2Instance returns the one instance, which must sit in the Server component.
func ec2Instance(t *testing.T, r *bench.Result) *bench.Resource {
	t.Helper()
	rs := r.OfType(ec2InstanceType)
	require.Len(t, rs, 1, "one instance")
	require.Equal(t, ec2Comp, rs[0].ParentType())
	return rs[0]
}

// ec2UserData is the instance's boot script as cloud-init runs it: the
// gzipped userDataBase64 decoded (components/ec2/gzip.go).
func ec2UserData(t *testing.T, r *bench.Result) string {
	t.Helper()
	inst := ec2Instance(t, r)
	require.Empty(t, inst.Str("userData"), "user data goes gzipped in userDataBase64")
	ud, err := ec2.DecodeUserData(inst.Str("userDataBase64"))
	require.NoError(t, err)
	return ud
}

// ec2OutputStr reads a string stack output.
func ec2OutputStr(t *testing.T, r *bench.Result, key string) string {
	t.Helper()
	v, ok := r.Output(key)
	require.True(t, ok, "output %s exported", key)
	s, _ := v.Value.(string)
	return s
}

func TestEC2Instance(t *testing.T) {
	for _, tc := range []struct {
		stack, instanceType string
		spot                bool
		volumeGb            float64
	}{
		{"dev", "t3.small", true, 16},
		{"prod", "t3.medium", false, 20},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(tc.stack, nil))
			inst := ec2Instance(t, r)
			assert.Equal(t, tc.instanceType, inst.Str("instanceType"))
			assert.Equal(t, bench.AL2023Ami, inst.Str("ami"), "AMI from the public AL2023 SSM parameter")
			assert.Equal(t, true, inst.Plain("associatePublicIpAddress"))
			assert.Equal(t, bench.DefaultSubnetIDs[0], inst.Str("subnetId"), "a default subnet of the default VPC")

			// IMDSv2 only.
			assert.Equal(t, "required", inst.Str("metadataOptions.httpTokens"))
			assert.Equal(t, 1.0, inst.Plain("metadataOptions.httpPutResponseHopLimit"))
			// Encrypted gp3 root volume.
			assert.Equal(t, true, inst.Plain("rootBlockDevice.encrypted"))
			assert.Equal(t, "gp3", inst.Str("rootBlockDevice.volumeType"))
			assert.Equal(t, tc.volumeGb, inst.Plain("rootBlockDevice.volumeSize"))
			// No SSH key: Session Manager only.
			assert.Empty(t, inst.Str("keyName"))
			// A new version (new user data) replaces the instance.
			assert.Equal(t, true, inst.Plain("userDataReplaceOnChange"))

			// Spot in dev only: one-time, terminate on interruption.
			if tc.spot {
				assert.Equal(t, "spot", inst.Str("instanceMarketOptions.marketType"))
				assert.Equal(t, "one-time", inst.Str("instanceMarketOptions.spotOptions.spotInstanceType"))
				assert.Equal(t, "terminate", inst.Str("instanceMarketOptions.spotOptions.instanceInterruptionBehavior"))
			} else {
				assert.Nil(t, inst.Plain("instanceMarketOptions"), "prod runs on-demand")
			}

			// Outputs the smoke harness reads.
			// Prod's stack file names the instance under its (placeholder) domain,
			// with a Let's Encrypt production certificate; dev has no domain.
			wantURL, wantSelfSigned := "https://"+bench.InstancePublicDNS("eu-west-2"), true
			if !tc.spot {
				wantURL, wantSelfSigned = "https://ec2."+stacks.OfflineDomain, false
			}
			assert.Equal(t, wantURL, ec2OutputStr(t, r, outputs.EC2URL))
			assert.Equal(t, bench.InstanceID, ec2OutputStr(t, r, outputs.EC2InstanceID))
			assert.Equal(t, bench.AL2023Ami, ec2OutputStr(t, r, outputs.EC2AmiID))
			self, ok := r.Output(outputs.EC2TLSSelfSigned)
			require.True(t, ok)
			assert.Equal(t, wantSelfSigned, self.Value, "self-signed only without a domain or certificate")
			_, baked := r.Output(outputs.EC2BakedAmiID)
			assert.False(t, baked, "no bake, no baked AMI output")
		})
	}
}

func TestEC2SecurityGroupOnlyHTTPS(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(stack, nil))
			inst := ec2Instance(t, r)
			var sg *bench.Resource
			for _, res := range r.OfType(ec2SGType) {
				if res.ParentType() == ec2Comp {
					sg = res
				}
			}
			require.NotNil(t, sg, "the server's security group")
			assert.Equal(t, []any{sg.ID}, inst.Plain("vpcSecurityGroupIds"))
			assert.Equal(t, bench.DefaultVpcID, sg.Str("vpcId"))

			ingress, _ := sg.Plain("ingress").([]any)
			require.Len(t, ingress, 1, "exactly one ingress rule")
			rule := ingress[0].(map[string]any)
			assert.Equal(t, "tcp", rule["protocol"])
			assert.Equal(t, 443.0, rule["fromPort"])
			assert.Equal(t, 443.0, rule["toPort"])
			assert.Equal(t, []any{"0.0.0.0/0"}, rule["cidrBlocks"])
			assert.Equal(t, []any{"::/0"}, rule["ipv6CidrBlocks"])
			for _, raw := range ingress {
				r := raw.(map[string]any)
				assert.False(t, r["fromPort"].(float64) <= 22 && 22 <= r["toPort"].(float64), "no SSH ingress")
			}
			egress, _ := sg.Plain("egress").([]any)
			require.Len(t, egress, 1)
			assert.Equal(t, "-1", egress[0].(map[string]any)["protocol"], "all outbound")
			// No separate rule resources sneak in another port.
			for _, token := range []string{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"} {
				assert.Empty(t, r.OfType(token))
			}
		})
	}
}

func TestEC2InstanceProfileScoped(t *testing.T) {
	r := bench.MustRun(t, ec2On("dev", nil))
	inst := ec2Instance(t, r)
	var profile *bench.Resource
	for _, p := range r.OfType(ec2ProfileType) {
		if p.ParentType() == ec2Comp {
			profile = p
		}
	}
	require.NotNil(t, profile)
	assert.Equal(t, profile.State["name"].StringValue(), inst.Str("iamInstanceProfile"))

	var managed []string
	for _, a := range r.OfType(ec2AttachType) {
		if a.ParentType() == ec2Comp {
			managed = append(managed, a.Str("policyArn"))
		}
	}
	assert.Empty(t, managed, "no managed policy: AmazonSSMManagedInstanceCore reads every parameter")

	var doc struct {
		Statement []struct {
			Effect   string
			Action   any
			Resource any
		}
	}
	var policies []*bench.Resource
	for _, p := range r.OfType(ec2PolicyType) {
		if p.ParentType() == ec2Comp && !strings.HasSuffix(p.Name, "-logs") { // -logs: log shipping (ec2_logs_test.go)
			policies = append(policies, p)
		}
	}
	require.Len(t, policies, 1)
	require.NoError(t, json.Unmarshal([]byte(policies[0].Str("policy")), &doc))
	bucketArn := ec2OutputStr(t, r, outputs.BucketArn)
	param := r.Find(ec2ParamType, "sgraph-send-dev-ec2-SGRAPH_SEND__ACCESS_TOKEN")
	require.NotNil(t, param)
	allowed := map[string]bool{bucketArn: true, bucketArn + "/*": true, param.State["arn"].StringValue(): true}
	// Session Manager's actions act on the calling instance and take no resource.
	sessionManager := map[string]bool{"ssm:UpdateInstanceInformation": true}
	for _, st := range doc.Statement {
		assert.Equal(t, "Allow", st.Effect)
		onlySession := true
		for _, a := range flatten(st.Action) {
			assert.NotContains(t, a, "*", "no wildcard actions")
			assert.NotEqual(t, "s3:CreateBucket", a)
			onlySession = onlySession && (sessionManager[a] || strings.HasPrefix(a, "ssmmessages:") || strings.HasPrefix(a, "ec2messages:"))
		}
		for _, res := range flatten(st.Resource) {
			if res == "*" && onlySession {
				continue
			}
			assert.True(t, allowed[res], "resource %s is the bucket, its objects or the instance's own parameter", res)
		}
	}
}

func flatten(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

func TestEC2UserData(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(stack, nil))
			ud := ec2UserData(t, r)
			version := r.Config["sgraph-send:appVersion"]
			require.NotEmpty(t, version)
			bucket := ec2OutputStr(t, r, outputs.BucketName)
			for _, want := range []string{
				"#!/bin/bash\n",
				"SGRAPH_SEND_VERSION='" + version + "'",
				`"sgraph-ai-app-send==$VERSION"`,
				"SGRAPH_SEND_MODE='run'",
				"SGRAPH_SEND_REGION='eu-west-2'",
				"SGRAPH_SEND_HEALTH_PATH='/info/health'",
				"SGRAPH_SEND_PORT='8080'",
				"SEND__STORAGE_MODE=s3",
				"SEND__S3_BUCKET=" + bucket,
				"SGRAPH_SEND__ACCESS_TOKEN=/sgraph-send/" + stack + "/ec2/SGRAPH_SEND__ACCESS_TOKEN",
				"dnf install -y",
				"python3.12 python3.12-pip",
				"python3.12 -m venv",
				// The systemd unit.
				"[Service]",
				"User=$APP_USER",
				"Restart=on-failure",
				"EnvironmentFile=$SECRETS_FILE",
				"ExecStart=$VENV/bin/uvicorn sgraph_logging:create_app --factory --app-dir $APP_DIR --host 127.0.0.1 --port $PORT",
				"--log-config $APP_DIR/log_config.json",
				"readonly FACTORY=sgraph_entry:create_container_app",
				"WantedBy=multi-user.target",
				"listen 443 ssl;",
			} {
				assert.Contains(t, ud, want)
			}
			for name, secret := range bench.TestSecrets {
				assert.NotContains(t, ud, secret, "secret %s must not be in user data", name)
			}
			assert.False(t, ec2Instance(t, r).IsSecret("userDataBase64"), "user data holds no secret, so it need not be one")
		})
	}
}

// TestEC2UserDataScript runs the rendered user data through bash: it parses,
// and its "unit" mode prints the systemd unit the instance would install.
func TestEC2UserDataScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed: cannot check the rendered user data")
	}
	r := bench.MustRun(t, ec2On("dev", nil))
	path := filepath.Join(t.TempDir(), "user-data.sh")
	require.NoError(t, os.WriteFile(path, []byte(ec2UserData(t, r)), 0o600))

	out, err := exec.Command(bash, "-n", path).CombinedOutput()
	require.NoError(t, err, "bash -n: %s", out)

	unit, err := exec.Command(bash, path, "unit").Output()
	require.NoError(t, err)
	bucket := ec2OutputStr(t, r, outputs.BucketName)
	for _, want := range []string{
		"User=sgraph-send",
		`Environment="SEND__STORAGE_MODE=s3"`,
		`Environment="SEND__S3_BUCKET=` + bucket + `"`,
		`Environment="AWS_DEFAULT_REGION=eu-west-2"`,
		"ExecStartPre=+/usr/local/sbin/sgraph-send-setup secrets",
		"EnvironmentFile=/etc/sgraph-send/secrets.env",
		`Environment="SGRAPH_SEND_FACTORY=sgraph_entry:create_container_app"`,
		"ExecStart=/opt/sgraph-send/venv/bin/uvicorn sgraph_logging:create_app --factory --app-dir /opt/sgraph-send/app --host 127.0.0.1 --port 8080",
		"--log-config /opt/sgraph-send/app/log_config.json",
		"Restart=on-failure",
	} {
		assert.Contains(t, string(unit), want)
	}
}

func TestEC2SecretsThroughSSM(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(stack, nil))
			var params []*bench.Resource
			for _, p := range r.OfType(ec2ParamType) {
				if p.ParentType() == ec2Comp {
					params = append(params, p)
				}
			}
			require.Len(t, params, 1, "the upload token only (the container app has no admin key)")
			p := params[0]
			assert.Equal(t, "/sgraph-send/"+stack+"/ec2/SGRAPH_SEND__ACCESS_TOKEN", p.Str("name"))
			assert.Equal(t, "SecureString", p.Str("type"))
			assert.True(t, p.IsSecret("value"), "the value stays a Pulumi secret")
			assert.Equal(t, bench.TestSecrets["uploadToken"], p.Str("value"))
		})
	}
}

func TestEC2TLSCertificateFromSSM(t *testing.T) {
	r := bench.MustRun(t, ec2On("prod", map[string]string{"ec2TlsCertificateParameter": "/sgraph-send/prod/tls"}))
	self, _ := r.Output(outputs.EC2TLSSelfSigned)
	assert.Equal(t, false, self.Value, "a configured certificate: the harness verifies the chain")
	assert.Contains(t, ec2UserData(t, r), "SGRAPH_SEND_TLS_PARAMETER='/sgraph-send/prod/tls'")
	var policy string
	for _, p := range r.OfType(ec2PolicyType) {
		if p.ParentType() == ec2Comp && !strings.HasSuffix(p.Name, "-logs") {
			policy = p.Str("policy")
		}
	}
	assert.Contains(t, policy, "arn:aws:ssm:eu-west-2:"+bench.AwsAccount+":parameter/sgraph-send/prod/tls/*")
}

func TestEC2PinnedAmi(t *testing.T) {
	r := bench.MustRun(t, ec2On("prod", map[string]string{"ec2AmiId": "ami-0123456789abcdef0"}))
	assert.Equal(t, "ami-0123456789abcdef0", ec2Instance(t, r).Str("ami"))
	assert.Equal(t, "ami-0123456789abcdef0", ec2OutputStr(t, r, outputs.EC2AmiID))
}

func TestEC2BakeOnlyWhereSwitchedOn(t *testing.T) {
	bakeTypes := []string{ibComponentType, ibRecipeType, ibInfraType, ibImageType}
	for _, stack := range bench.Stacks {
		t.Run(stack+"/off", func(t *testing.T) {
			r := bench.MustRun(t, ec2On(stack, nil))
			for _, token := range bakeTypes {
				assert.Empty(t, r.OfType(token), "no %s without ec2BakeAmi", token)
			}
		})
		t.Run(stack+"/on", func(t *testing.T) {
			r := bench.MustRun(t, ec2On(stack, map[string]string{"ec2BakeAmi": "true"}))
			for _, token := range bakeTypes {
				rs := r.OfType(token)
				require.Len(t, rs, 1, token)
				assert.Equal(t, ec2BakeComp, rs[0].ParentType())
			}
			assert.Equal(t, bench.BakedAmi, ec2OutputStr(t, r, outputs.EC2BakedAmiID))
			// The instance still boots the stock AMI until the operator feeds the bake back.
			assert.Equal(t, bench.AL2023Ami, ec2Instance(t, r).Str("ami"))

			recipe := r.OfType(ibRecipeType)[0]
			assert.Equal(t, bench.AL2023Ami, recipe.Str("parentImage"))
			assert.Equal(t, r.Config["sgraph-send:appVersion"], recipe.Str("version"))
			assert.Equal(t, "true", recipe.Str("blockDeviceMappings[0].ebs.encrypted"))
			infra := r.OfType(ibInfraType)[0]
			assert.Equal(t, "required", infra.Str("instanceMetadataOptions.httpTokens"))
			var managed []string
			for _, a := range r.OfType(ec2AttachType) {
				if a.ParentType() == ec2BakeComp {
					managed = append(managed, a.Str("policyArn"))
				}
			}
			assert.ElementsMatch(t, []string{
				"arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
				"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
			}, managed)

			// The component runs the same install script, in bake mode.
			data := r.OfType(ibComponentType)[0].Str("data")
			data += decodeBakeScript(t, data)
			for _, want := range []string{"action: ExecuteBash", "- name: build", "- name: test",
				"SGRAPH_SEND_MODE='bake'", "SGRAPH_SEND_VERSION='" + r.Config["sgraph-send:appVersion"] + "'",
				`"sgraph-ai-app-send==$VERSION"`, "bash /tmp/sgraph-send-install.sh bake"} {
				assert.Contains(t, data, want)
			}
			for _, secret := range bench.TestSecrets {
				assert.NotContains(t, data, secret)
			}

			// Off the critical path: nothing outside the bake depends on any of it.
			bake := r.OfType(ec2BakeComp)
			require.Len(t, bake, 1)
			inBake := map[string]bool{bake[0].URN: true}
			for _, d := range r.Descendants(bake[0]) {
				inBake[d.URN] = true
			}
			for _, res := range r.Resources {
				if inBake[res.URN] {
					continue
				}
				for _, d := range r.Descendants(bake[0]) {
					assert.False(t, r.DependsOn(res, d), "%s must not depend on %s", res, d)
				}
			}
		})
	}
}

func TestEC2BakeIndependentOfOtherTargets(t *testing.T) {
	r := bench.MustRun(t, bench.Options{Stack: "dev", Set: map[string]string{
		"targets": `["lambda", "fargate", "ec2"]`, "prebuiltImage": bench.PrebuiltImage, "ec2BakeAmi": "true",
	}})
	images := r.OfType(ibImageType)
	require.Len(t, images, 1)
	inst := ec2Instance(t, r)
	for _, res := range r.Resources {
		if res.ParentType() == ec2BakeComp || res.Type == ec2BakeComp {
			continue
		}
		assert.False(t, r.DependsOn(res, images[0]), "%s must not wait for the image build", res)
		if r.Ancestor(res, ec2Comp) == nil && res.Type != ec2Comp {
			assert.False(t, r.DependsOn(res, inst), "%s (another target) must not depend on the instance", res)
		}
	}
}

func TestEC2BakeExplicitParent(t *testing.T) {
	r := bench.MustRun(t, ec2On("dev", map[string]string{
		"ec2BakeAmi": "true", "ec2BakeParentAmi": "ami-0aaaabbbbccccdddd", "ec2AmiSsmParameter": "", "ec2AmiId": "ami-0123456789abcdef0",
	}))
	assert.Equal(t, "ami-0aaaabbbbccccdddd", r.OfType(ibRecipeType)[0].Str("parentImage"))
	assert.Equal(t, "ami-0123456789abcdef0", ec2Instance(t, r).Str("ami"))
}

func TestEC2BadConfig(t *testing.T) {
	cases := []struct {
		name  string
		stack string
		set   map[string]string
		key   string
	}{
		{"instance type without a size", "dev", map[string]string{"ec2InstanceType": "t3"}, "ec2InstanceType"},
		{"instance type without a dot", "dev", map[string]string{"ec2InstanceType": "t3small"}, "ec2InstanceType"},
		{"instance type unknown size", "dev", map[string]string{"ec2InstanceType": "t3.huge"}, "ec2InstanceType"},
		{"instance type upper case", "dev", map[string]string{"ec2InstanceType": "T3.SMALL"}, "ec2InstanceType"},
		{"graviton instance type", "dev", map[string]string{"ec2InstanceType": "m7g.large"}, "ec2InstanceType"},
		{"malformed AMI id", "dev", map[string]string{"ec2AmiId": "ami-XYZ"}, "ec2AmiId"},
		{"AMI id too short", "dev", map[string]string{"ec2AmiId": "ami-1234"}, "ec2AmiId"},
		{"not an AMI id", "prod", map[string]string{"ec2AmiId": "i-0123456789abcdef0"}, "ec2AmiId"},
		{"no AMI source at all", "dev", map[string]string{"ec2AmiSsmParameter": ""}, "ec2AmiId"},
		{"bad SSM parameter path", "dev", map[string]string{"ec2AmiSsmParameter": "aws/service/x"}, "ec2AmiSsmParameter"},
		{"bake on with no source", "dev", map[string]string{"ec2BakeAmi": "true", "ec2AmiSsmParameter": "", "ec2AmiId": "ami-0123456789abcdef0"}, "ec2BakeAmi"},
		{"bake parent malformed", "dev", map[string]string{"ec2BakeAmi": "true", "ec2BakeParentAmi": "ami-nope"}, "ec2BakeParentAmi"},
		{"spot in prod", "prod", map[string]string{"ec2Spot": "true"}, "ec2Spot"},
		{"root volume too small", "dev", map[string]string{"ec2RootVolumeGb": "4"}, "ec2RootVolumeGb"},
		{"bad TLS parameter", "dev", map[string]string{"ec2TlsCertificateParameter": "tls cert"}, "ec2TlsCertificateParameter"},
		{"bake flag not a boolean", "dev", map[string]string{"ec2BakeAmi": "sometimes"}, "ec2BakeAmi"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ce, r := configErr(t, ec2On(tc.stack, tc.set))
			assert.Contains(t, ce.Keys(), "sgraph-send:"+tc.key)
			assert.Empty(t, r.Resources, "nothing registered on bad config")
			for _, secret := range bench.TestSecrets {
				assert.NotContains(t, ce.Error(), secret)
			}
			assert.True(t, strings.Contains(ce.Error(), tc.key), "the message names the key")
		})
	}
}

func TestEC2PassesPolicies(t *testing.T) {
	for _, tc := range []struct {
		stack string
		set   map[string]string
	}{
		{"dev", nil},
		{"prod", nil},
		{"dev", map[string]string{"ec2BakeAmi": "true"}},
		{"prod", map[string]string{"ec2BakeAmi": "true", "ec2TlsCertificateParameter": "/sgraph-send/prod/tls"}},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			r := bench.MustRun(t, ec2On(tc.stack, tc.set))
			assert.Empty(t, policy.Failed(policy.Evaluate(r)))
			var checked bool
			for _, f := range policy.Evaluate(r, policy.EC2Hardening) {
				checked = checked || f.Resource == ec2InstanceType+"::"+ec2Instance(t, r).Name
			}
			assert.True(t, checked, "ec2-hardening looked at the instance")
		})
	}
}

// TestEC2OnInTheStackFiles: both stack files switch ec2 on, and the whole
// stack (every target) passes every policy with it.
func TestEC2OnInTheStackFiles(t *testing.T) {
	for _, stack := range bench.Stacks {
		t.Run(stack, func(t *testing.T) {
			r := bench.MustRun(t, bench.Options{Stack: stack})
			assert.Contains(t, r.Config["sgraph-send:targets"], `"ec2"`)
			ec2Instance(t, r)
			assert.NotEmpty(t, ec2OutputStr(t, r, outputs.EC2URL))
			assert.Empty(t, policy.Failed(policy.Evaluate(r)))
		})
	}
}

// decodeBakeScript returns the install script a bake document carries
// (gzip-compressed, base64 in a here-document ending in EOF).
func decodeBakeScript(t *testing.T, doc string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "gunzip >/tmp/sgraph-send-install.sh\n")
	require.True(t, ok, "bake document decodes its script")
	var payload strings.Builder
	for _, line := range strings.Split(rest, "\n") {
		if strings.TrimSpace(line) == "EOF" {
			break
		}
		payload.WriteString(strings.TrimSpace(line))
	}
	raw, err := base64.StdEncoding.DecodeString(payload.String())
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(out)
}
