package fakeprovider

// replaceOn lists, per resource type the program uses, the input properties
// whose change the real provider can only apply by replacing the resource.
//
// Where it comes from: the bridged providers (aws, gcp) inherit this from the
// Terraform providers' ForceNew / RequiresReplace attributes, documented on
// every property as "Changing this forces a new resource to be created" in
// the Pulumi Registry API docs of the pinned versions (pulumi-aws v6.83.4 ↔
// terraform-provider-aws v5.x, pulumi-gcp v7.38.0 ↔ terraform-provider-google
// v5.x). Pulumi package schemas do not carry ForceNew (the bridge keeps it at
// run time) and no provider schema or binary is in the module cache, so the
// list is kept by hand from those docs. Keep it to the properties the program
// sets; a type or property missing here updates in place, so a gap
// under-reports replacements rather than inventing them.
// Checked against the Terraform sources' ForceNew for route53 record, ACM
// certificate, EIP and metric alarm; the rest from the registry docs.
// docker:index/image:Image (pulumi-docker v4, a native provider) rebuilds
// and pushes in place: it never replaces on the inputs the program sets.
var replaceOn = map[string][]string{
	// S3: the bucket and each guard rail are keyed by the bucket name.
	"aws:s3/bucketV2:BucketV2":                                                                   {"bucket", "bucketPrefix", "objectLockEnabled"},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     {"bucket"},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     {"bucket"},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {"bucket", "expectedBucketOwner"},
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       {"bucket", "expectedBucketOwner"},
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               {"bucket", "expectedBucketOwner"},
	"aws:s3/bucketPolicy:BucketPolicy":                                                           {"bucket"},

	"aws:iam/role:Role":                                 {"name", "namePrefix", "path"},
	"aws:iam/rolePolicy:RolePolicy":                     {"name", "namePrefix", "role"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"role", "policyArn"},
	"aws:iam/instanceProfile:InstanceProfile":           {"name", "namePrefix", "path"},

	"aws:ecr/repository:Repository": {"name", "encryptionConfigurations"},
	// No update in the Terraform resource: every argument replaces.
	"aws:ecr/lifecyclePolicy:LifecyclePolicy": {"repository", "policy"},

	"aws:ecs/cluster:Cluster":                                   {"name"},
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {"clusterName"},
	// A task definition revision is immutable: everything but tags replaces.
	"aws:ecs/taskDefinition:TaskDefinition": {"family", "containerDefinitions", "cpu", "memory", "executionRoleArn",
		"taskRoleArn", "networkMode", "requiresCompatibilities", "runtimePlatform", "volumes", "ephemeralStorage",
		"pidMode", "ipcMode", "placementConstraints", "proxyConfiguration"},
	"aws:ecs/service:Service": {"name", "cluster", "launchType", "iamRole", "schedulingStrategy", "deploymentController"},

	"aws:lb/loadBalancer:LoadBalancer": {"name", "namePrefix", "internal", "loadBalancerType"},
	"aws:lb/targetGroup:TargetGroup":   {"name", "namePrefix", "port", "protocol", "vpcId", "targetType", "protocolVersion", "ipAddressType"},
	"aws:lb/listener:Listener":         {"loadBalancerArn"},

	"aws:ec2/securityGroup:SecurityGroup":                       {"name", "namePrefix", "vpcId", "description"},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {"securityGroupId"},
	"aws:ec2/instance:Instance":                                 {"ami", "availabilityZone", "subnetId", "keyName", "privateIp", "associatePublicIpAddress", "instanceMarketOptions", "placementGroup"},
	"aws:ec2/eip:Eip":                                           {"address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"},
	// A record is keyed by zone and name; its type, records and alias update.
	"aws:route53/record:Record": {"name", "zoneId"},
	"aws:acm/certificate:Certificate": {"domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm",
		"certificateAuthorityArn", "validationOptions"},
	// No update in the Terraform resource: every argument replaces.
	"aws:acm/certificateValidation:CertificateValidation": {"certificateArn", "validationRecordFqdns"},
	"aws:lb/listenerRule:ListenerRule":                    {"listenerArn"},
	"aws:sns/topic:Topic":                                 {"name", "namePrefix", "fifoTopic"},
	"aws:sns/topicPolicy:TopicPolicy":                     {"arn"},
	"aws:budgets/budget:Budget":                           {"name", "namePrefix", "accountId"},
	"aws:cloudwatch/metricAlarm:MetricAlarm":              {"name"},
	"aws:lambda/function:Function":                        {"name", "packageType"},
	"aws:lambda/functionUrl:FunctionUrl":                  {"functionName", "qualifier"},
	// An alias's functionVersion updates in place (the rollback flip).
	"aws:lambda/alias:Alias": {"name", "functionName"},
	// No update in the Terraform resource: every argument replaces.
	"aws:lambda/permission:Permission": {"action", "functionName", "principal", "sourceArn", "sourceAccount", "statementId",
		"statementIdPrefix", "qualifier", "eventSourceToken", "functionUrlAuthType", "principalOrgId"},
	"aws:cloudwatch/logGroup:LogGroup":                                         {"name", "namePrefix", "logGroupClass"},
	"aws:ssm/parameter:Parameter":                                              {"name"},
	"aws:appautoscaling/target:Target":                                         {"resourceId", "scalableDimension", "serviceNamespace"},
	"aws:appautoscaling/scheduledAction:ScheduledAction":                       {"name", "serviceNamespace", "resourceId", "scalableDimension"},
	"aws:imagebuilder/component:Component":                                     {"name", "version", "platform", "data", "uri", "changeDescription", "description", "kmsKeyId", "supportedOsVersions"},
	"aws:imagebuilder/imageRecipe:ImageRecipe":                                 {"name", "version", "parentImage", "components", "blockDeviceMappings", "description", "userDataBase64", "workingDirectory", "systemsManagerAgent"},
	"aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": {"name"},
	"aws:imagebuilder/image:Image": {"imageRecipeArn", "infrastructureConfigurationArn", "distributionConfigurationArn",
		"enhancedImageMetadataEnabled", "imageTestsConfiguration", "containerRecipeArn", "imageScanningConfiguration", "workflows", "executionRole"},

	"gcp:projects/service:Service":                       {"service", "project"},
	"gcp:serviceaccount/account:Account":                 {"accountId", "project"},
	"gcp:secretmanager/secret:Secret":                    {"secretId", "project", "replication"},
	"gcp:secretmanager/secretVersion:SecretVersion":      {"secret", "secretData"},
	"gcp:secretmanager/secretIamMember:SecretIamMember":  {"secretId", "project", "role", "member", "condition"},
	"gcp:cloudrunv2/service:Service":                     {"name", "location", "project"},
	"gcp:cloudrunv2/serviceIamMember:ServiceIamMember":   {"name", "location", "project", "role", "member", "condition"},
	"gcp:storage/bucket:Bucket":                          {"name", "location", "project", "hierarchicalNamespace"},
	"gcp:storage/bucketIAMMember:BucketIAMMember":        {"bucket", "role", "member", "condition"},
	"gcp:monitoring/alertPolicy:AlertPolicy":             {"project"},
	"gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": {"project", "monitoredResource", "resourceGroup", "checkerType"},
	"gcp:projects/iAMMember:IAMMember":                   {"project", "role", "member", "condition"},
	"gcp:artifactregistry/repository:Repository":         {"repositoryId", "location", "format", "project", "mode", "kmsKeyName"},

	// pulumi-docker v4 (bridged from terraform-provider-docker): docker_tag and
	// docker_registry_image are ForceNew on these; "triggers ... force the
	// RegistryImage resource to be replaced" (registry docs).
	"docker:index/tag:Tag":                     {"sourceImage", "targetImage", "tagTriggers"},
	"docker:index/registryImage:RegistryImage": {"name", "triggers", "build"},
}

// ReplaceOn returns the properties of typ whose change replaces it.
func ReplaceOn(typ string) []string { return append([]string(nil), replaceOn[typ]...) }

// replacing is the subset of changed keys that force a replacement of typ.
func replacing(typ string, changed []string) []string {
	var out []string
	for _, k := range changed {
		if contains(replaceOn[typ], k) {
			out = append(out, k)
		}
	}
	return out
}
