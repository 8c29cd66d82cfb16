"""JSON lines on stdout for uvicorn's access and error logs (and the app's).

Used by entrypoint.sh through `uvicorn --log-config /app/log_config.json`.
Standard library only, so it can be tested without uvicorn or the app.

The request id: the app answers every request with a `fast-api-request-id`
header, which a logging filter cannot see. RequestIdMiddleware reads it as
the response starts and keeps it in a context variable; uvicorn writes its
access line inside the same `send` call, so the filter finds it there.
Lines logged outside a request carry no request_id.

Secrets in paths: the real UI's gate sends the upload token in the path
(GET /api/transfers/check-token/<token>), and any query value may be one.
Access lines keep the path with that segment and every query value replaced
by [REDACTED], in the path field and in the message alike.
"""
import contextvars
import datetime
import importlib
import json
import logging
import os
import re

REQUEST_ID_HEADER = b"fast-api-request-id"
request_id = contextvars.ContextVar("sgraph_send_request_id", default=None)

# uvicorn.access records carry these args, in this order.
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")
PATH_ARG = ACCESS_FIELDS.index("path")
REDACTED = "[REDACTED]"
# The segment after check-token, whatever the case or encoding of the name.
SECRET_SEGMENT = re.compile(r"(/check(?:-|%2d)token/)[^/?#]*", re.IGNORECASE)


def redact_path(path):
    """The path with check-token's segment and every query value redacted."""
    if not isinstance(path, str):
        return path
    head, sep, query = path.partition("?")
    head = SECRET_SEGMENT.sub(lambda m: m.group(1) + REDACTED, head)
    if sep:
        query = "&".join(
            part.partition("=")[0] + ("=" + REDACTED if "=" in part else "") for part in query.split("&")
        )
    return head + sep + query


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        access = record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == len(ACCESS_FIELDS)
        if access:
            args = list(record.args)
            args[PATH_ARG] = redact_path(args[PATH_ARG])
            record.args = tuple(args)
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if access:
            out.update(zip(ACCESS_FIELDS, record.args))
        rid = getattr(record, "request_id", None)
        if rid:
            out["request_id"] = rid
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """ASGI middleware: remembers the app's request id as the response starts."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            return await self.app(scope, receive, send)

        async def send_with_id(message):
            if message.get("type") == "http.response.start":
                for k, v in message.get("headers") or ():
                    if k.lower() == REQUEST_ID_HEADER:
                        request_id.set(v.decode("latin-1"))
                        break
            await send(message)

        return await self.app(scope, receive, send_with_id)


def create_app():
    """uvicorn --factory target: the app SGRAPH_SEND_FACTORY names, wrapped."""
    module, _, attr = os.environ["SGRAPH_SEND_FACTORY"].partition(":")
    factory = getattr(importlib.import_module(module), attr)
    return RequestIdMiddleware(factory())
