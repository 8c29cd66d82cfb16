// Command sgraph-send is the Pulumi program that deploys SGraph Send.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/stacks"
)

func main() { pulumi.Run(stacks.Run) }
