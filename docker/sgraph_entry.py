"""ASGI app factories for the user and admin APIs that never import the app's
Lambda handler modules.

Why: sgraph_ai_app_send.lambda__user.lambda_function.lambda_handler__user (and
the admin twin) download dependency zips from an S3 bucket of the original
publisher's account at import time whenever AWS_REGION is set - always on
Lambda, and on ECS Fargate too - and fail to start when that zip is missing.
Every dependency is already installed in this image, so we build the FastAPI
app the way those modules do after their download step: instantiate the app's
Fast_API class, call setup() and take app().

The class names below are read from the app's public source (the handler
modules do exactly this). If a future release moves them, we fall back to
importing the handler module with AWS_REGION removed for the duration of the
import only (its download runs only when AWS_REGION is set), then restore it so
boto3 and the app see the region at run time. Either way, no foreign bucket.

uvicorn calls these with --factory (see entrypoint.sh).
"""

import importlib
import json
import os
import sys

USER = (
    "sgraph_ai_app_send.lambda__user.fast_api.Fast_API__SGraph__App__Send__User",
    "Fast_API__SGraph__App__Send__User",
    "sgraph_ai_app_send.lambda__user.lambda_function.lambda_handler__user",
)
ADMIN = (
    "sgraph_ai_app_send.lambda__admin.fast_api.Fast_API__SGraph__App__Send__Admin",
    "Fast_API__SGraph__App__Send__Admin",
    "sgraph_ai_app_send.lambda__admin.lambda_function.lambda_handler__admin",
)

# The variable whose presence makes the handler modules download at import.
_TRIGGER = "AWS_REGION"


def _from_class(module_name, class_name):
    module = importlib.import_module(module_name)
    fast_api = getattr(module, class_name)()
    fast_api.setup()
    return fast_api.app()


def _from_handler_without_download(module_name):
    saved = os.environ.pop(_TRIGGER, None)
    try:
        module = importlib.import_module(module_name)
    finally:
        if saved is not None:
            os.environ[_TRIGGER] = saved
    app = getattr(module, "app", None)
    if app is None:
        # Inside Lambda the handler module swallows its start-up error into
        # `error`; surface it so the function fails loudly instead of serving 500s.
        raise RuntimeError(getattr(module, "error", None) or module_name + " built no app")
    return app


# Secrets at rest: on Lambda the admin key and upload token are not in the
# function's environment (anyone with lambda:GetFunctionConfiguration reads
# that). The environment carries only this variable: a JSON object mapping each
# secret's variable name to an SSM SecureString parameter name. We resolve them
# here, once per cold start, before the app is imported, with one
# ssm:GetParameters call. Chosen over the AWS Parameters and Secrets Lambda
# Extension: image functions take no layers, so the extension would be one more
# binary baked into the image plus a localhost HTTP hop and a session token to
# pass; boto3 is already in the image (the app's s3 storage uses it) and the
# execution role grants ssm:GetParameters on exactly these parameters.
SSM_PARAMETERS = "SGRAPH_SEND_SSM_PARAMETERS"


def load_secret_parameters(environ=os.environ, client=None):
    """Sets each variable named in SGRAPH_SEND_SSM_PARAMETERS from SSM.

    Fails loudly (the function then fails its readiness check) when a
    parameter is missing: an app without its key would answer 401 to all.
    Never prints a value.
    """
    raw = environ.get(SSM_PARAMETERS)
    if not raw:
        return []
    wanted = json.loads(raw)
    if not isinstance(wanted, dict) or not all(isinstance(v, str) for v in wanted.values()):
        raise RuntimeError(SSM_PARAMETERS + " must be a JSON object of variable name to parameter name")
    if client is None:
        import boto3  # imported here: only Lambda's user/admin entry points need it

        client = boto3.client("ssm")
    names = sorted(set(wanted.values()))
    answer = client.get_parameters(Names=names, WithDecryption=True)
    values = {p["Name"]: p["Value"] for p in answer.get("Parameters", [])}
    missing = sorted(set(names) - set(values)) + sorted(answer.get("InvalidParameters", []))
    if missing:
        raise RuntimeError("sgraph_entry: SSM parameters not found or not readable: " + ", ".join(sorted(set(missing))))
    for env_name, param in sorted(wanted.items()):
        environ[env_name] = values[param]
    environ.pop(SSM_PARAMETERS, None)
    return sorted(wanted)


def _build(spec):
    module_name, class_name, handler_module = spec
    loaded = load_secret_parameters()
    if loaded:
        print("sgraph_entry: read %s from SSM" % ", ".join(loaded), file=sys.stderr)
    try:
        return _from_class(module_name, class_name)
    except (ImportError, AttributeError) as exc:
        print(
            "sgraph_entry: %s.%s unavailable (%s); importing %s with %s unset"
            % (module_name, class_name, exc, handler_module, _TRIGGER),
            file=sys.stderr,
        )
        return _from_handler_without_download(handler_module)


def create_user_app():
    """The transfer API under /api (no UI)."""
    return _build(USER)


def create_admin_app():
    """Tokens, keys, users and the /admin UI; key-protected."""
    return _build(ADMIN)
