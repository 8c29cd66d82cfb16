// Package outputs names the stack outputs once. The program exports under these
// names and the smoke harness, CI and operators read them. It is a leaf package:
// it must never import Pulumi or a cloud provider SDK, so the harness stays fast
// to build.
package outputs

// Stack-wide outputs.
const (
	Stack             = "stack"             // stack name, e.g. "dev"
	Environment       = "environment"       // "dev" or "prod"
	AppVersion        = "appVersion"        // sgraph-ai-app-send version every target runs, e.g. "0.27.6"
	AwsRegion         = "awsRegion"         // region of the AWS targets (SigV4 signing needs it)
	BucketName        = "bucketName"        // the environment's storage bucket
	BucketArn         = "bucketArn"         //
	HealthPath        = "healthPath"        // app health route, e.g. "/info/health"
	AdminKeyHeader    = "adminKeyHeader"    // header name carrying the admin API key
	AdminKey          = "adminKey"          // secret: the admin API key
	UploadTokenHeader = "uploadTokenHeader" // header name carrying the upload token
	UploadToken       = "uploadToken"       // secret: the static upload token
)

// Image outputs.
const (
	ImageRef    = "imageRef"    // ECR image in digest form: repo@sha256:...
	GcpImageRef = "gcpImageRef" // Artifact Registry copy in digest form
)

// Lambda pair outputs.
const (
	LambdaAdminURL           = "lambdaAdminUrl"  // Function URL, AWS_IAM auth
	LambdaPublicURL          = "lambdaPublicUrl" // Function URL, NONE auth
	LambdaAdminFunctionName  = "lambdaAdminFunctionName"
	LambdaPublicFunctionName = "lambdaPublicFunctionName"
)

// Fargate outputs.
const (
	FargateURL          = "fargateUrl" // http:// when no certificate is configured
	FargateClusterName  = "fargateClusterName"
	FargateServiceName  = "fargateServiceName"
	FargateDesiredCount = "fargateDesiredCount" // 0 means scaled to zero: the harness skips it
)

// EC2 outputs.
const (
	EC2URL           = "ec2Url" // https://public-dns
	EC2InstanceID    = "ec2InstanceId"
	EC2AmiID         = "ec2AmiId"         // AMI the instance runs
	EC2BakedAmiID    = "ec2BakedAmiId"    // AMI produced by the Image Builder bake, when on
	EC2TLSSelfSigned = "ec2TlsSelfSigned" // true: the harness must not verify the chain
)

// Cloud Run outputs.
const (
	CloudRunURL    = "cloudRunUrl"
	CloudRunPublic = "cloudRunPublic" // false: invoker needs a Google identity token
)

// Kind says which of the app's entry points a target serves, which decides the
// checks that apply to it.
type Kind string

const (
	AdminAPI     Kind = "admin-api"     // tokens, keys, users, /admin UI; key required
	UserAPI      Kind = "user-api"      // transfer API under /api, no UI
	ContainerApp Kind = "container-app" // user API + UI at /send/
)

// Target describes one deployed endpoint and the output keys that describe it.
// Empty key fields mean the target has no such output.
type Target struct {
	Name            string
	Kind            Kind
	URLKey          string
	IAMAuth         bool   // requests must be SigV4-signed for service "lambda"
	DesiredCountKey string // output holding the running count; 0 means skip
	SelfSignedKey   string // output saying the TLS certificate is self-signed
	PublicKey       string // output saying anonymous callers may invoke it
	// DeployedKeys are further outputs that exist only when the target is
	// deployed; present without the URL, the outputs are inconsistent.
	DeployedKeys []string
}

// Targets lists every endpoint the program can deploy, in a stable order.
var Targets = []Target{
	{Name: "lambda-admin", Kind: AdminAPI, URLKey: LambdaAdminURL, IAMAuth: true,
		DeployedKeys: []string{LambdaAdminFunctionName}},
	{Name: "lambda-public", Kind: UserAPI, URLKey: LambdaPublicURL,
		DeployedKeys: []string{LambdaPublicFunctionName}},
	{Name: "fargate", Kind: ContainerApp, URLKey: FargateURL, DesiredCountKey: FargateDesiredCount,
		DeployedKeys: []string{FargateClusterName, FargateServiceName}},
	{Name: "ec2", Kind: ContainerApp, URLKey: EC2URL, SelfSignedKey: EC2TLSSelfSigned,
		DeployedKeys: []string{EC2InstanceID, EC2AmiID}},
	{Name: "cloudrun", Kind: ContainerApp, URLKey: CloudRunURL, PublicKey: CloudRunPublic},
}

// Secret reports whether an output carries a secret and must be shown only
// with --show-secrets.
func Secret(key string) bool { return key == AdminKey || key == UploadToken }

// Registry outputs: the repositories a stack owns. The release copies the digest dev
// tested into them, so prod never pulls from dev's registries.
const (
	ImageRepository    = "imageRepository"    // ECR repository URL (no tag, no digest)
	GcpImageRepository = "gcpImageRepository" // Artifact Registry image path, <loc>-docker.pkg.dev/<project>/<repo>/<image>
)

// Release pointer outputs: what each target serves now. cmd/release records them with a
// good release and flips back to them on rollback (docs/release.md).
const (
	LambdaAdminVersion    = "lambdaAdminVersion"    // published version the admin live alias serves
	LambdaPublicVersion   = "lambdaPublicVersion"   // published version the public live alias serves
	CloudRunRevision      = "cloudRunRevision"      // revision Cloud Run traffic names (100 %)
	FargateTaskDefinition = "fargateTaskDefinition" // family:revision the ECS service runs
)
