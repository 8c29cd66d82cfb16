package fargate

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newScaleToZero registers the service with Application Auto Scaling (min and
// max both the configured count, so nothing else changes) and schedules a
// scale to zero, e.g. every evening so a dev service someone scaled up does
// not run all night. It never scales back up: changing the configured count,
// or `pulumi up --refresh`, restores min and max and with them the tasks.
// Schedules are in UTC.
func newScaleToZero(ctx *pulumi.Context, name string, a *ServiceArgs, s *ecsService, parent pulumi.ResourceOrInvokeOption) error {
	resourceID := pulumi.Sprintf("service/%s/%s", s.cluster.Name, s.service.Name)
	target, err := appautoscaling.NewTarget(ctx, name, &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        resourceID,
		MinCapacity:       pulumi.Int(a.DesiredCount),
		MaxCapacity:       pulumi.Int(a.DesiredCount),
		Tags:              a.Tags,
	}, parent)
	if err != nil {
		return err
	}
	_, err = appautoscaling.NewScheduledAction(ctx, name+"-scale-to-zero", &appautoscaling.ScheduledActionArgs{
		ServiceNamespace:  target.ServiceNamespace,
		ScalableDimension: target.ScalableDimension,
		ResourceId:        target.ResourceId,
		Schedule:          pulumi.String(a.ScaleToZeroSchedule),
		Timezone:          pulumi.String("UTC"),
		ScalableTargetAction: &appautoscaling.ScheduledActionScalableTargetActionArgs{
			MinCapacity: pulumi.Int(0),
			MaxCapacity: pulumi.Int(0),
		},
	}, parent)
	return err
}
