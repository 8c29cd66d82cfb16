package ec2

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// secretParameters are the app's secret environment variables, each stored as
// an SSM SecureString parameter. User data carries only their names; the
// instance reads the values at every service start with its own role.
type secretParameters struct {
	names map[string]string // env var name -> parameter name
	arns  pulumi.StringArray
}

func newSecretParameters(ctx *pulumi.Context, name string, args *ServerArgs, opts ...pulumi.ResourceOption) (*secretParameters, error) {
	out := &secretParameters{names: map[string]string{}}
	for _, env := range sortedKeys(args.Runtime.SecretEnv) {
		paramName := args.SecretPrefix + "/" + env
		p, err := ssm.NewParameter(ctx, name+"-"+env, &ssm.ParameterArgs{
			Name:        pulumi.String(paramName),
			Description: pulumi.String("SGraph Send on EC2: " + env + " (read by the instance at service start)"),
			Type:        pulumi.String("SecureString"),
			// ToSecret keeps the value encrypted in state whatever the caller passed.
			Value: pulumi.ToSecret(args.Runtime.SecretEnv[env]).(pulumi.StringOutput),
			Tags:  args.Tags,
		}, opts...)
		if err != nil {
			return nil, err
		}
		out.names[env] = paramName
		out.arns = append(out.arns, p.Arn)
	}
	return out, nil
}
