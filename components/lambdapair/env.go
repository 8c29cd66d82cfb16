package lambdapair

import (
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sgraph-ai/sgraph-send-infra/components/appspec"
)

// Lambda Web Adapter settings. The image runs uvicorn behind the adapter (an
// extension in /opt/extensions), which turns Function URL events into HTTP
// requests on the app's port.
const (
	appPort           = "PORT" // what docker/entrypoint.sh starts uvicorn on
	lwaPort           = "AWS_LWA_PORT"
	lwaReadinessPath  = "AWS_LWA_READINESS_CHECK_PATH"
	lwaInvokeMode     = "AWS_LWA_INVOKE_MODE"
	lwaInvokeBuffered = "buffered" // matches the Function URL's BUFFERED invoke mode
)

// environment is the function's environment: the app's plain and secret
// variables plus the adapter's settings.
//
// Secrets (admin key, upload token) are delivered as environment variables
// because the app reads them only from its environment; it cannot fetch SSM or
// Secrets Manager references itself, and a wrapper that resolves them at start
// would add a network call to every cold start. They stay Pulumi secrets in
// state, and Lambda encrypts environment variables at rest with KMS (the
// AWS-managed aws/lambda key). Anyone with lambda:GetFunctionConfiguration on
// the function can read them, which is why the execution roles and the admin
// invokers are kept narrow.
func environment(rt appspec.Runtime) pulumi.StringMap {
	env := rt.Environment() // secret values come back wrapped with ToSecret
	// The app and the adapter must agree on the port, whatever the contract says.
	port := pulumi.String(strconv.Itoa(rt.Port))
	env[appPort] = port
	env[lwaPort] = port
	// The adapter polls this path until the app answers. On the admin app the
	// health route needs the key and answers 401 without it; the adapter counts
	// any status below 500 as ready by default, so 401 still means "up", and
	// a crashing app (5xx or no answer) still fails the readiness check.
	env[lwaReadinessPath] = pulumi.String(rt.HealthPath)
	env[lwaInvokeMode] = pulumi.String(lwaInvokeBuffered)
	return env
}
