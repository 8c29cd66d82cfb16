package fargate

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ecsService is the cluster and the long-running service in it.
type ecsService struct {
	cluster *ecs.Cluster
	service *ecs.Service
}

func newECSService(ctx *pulumi.Context, name string, a *ServiceArgs, n *network, l *loadBalancer, td *ecs.TaskDefinition, r *roles, parent pulumi.ResourceOrInvokeOption) (*ecsService, error) {
	insights := "disabled" // billed per metric: off in dev
	if a.ContainerInsights {
		insights = "enabled"
	}
	cluster, err := ecs.NewCluster(ctx, name, &ecs.ClusterArgs{
		Name:     pulumi.String(a.Name),
		Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String(insights)}},
		Tags:     a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	provider := "FARGATE"
	if a.Spot {
		// Up to ~70% cheaper; AWS may stop a task with two minutes' notice,
		// which dev tolerates and prod does not.
		provider = "FARGATE_SPOT"
	}
	providers, err := ecs.NewClusterCapacityProviders(ctx, name, &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       cluster.Name,
		CapacityProviders: pulumi.StringArray{pulumi.String("FARGATE"), pulumi.String("FARGATE_SPOT")},
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			&ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(provider), Weight: pulumi.Int(1)},
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	// The service may only use the capacity providers once they are attached
	// to the cluster, and its target group only once a listener uses it.
	deps := append([]pulumi.Resource{providers}, l.listeners...)
	deps = append(deps, r.grants...)
	opts := []pulumi.ResourceOption{parent, pulumi.DependsOn(deps),
		// The service keeps its readable name; ECS refuses a second service of
		// the same name, so a replacement deletes the old one first.
		pulumi.DeleteBeforeReplace(true)}
	if a.ScaleToZeroSchedule != "" {
		// Application Auto Scaling owns the running count once a schedule
		// exists; Pulumi would otherwise undo it on every `up`.
		opts = append(opts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	taskDef := td.Arn
	if a.RollbackTaskDefinition != "" {
		taskDef = pulumi.String(a.RollbackTaskDefinition).ToStringOutput()
	}
	service, err := ecs.NewService(ctx, name, &ecs.ServiceArgs{
		Name:           pulumi.String(a.Name),
		Cluster:        cluster.Arn,
		TaskDefinition: taskDef,
		DesiredCount:   pulumi.Int(a.DesiredCount),
		// A capacity provider strategy instead of launchType, so Spot is a
		// config switch.
		CapacityProviderStrategies: ecs.ServiceCapacityProviderStrategyArray{
			&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String(provider), Weight: pulumi.Int(1)},
		},
		PlatformVersion: pulumi.String("LATEST"),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        pulumi.ToStringArray(n.taskSubnets),
			SecurityGroups: pulumi.StringArray{n.taskSG.ID()},
			// Public IP in the default subnets: the task reaches ECR, SSM, S3
			// and logs without a NAT gateway. Inbound is still only the ALB.
			AssignPublicIp: pulumi.Bool(n.publicIP),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: l.group.Arn,
			ContainerName:  pulumi.String(containerName),
			ContainerPort:  pulumi.Int(a.Runtime.Port),
		}},
		// A new revision that never gets healthy is rolled back, instead of
		// ECS retrying it forever while `up` reports success.
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable:   pulumi.Bool(true),
			Rollback: pulumi.Bool(true),
		},
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		// Time for the app to import and answer before ALB checks count.
		HealthCheckGracePeriodSeconds: pulumi.Int(a.HealthCheckGraceSeconds),
		WaitForSteadyState:            pulumi.Bool(a.WaitForSteadyState),
		ForceDelete:                   pulumi.Bool(a.Destroyable),
		EnableEcsManagedTags:          pulumi.Bool(true),
		PropagateTags:                 pulumi.String("SERVICE"),
		Tags:                          a.Tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &ecsService{cluster: cluster, service: service}, nil
}
