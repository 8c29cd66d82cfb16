package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Fargate: the default VPC lookup, security groups and their rules, the load
// balancer, ECS, SSM parameters and Application Auto Scaling.
const (
	DefaultVpcID = "vpc-0a1b2c3d4e5f60718"
)

// DefaultSubnetIDs are the default VPC's default subnets, one per AZ.
var DefaultSubnetIDs = []string{"subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"}

func init() {
	mockCall("aws:ec2/getVpc:getVpc", func(e env, args resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":               DefaultVpcID,
			"arn":              fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", e.Region, AwsAccount, DefaultVpcID),
			"cidrBlock":        "172.31.0.0/16",
			"default":          true,
			"state":            "available",
			"ownerId":          AwsAccount,
			"mainRouteTableId": "rtb-0a1b2c3d4e5f60718",
			"tags":             map[string]any{},
		}), nil
	})
	mockCall("aws:ec2/getSubnets:getSubnets", func(e env, args resource.PropertyMap) (resource.PropertyMap, error) {
		ids := make([]any, len(DefaultSubnetIDs))
		for i, s := range DefaultSubnetIDs {
			ids[i] = s
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": e.Region, "ids": ids}), nil
	})

	mockResource("aws:ec2/securityGroup:SecurityGroup", func(e env, name string, in, st resource.PropertyMap) string {
		id := "sg-0" + shortHash("sg"+name) + shortHash(name)[:8]
		st["name"] = resource.NewProperty(fgStr(in, "name", name+"-"+shortHash(name)[:7]))
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", e.Region, AwsAccount, id))
		st["ownerId"] = resource.NewProperty(AwsAccount)
		return id
	})
	rule := func(e env, name string, in, st resource.PropertyMap) string {
		id := "sgr-0" + shortHash("sgr"+name) + shortHash(name)[:8]
		st["securityGroupRuleId"] = resource.NewProperty(id)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:ec2:%s:%s:security-group-rule/%s", e.Region, AwsAccount, id))
		return id
	}
	mockResource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", rule)
	mockResource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", rule)

	mockResource("aws:lb/loadBalancer:LoadBalancer", func(e env, name string, in, st resource.PropertyMap) string {
		lbName := fgStr(in, "name", name)
		suffix := fmt.Sprintf("app/%s/%s", lbName, shortHash(lbName)+shortHash("lb"+lbName))
		arn := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", e.Region, AwsAccount, suffix)
		st["name"] = resource.NewProperty(lbName)
		st["arn"] = resource.NewProperty(arn)
		st["arnSuffix"] = resource.NewProperty(suffix)
		st["dnsName"] = resource.NewProperty(fmt.Sprintf("%s-1234567890.%s.elb.amazonaws.com", lbName, e.Region))
		st["zoneId"] = resource.NewProperty("ZHURV8PSTC4K8") // eu-west-2's ALB zone
		st["vpcId"] = resource.NewProperty(DefaultVpcID)
		return arn
	})
	mockResource("aws:lb/targetGroup:TargetGroup", func(e env, name string, in, st resource.PropertyMap) string {
		tgName := fgStr(in, "name", name+"-"+shortHash(name)[:7])
		suffix := fmt.Sprintf("targetgroup/%s/%s", tgName, shortHash(tgName)+shortHash("tg"+tgName))
		arn := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:%s", e.Region, AwsAccount, suffix)
		st["name"] = resource.NewProperty(tgName)
		st["arn"] = resource.NewProperty(arn)
		st["arnSuffix"] = resource.NewProperty(suffix)
		return arn
	})
	mockResource("aws:lb/listener:Listener", func(e env, name string, in, st resource.PropertyMap) string {
		lbArn := fgStr(in, "loadBalancerArn", "arn:aws:elasticloadbalancing:"+e.Region+":"+AwsAccount+":loadbalancer/app/x/0")
		arn := strings.Replace(lbArn, ":loadbalancer/", ":listener/", 1) + "/" + shortHash(name) + shortHash("l"+name)
		st["arn"] = resource.NewProperty(arn)
		return arn
	})

	mockResource("aws:ecs/cluster:Cluster", func(e env, name string, in, st resource.PropertyMap) string {
		cluster := fgStr(in, "name", name)
		arn := fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", e.Region, AwsAccount, cluster)
		st["name"] = resource.NewProperty(cluster)
		st["arn"] = resource.NewProperty(arn)
		return arn
	})
	mockResource("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", func(e env, name string, in, st resource.PropertyMap) string {
		return fgStr(in, "clusterName", name)
	})
	mockResource("aws:ecs/taskDefinition:TaskDefinition", func(e env, name string, in, st resource.PropertyMap) string {
		family := fgStr(in, "family", name)
		// Every registration of a changed definition is a new revision, so a
		// replaced task definition has a new ARN (the service then updates).
		revision := taskRevision(in)
		base := fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s", e.Region, AwsAccount, family)
		arn := fmt.Sprintf("%s:%d", base, revision)
		st["arn"] = resource.NewProperty(arn)
		st["arnWithoutRevision"] = resource.NewProperty(base)
		st["family"] = resource.NewProperty(family)
		st["revision"] = resource.NewProperty(float64(revision))
		return family
	})
	mockResource("aws:ecs/service:Service", func(e env, name string, in, st resource.PropertyMap) string {
		svc := fgStr(in, "name", name+"-"+shortHash(name)[:7])
		cluster := fgStr(in, "cluster", "default")
		if i := strings.LastIndex(cluster, "/"); i >= 0 {
			cluster = cluster[i+1:]
		}
		arn := fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", e.Region, AwsAccount, cluster, svc)
		st["name"] = resource.NewProperty(svc)
		st["arn"] = resource.NewProperty(arn)
		return arn
	})

	mockResource("aws:ssm/parameter:Parameter", func(e env, name string, in, st resource.PropertyMap) string {
		param := fgStr(in, "name", name)
		st["name"] = resource.NewProperty(param)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", e.Region, AwsAccount, strings.TrimPrefix(param, "/")))
		st["version"] = resource.NewProperty(1.0)
		st["tier"] = resource.NewProperty("Standard")
		return param
	})

	mockResource("aws:appautoscaling/target:Target", func(e env, name string, in, st resource.PropertyMap) string {
		id := fgStr(in, "resourceId", name)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:application-autoscaling:%s:%s:scalable-target/%s", e.Region, AwsAccount, shortHash(id)+shortHash("t"+id)))
		return id
	})
	mockResource("aws:appautoscaling/scheduledAction:ScheduledAction", func(e env, name string, in, st resource.PropertyMap) string {
		action := fgStr(in, "name", name+"-"+shortHash(name)[:7])
		st["name"] = resource.NewProperty(action)
		st["arn"] = resource.NewProperty(fmt.Sprintf("arn:aws:autoscaling:%s:%s:scheduledAction:%s:resource/ecs/%s:scheduledActionName/%s",
			e.Region, AwsAccount, shortHash(action), fgStr(in, "resourceId", ""), action))
		return action
	})
}

// fgStr reads a string input (secrets unwrapped), or def when absent or unknown.
func fgStr(in resource.PropertyMap, key, def string) string {
	v, ok := in[resource.PropertyKey(key)]
	if !ok {
		return def
	}
	v = Unsecret(v)
	if v.IsString() && v.StringValue() != "" {
		return v.StringValue()
	}
	return def
}

// taskRevision is a stable revision number (1..999) derived from the settings
// that make a new task definition revision.
func taskRevision(in resource.PropertyMap) int {
	key := fgStr(in, "cpu", "") + "/" + fgStr(in, "memory", "") + "/" + fgStr(in, "containerDefinitions", "")
	return 1 + int(gcpHashNumber(key)%999)
}
