"""JSON lines on stdout for uvicorn's access and error logs (and the app's).

Used by entrypoint.sh through `uvicorn --log-config /app/log_config.json`.
Standard library only, so it can be tested without uvicorn or the app.

The request id: the app answers every request with a `fast-api-request-id`
header, which a logging filter cannot see. RequestIdMiddleware reads it as
the response starts and keeps it in a context variable; uvicorn writes its
access line inside the same `send` call, so the filter finds it there.
Lines logged outside a request carry no request_id.
"""
import contextvars
import datetime
import importlib
import json
import logging
import os

REQUEST_ID_HEADER = b"fast-api-request-id"
request_id = contextvars.ContextVar("sgraph_send_request_id", default=None)

# uvicorn.access records carry these args, in this order.
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        out = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == len(ACCESS_FIELDS):
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
