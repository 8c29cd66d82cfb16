package stacks

// Known regions. A name that only looks like a region (zz-fake-1,
// mars-central1) passes a pattern and fails at the first API call, after
// other resources exist; these lists refuse it at load. Add a region here
// when its provider launches it.

// awsRegions: the aws.Region enum of pulumi-aws v6.83.4
// (sdk/go/aws/pulumiEnums.go) without the isolated partitions, plus
// ap-east-2 and ap-southeast-6, which the Lambda Developer Guide
// ("Creating and managing Lambda function URLs") already names.
var awsRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
}

// noFunctionURLRegions have Lambda but no Function URLs, which both halves of
// the lambda target are. Sources: the Lambda Developer Guide, "Creating and
// managing Lambda function URLs" (the note listing unsupported Regions), and
// the AWS GovCloud (US) User Guide, "AWS Lambda in AWS GovCloud (US)"
// ("AWS Lambda Function URLs is not available"). The China regions are not
// listed here: their guide (docs.amazonaws.cn) documents Function URLs with
// the same exclusion list, so we could not confirm they lack them.
var noFunctionURLRegions = []string{
	"ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2",
	"ca-west-1", "eu-south-2", "eu-central-2", "il-central-1", "me-central-1",
	"us-gov-east-1", "us-gov-west-1",
}

// gcpRegions are Google Cloud's regions as listed on "Cloud locations"
// (cloud.google.com/about/locations) and Cloud Run's "Cloud Run locations"
// (cloud.google.com/run/docs/locations).
var gcpRegions = []string{
	"africa-south1",
	"asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
	"asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2",
	"australia-southeast1", "australia-southeast2",
	"europe-central2", "europe-north1", "europe-north2", "europe-southwest1",
	"europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
	"europe-west8", "europe-west9", "europe-west10", "europe-west12",
	"me-central1", "me-central2", "me-west1",
	"northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
	"southamerica-east1", "southamerica-west1",
	"us-central1", "us-east1", "us-east4", "us-east5", "us-south1",
	"us-west1", "us-west2", "us-west3", "us-west4",
}
