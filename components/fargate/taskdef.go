package fargate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// secretParameter is one secret environment variable, stored as an SSM
// SecureString that ECS reads when it starts the task.
type secretParameter struct {
	env   string
	param *ssm.Parameter
}

// newSecretParameters stores each secret variable in Parameter Store. The
// value stays a Pulumi secret in state; the task definition only names the
// parameter's ARN, so the value never appears in the task definition, the
// ECS console or `describe-task-definition`.
func newSecretParameters(ctx *pulumi.Context, name string, a *ServiceArgs, parent pulumi.ResourceOrInvokeOption) ([]secretParameter, error) {
	keys := make([]string, 0, len(a.Runtime.SecretEnv))
	for k := range a.Runtime.SecretEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []secretParameter
	for _, k := range keys {
		p, err := ssm.NewParameter(ctx, name+"-"+k, &ssm.ParameterArgs{
			Name:        pulumi.String(a.ParameterPath + "/" + k),
			Description: pulumi.Sprintf("SGraph Send %s for the Fargate service %s", k, a.Name),
			// SecureString under the AWS-managed aws/ssm key (no KeyId).
			Type:  pulumi.String("SecureString"),
			Value: pulumi.ToSecret(a.Runtime.SecretEnv[k]).(pulumi.StringOutput),
			Tags:  a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		out = append(out, secretParameter{env: k, param: p})
	}
	return out, nil
}

// The container definition, as ECS's RegisterTaskDefinition API spells it.
type (
	containerDef struct {
		Name             string        `json:"name"`
		Image            string        `json:"image"`
		Essential        bool          `json:"essential"`
		PortMappings     []portMapping `json:"portMappings"`
		Environment      []nameValue   `json:"environment"`
		Secrets          []nameFrom    `json:"secrets"`
		LogConfiguration logConfig     `json:"logConfiguration"`
		HealthCheck      healthCheck   `json:"healthCheck"`
	}
	portMapping struct {
		ContainerPort int    `json:"containerPort"`
		HostPort      int    `json:"hostPort"`
		Protocol      string `json:"protocol"`
	}
	nameValue struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	nameFrom struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	}
	logConfig struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	}
	healthCheck struct {
		Command     []string `json:"command"`
		Interval    int      `json:"interval"`
		Timeout     int      `json:"timeout"`
		Retries     int      `json:"retries"`
		StartPeriod int      `json:"startPeriod"`
	}
)

// healthCommand checks the app from inside the container. The image is
// python:3.12-slim, which has no curl or wget, so Python's urllib does the GET
// (the app answers HEAD with 405); any non-2xx answer or timeout raises and
// exits non-zero. With an upload token set, the container app answers 401 on
// every route without it, so the check sends each HealthAuth header with the
// value it reads from the container's own environment at run time (ECS puts
// the SSM SecureString there): the command names the variable, never a value.
func healthCommand(rt appspec.Runtime) []string {
	url := fmt.Sprintf("http://127.0.0.1:%d%s", rt.Port, rt.HealthPath)
	var b strings.Builder
	fmt.Fprintf(&b, "import os, urllib.request as u; r = u.Request('%s')", url)
	for _, h := range rt.HealthAuth {
		fmt.Fprintf(&b, "; v = os.environ.get('%s'); v and r.add_header('%s', v)", h.Env, h.Header)
	}
	b.WriteString("; u.urlopen(r, timeout=4)")
	return []string{"CMD", "python", "-c", b.String()}
}

func newTaskDefinition(ctx *pulumi.Context, name string, a *ServiceArgs, r *roles, secrets []secretParameter, parent pulumi.ResourceOrInvokeOption) (*ecs.TaskDefinition, error) {
	// Created by us, with retention, so logs expire and destroy removes them.
	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName(a)),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		Tags:            a.Tags,
	}, parent, pulumi.Protect(a.RetainLogs), pulumi.RetainOnDelete(a.RetainLogs))
	if err != nil {
		return nil, err
	}

	envNames := make([]string, len(secrets))
	arns := make(pulumi.StringArray, len(secrets))
	for i, s := range secrets {
		envNames[i], arns[i] = s.env, s.param.Arn
	}
	// Built from outputs that hold no secret (image, log group, plain env,
	// parameter ARNs), so the JSON stays readable in state and diffs.
	defs := pulumi.All(a.Image, logs.Name, a.Runtime.PlainEnvironment().ToStringMapOutput(), arns.ToStringArrayOutput()).ApplyT(
		func(in []any) (string, error) {
			image, group := in[0].(string), in[1].(string)
			env, secretArns := in[2].(map[string]string), in[3].([]string)
			c := containerDef{
				Name:      containerName,
				Image:     image,
				Essential: true,
				PortMappings: []portMapping{{
					ContainerPort: a.Runtime.Port, HostPort: a.Runtime.Port, Protocol: "tcp",
				}},
				Environment: []nameValue{},
				Secrets:     []nameFrom{},
				LogConfiguration: logConfig{LogDriver: "awslogs", Options: map[string]string{
					"awslogs-group":         group,
					"awslogs-region":        a.Region,
					"awslogs-stream-prefix": containerName,
				}},
				HealthCheck: healthCheck{
					Command:  healthCommand(a.Runtime),
					Interval: 30, Timeout: 5, Retries: 3,
					// pip-installed FastAPI app: give it time to import.
					StartPeriod: 60,
				},
			}
			keys := make([]string, 0, len(env))
			for k := range env {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				c.Environment = append(c.Environment, nameValue{Name: k, Value: env[k]})
			}
			for i, k := range envNames {
				c.Secrets = append(c.Secrets, nameFrom{Name: k, ValueFrom: secretArns[i]})
			}
			out, err := json.Marshal([]containerDef{c})
			return string(out), err
		}).(pulumi.StringOutput)

	return ecs.NewTaskDefinition(ctx, name, &ecs.TaskDefinitionArgs{
		Family: pulumi.String(a.Name),
		// A replaced revision stays ACTIVE: rollback points the service back at
		// it, and ECS refuses to deploy an INACTIVE (deregistered) revision.
		SkipDestroy:             pulumi.Bool(true),
		Cpu:                     pulumi.String(strconv.Itoa(a.Cpu)),
		Memory:                  pulumi.String(strconv.Itoa(a.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String("X86_64"),
		},
		ExecutionRoleArn:     r.execution.Arn,
		TaskRoleArn:          r.task.Arn,
		ContainerDefinitions: defs,
		Tags:                 a.Tags,
	}, parent)
}
