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

uvicorn calls these with --factory (see entrypoint.sh). create_container_app
also puts UIRedirects in front of the container app (see below).
"""

import importlib
import json
import os
import re
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


# The container app's own entry point (user API + UI at /send/).
CONTAINER = "sgraph_ai_app_send__docker.app:create_app"

# SGRAPH_SEND_UI_REDIRECTS: "/from=/to,/from=/to", set by the stack from the
# appContract ui* keys (stacks/contract_proxy.go). Unset or empty: no redirects.
UI_REDIRECTS_ENV = "SGRAPH_SEND_UI_REDIRECTS"

# The same characters appspec.SafePath allows: nothing that needs quoting.
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~/-]{0,127}$")


def parse_redirects(value):
    """Maps exact path -> target path; a malformed entry raises ValueError so
    the process fails at start instead of serving a broken UI."""
    out = {}
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        src, sep, dst = item.partition("=")
        if not sep or not _SAFE_PATH.match(src) or not _SAFE_PATH.match(dst):
            raise ValueError(
                "%s entry %r must be /from=/to, paths of letters, digits and . _ ~ - /" % (UI_REDIRECTS_ENV, item)
            )
        out[src] = dst
    return out


class UIRedirects:
    """ASGI middleware: the app's broken UI entry points (v0.27.6: "/" ends on
    a 404 after the app's own redirect; the share link's /en-gb/download/ is
    404) answer 302 to the versioned pages that work, before the app sees them.

    In the image, so every target (Fargate, EC2, Cloud Run, docker run) gets
    the same fix without a proxy rule. Exact paths, GET and HEAD only; the query
    is kept. The share link's fragment (#<id>/<key>) never reaches a server, and
    browsers keep it across a redirect whose Location has none (RFC 9110
    10.2.2). 302, not 301: browsers would cache a permanent redirect beyond a
    fix of the app. A relative Location: no host, scheme or port to get wrong
    behind a load balancer, nginx or Cloud Run's front end. Answered before the
    token gate, as the ALB rules and nginx did: it tells nothing but a public
    path, and the page it points to still asks for the token.
    """

    def __init__(self, app, redirects):
        self.app = app
        self.redirects = dict(redirects)

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        target = None
        if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
            target = self.redirects.get(scope.get("path"))
        if target is None:
            return await self.app(scope, receive, send)
        query = scope.get("query_string") or b""
        location = target.encode("ascii") + (b"?" + query if query else b"")
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [(b"location", location), (b"content-length", b"0"), (b"cache-control", b"no-store")],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def with_ui_redirects(app, environ=None):
    """app behind UIRedirects when SGRAPH_SEND_UI_REDIRECTS names any; else app."""
    redirects = parse_redirects((environ if environ is not None else os.environ).get(UI_REDIRECTS_ENV, ""))
    return UIRedirects(app, redirects) if redirects else app


def create_container_app():
    """The container app (user API + UI, token-gated when a token is set),
    behind the UI redirects."""
    module, _, attr = CONTAINER.partition(":")
    return with_ui_redirects(getattr(importlib.import_module(module), attr)())


def create_user_app():
    """The transfer API under /api (no UI)."""
    return _build(USER)


def create_admin_app():
    """Tokens, keys, users and the /admin UI; key-protected."""
    return _build(ADMIN)
