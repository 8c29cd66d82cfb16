#!/bin/sh
# Starts one of the app's three entry points under uvicorn, chosen by
# SGRAPH_SEND_APP (appspec.ModeEnv): user | admin | container.
#
# container goes through sgraph_entry too: its UI redirects (SGRAPH_SEND_UI_REDIRECTS)
# sit in front of the app. user and admin go through sgraph_entry, never through the app's
# lambda_handler__user/__admin modules: those download dependency zips from
# the original publisher's S3 bucket at import time whenever AWS_REGION is set,
# which is always the case on Lambda and on ECS Fargate.
set -eu

mode="${SGRAPH_SEND_APP:-container}"
port="${PORT:-8080}"

case "$mode" in
  user)      app="sgraph_entry:create_user_app" ;;
  admin)     app="sgraph_entry:create_admin_app" ;;
  container) app="sgraph_entry:create_container_app" ;;
  *)
    # The value is not printed: an env-name override gone wrong can put a
    # secret (the upload token) in this variable, and stderr is the log.
    echo "entrypoint: SGRAPH_SEND_APP must be user, admin or container (its value, ${#mode} characters, is not shown)" >&2
    exit 64
    ;;
esac

case "$port" in
  ''|*[!0-9]*)
    echo "entrypoint: PORT must be a number (its value, ${#port} characters, is not shown)" >&2
    exit 64
    ;;
esac

# Logs are JSON lines on stdout (log_config.json); sgraph_logging wraps the
# app so access lines carry its fast-api-request-id.
export SGRAPH_SEND_FACTORY="$app"
app="sgraph_logging:create_app"

# exec: uvicorn becomes PID 1's child-free replacement and receives SIGTERM
# directly, so ECS, Cloud Run and Lambda shut it down cleanly.
exec python -m uvicorn "$app" --factory --app-dir /app \
  --host 0.0.0.0 --port "$port" \
  --proxy-headers --forwarded-allow-ips '*' \
  --log-config /app/log_config.json "$@"
