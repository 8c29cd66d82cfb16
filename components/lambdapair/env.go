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

// environment is the function's environment: the app's plain variables, the
// adapter's settings, and where its secrets are.
//
// Secrets (admin key, upload token) are NOT environment variables: anyone
// with lambda:GetFunctionConfiguration reads those. They are SSM SecureString
// parameters (secrets.go), and SSMParametersEnv names them; the image's
// entry point reads them with the execution role (one ssm:GetParameters call
// per cold start) and sets the variables the app reads before importing it.
func environment(rt appspec.Runtime, secrets []secretParameter) (pulumi.StringMap, error) {
	env := rt.PlainEnvironment()
	if len(secrets) > 0 {
		v, err := secretParametersValue(secrets)
		if err != nil {
			return nil, err
		}
		env[SSMParametersEnv] = pulumi.String(v)
	}
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
	return env, nil
}
