"""Container health check: GET <path> on the local app, exit 0 on HTTP 200.

Usage: healthcheck.py GET /info/health

GET, because the app answers HEAD with 405. Every credential is read from the
runtime environment, so nothing secret is baked into the image or written into
a health-check command:
- the container app, with SGRAPH_SEND__ACCESS_TOKEN set, answers 401 on every
  route but /auth/set-cookie-form, /info/health included: the token is sent as
  header x-sgraph-access-token (SGRAPH_SEND_HEALTH_TOKEN_ENV and
  SGRAPH_SEND_HEALTH_TOKEN_HEADER rename them if the app's contract moves);
- the admin app protects every route: when FAST_API__AUTH__API_KEY__NAME and
  __VALUE are set, the key is sent as that header.
Python's urllib is used because the slim base has no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def headers(env):
    """The credential headers to send, from the environment env."""
    out = {}
    token = env.get(env.get("SGRAPH_SEND_HEALTH_TOKEN_ENV") or "SGRAPH_SEND__ACCESS_TOKEN")
    if token:
        out[env.get("SGRAPH_SEND_HEALTH_TOKEN_HEADER") or "x-sgraph-access-token"] = token
    name = env.get("FAST_API__AUTH__API_KEY__NAME")
    value = env.get("FAST_API__AUTH__API_KEY__VALUE")
    if name and value:
        out[name] = value
    return out


def main(argv):
    method = argv[1] if len(argv) > 1 else "GET"
    path = os.environ.get("SGRAPH_SEND_HEALTH_PATH") or (argv[2] if len(argv) > 2 else "/info/health")
    port = os.environ.get("PORT", "8080")
    request = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), method=method)
    for name, value in headers(os.environ).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        # The exception names the status or the socket error, never a header.
        print("healthcheck: %s %s failed: %s" % (method, path, exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
