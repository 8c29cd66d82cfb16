package ec2

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/imagebuilder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AmiBakeArgs configures an EC2 Image Builder bake of the app onto AL2023.
type AmiBakeArgs struct {
	// Version is the sgraph-ai-app-send version baked in; it is also the
	// semantic version of the Image Builder component and recipe.
	Version string
	// ParentAmi is the image the bake starts from (the AL2023 AMI).
	ParentAmi string
	// InstanceType builds the image (x86_64, like the instance).
	InstanceType string
	// RootVolumeGb sizes the baked AMI's encrypted root volume.
	RootVolumeGb int
	// Region selects the partition of the AWS managed policies.
	Region string
	// Tags are applied to every taggable resource and to the build instance.
	Tags pulumi.StringMap
}

// AmiBake produces an AMI with the app installed (install.sh in bake mode).
// It is independent of the Server on purpose: an image build takes most of an
// hour, so nothing waits for it. `go run ./cmd/bake` drives it: it boots a test
// instance from the new AMI, runs the smoke harness against it (the component's
// own test phase below only checks the install), removes it, and only then
// publishes the AMI id to /sgraph-send/<stack>/ami, which the ec2 target reads
// through ec2BakedAmiParameter.
type AmiBake struct {
	pulumi.ResourceState

	AmiID    pulumi.StringOutput `pulumi:"amiId"`
	ImageArn pulumi.StringOutput `pulumi:"imageArn"`
}

// NewAmiBake creates the component, recipe, infrastructure configuration and
// the image build.
func NewAmiBake(ctx *pulumi.Context, name string, args *AmiBakeArgs, opts ...pulumi.ResourceOption) (*AmiBake, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	doc, err := BakeDocument(args.Version)
	if err != nil {
		return nil, err
	}
	b := &AmiBake{}
	if err := ctx.RegisterComponentResource("sgraph-send:ec2:AmiBake", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	// Names are left to autonaming: Image Builder versions are immutable, so a
	// changed script must create a new component before the old one goes.
	comp, err := imagebuilder.NewComponent(ctx, name, &imagebuilder.ComponentArgs{
		Description: pulumi.String("Installs sgraph-ai-app-send " + args.Version + " (components/ec2/install.sh, bake mode)"),
		Platform:    pulumi.String("Linux"),
		Version:     pulumi.String(args.Version),
		Data:        pulumi.String(doc),
		Tags:        args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	recipe, err := imagebuilder.NewImageRecipe(ctx, name, &imagebuilder.ImageRecipeArgs{
		Description: pulumi.String("AL2023 with SGraph Send " + args.Version),
		ParentImage: pulumi.String(args.ParentAmi),
		Version:     pulumi.String(args.Version),
		Components:  imagebuilder.ImageRecipeComponentArray{&imagebuilder.ImageRecipeComponentArgs{ComponentArn: comp.Arn}},
		BlockDeviceMappings: imagebuilder.ImageRecipeBlockDeviceMappingArray{&imagebuilder.ImageRecipeBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &imagebuilder.ImageRecipeBlockDeviceMappingEbsArgs{
				Encrypted:           pulumi.String("true"),
				VolumeType:          pulumi.String("gp3"),
				VolumeSize:          pulumi.Int(args.RootVolumeGb),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	_, profile, err := newProfile(ctx, name, args.Region,
		[]string{"EC2InstanceProfileForImageBuilder", "AmazonSSMManagedInstanceCore"}, args.Tags, parent)
	if err != nil {
		return nil, err
	}
	// No subnet or security group: Image Builder then uses the default VPC,
	// whose default security group allows the outbound traffic the build needs.
	infra, err := imagebuilder.NewInfrastructureConfiguration(ctx, name, &imagebuilder.InfrastructureConfigurationArgs{
		Description:                pulumi.String("Builds the SGraph Send AMI"),
		InstanceProfileName:        profile.Name,
		InstanceTypes:              pulumi.StringArray{pulumi.String(args.InstanceType)},
		TerminateInstanceOnFailure: pulumi.Bool(true),
		InstanceMetadataOptions: &imagebuilder.InfrastructureConfigurationInstanceMetadataOptionsArgs{
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		ResourceTags: args.Tags,
		Tags:         args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	image, err := imagebuilder.NewImage(ctx, name, &imagebuilder.ImageArgs{
		ImageRecipeArn:                 recipe.Arn,
		InfrastructureConfigurationArn: infra.Arn,
		// The component's test phase runs on an instance of the new AMI.
		ImageTestsConfiguration: &imagebuilder.ImageImageTestsConfigurationArgs{
			ImageTestsEnabled: pulumi.Bool(true),
			TimeoutMinutes:    pulumi.Int(60),
		},
		Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	b.ImageArn = image.Arn
	b.AmiID = image.OutputResources.ApplyT(func(rs []imagebuilder.ImageOutputResource) string {
		for _, r := range rs {
			for _, ami := range r.Amis {
				if ami.Image != nil {
					return *ami.Image
				}
			}
		}
		return ""
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"amiId": b.AmiID, "imageArn": b.ImageArn}); err != nil {
		return nil, err
	}
	return b, nil
}

func (a *AmiBakeArgs) validate() error {
	if a == nil {
		return errors.New("ec2: AmiBakeArgs is required")
	}
	var problems []string
	if !versionPattern.MatchString(a.Version) {
		problems = append(problems, fmt.Sprintf("Version %q must be an exact version like 0.27.6", a.Version))
	}
	if a.ParentAmi == "" {
		problems = append(problems, "ParentAmi is required: the bake has no image to start from")
	} else if p := AmiIDProblem(a.ParentAmi); p != "" {
		problems = append(problems, fmt.Sprintf("ParentAmi %q %s", a.ParentAmi, p))
	}
	if p := InstanceTypeProblem(a.InstanceType); p != "" {
		problems = append(problems, fmt.Sprintf("InstanceType %q %s", a.InstanceType, p))
	}
	if a.RootVolumeGb < 8 || a.RootVolumeGb > 16384 {
		problems = append(problems, fmt.Sprintf("RootVolumeGb %d must be 8..16384", a.RootVolumeGb))
	}
	if a.Region == "" {
		problems = append(problems, "Region is required")
	}
	if len(problems) > 0 {
		return errors.New("ec2: " + strings.Join(problems, "; "))
	}
	return nil
}

// bakeScriptPath is where the build phase writes the rendered script.
const bakeScriptPath = "/tmp/sgraph-send-install.sh"

// componentDataLimit is Image Builder's limit on inline component data.
const componentDataLimit = 16000

// BakeDocument is the Image Builder component document: the build phase runs
// install.sh in bake mode, the test phase (on an instance of the new AMI)
// checks the pinned version and the entry point are there. The script rides
// gzip-compressed and base64-encoded: install.sh grows with every feature,
// and as plain text it would soon pass the inline limit (it did at 16,507).
func BakeDocument(version string) (string, error) {
	script := Script{Mode: "bake", Version: version}.Render()
	packed, err := gzipBase64(script)
	if err != nil {
		return "", err
	}
	build := "set -euo pipefail\n" +
		"base64 -d <<'EOF' | gunzip >" + bakeScriptPath + "\n" + wrap(packed, 76) + "EOF\n" +
		"bash " + bakeScriptPath + " bake\n" +
		"rm -f " + bakeScriptPath + "\n"
	test := "set -euo pipefail\n" +
		"id -u sgraph-send\n" +
		"test \"$(/opt/sgraph-send/venv/bin/python -m pip show sgraph-ai-app-send | sed -n 's/^Version: //p')\" = " + version + "\n" +
		"/opt/sgraph-send/venv/bin/python -c 'import sgraph_ai_app_send__docker.app'\n" +
		"test -x /opt/sgraph-send/venv/bin/uvicorn\n" +
		"rpm -q nginx python3.12\n"
	var b strings.Builder
	b.WriteString("name: sgraph-send-install\n")
	b.WriteString("description: Installs sgraph-ai-app-send " + version + " with components/ec2/install.sh in bake mode\n")
	b.WriteString("schemaVersion: 1.0\n")
	b.WriteString("phases:\n")
	// Compact block style (sequences not indented under their key) keeps the
	// indentation of every script line, and so the document, small.
	for _, phase := range []struct{ name, step, commands string }{
		{"build", "InstallSGraphSend", build},
		{"test", "CheckSGraphSend", test},
	} {
		b.WriteString("- name: " + phase.name + "\n")
		b.WriteString("  steps:\n")
		b.WriteString("  - name: " + phase.step + "\n")
		b.WriteString("    action: ExecuteBash\n")
		b.WriteString("    inputs:\n")
		b.WriteString("      commands:\n")
		b.WriteString("      - |\n")
		for _, line := range strings.Split(strings.TrimSuffix(phase.commands, "\n"), "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("        " + line + "\n")
		}
	}
	doc := b.String()
	if len(doc) > componentDataLimit {
		return "", fmt.Errorf("ec2: the Image Builder component document is %d characters, over the %d limit", len(doc), componentDataLimit)
	}
	return doc, nil
}
