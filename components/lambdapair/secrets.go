package lambdapair

import (
	"encoding/json"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SSMParametersEnv names the one variable that tells the image where the
// function's secrets are: a JSON object of variable name to SSM parameter
// name. docker/sgraph_entry.py resolves it at cold start (why there, and not
// the Parameters and Secrets Lambda Extension, is said next to that code).
const SSMParametersEnv = "SGRAPH_SEND_SSM_PARAMETERS"

// secretParameter is one secret variable of the function, held in SSM.
type secretParameter struct {
	env   string
	name  string // the parameter's name, known before it exists
	param *ssm.Parameter
}

// ParameterName is where a function's secret variable is kept: under the
// function's own name, so each role's grant covers its own parameters only.
func ParameterName(functionName, env string) string {
	return "/" + functionName + "/" + env
}

// newSecretParameters stores each secret variable of the runtime as an SSM
// SecureString under the AWS-managed aws/ssm key, so the function's
// configuration (lambda:GetFunctionConfiguration) holds no secret.
func newSecretParameters(ctx *pulumi.Context, name string, a *FunctionArgs, parent pulumi.ResourceOrInvokeOption) ([]secretParameter, error) {
	keys := make([]string, 0, len(a.Runtime.SecretEnv))
	for k := range a.Runtime.SecretEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]secretParameter, 0, len(keys))
	for _, k := range keys {
		pname := ParameterName(a.FunctionName, k)
		p, err := ssm.NewParameter(ctx, name+"-"+k, &ssm.ParameterArgs{
			Name:        pulumi.String(pname),
			Description: pulumi.String("SGraph Send " + k + " of Lambda function " + a.FunctionName),
			Type:        pulumi.String("SecureString"),
			Value:       pulumi.ToSecret(a.Runtime.SecretEnv[k]).(pulumi.StringOutput),
			Tags:        a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		out = append(out, secretParameter{env: k, name: pname, param: p})
	}
	return out, nil
}

// secretParametersValue is SSMParametersEnv's value: names only, no secret.
func secretParametersValue(params []secretParameter) (string, error) {
	m := make(map[string]string, len(params))
	for _, p := range params {
		m[p.env] = p.name
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// parameterArns are the parameters' ARNs, for the execution role's grant.
func parameterArns(params []secretParameter) pulumi.StringArrayOutput {
	arns := make(pulumi.StringArray, len(params))
	for i, p := range params {
		arns[i] = p.param.Arn
	}
	return arns.ToStringArrayOutput()
}
