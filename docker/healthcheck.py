"""Container health check: GET <path> on the local app, exit 0 on HTTP 200.

Usage: healthcheck.py GET /info/health

GET, because the app answers HEAD with 405. The admin app protects every route,
/info/health included, so when FAST_API__AUTH__API_KEY__NAME/__VALUE are set in
the runtime environment the key is sent as that header. Nothing is baked into
the image; python's urllib is used because the slim base has no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def main(argv):
    method = argv[1] if len(argv) > 1 else "GET"
    path = os.environ.get("SGRAPH_SEND_HEALTH_PATH") or (argv[2] if len(argv) > 2 else "/info/health")
    port = os.environ.get("PORT", "8080")
    request = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path), method=method)
    name = os.environ.get("FAST_API__AUTH__API_KEY__NAME")
    value = os.environ.get("FAST_API__AUTH__API_KEY__VALUE")
    if name and value:
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print("healthcheck: %s %s failed: %s" % (method, path, exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
