#!/bin/bash
# Installs and runs SGraph Send (sgraph-ai-app-send) on Amazon Linux 2023.
#
# One file, every use (components/ec2 embeds it; Go prepends an env header):
#   run      user data at first boot: install, configure, start, wait for health
#   bake     EC2 Image Builder: install only (no secrets, no config, nothing started),
#            so an instance from the baked AMI runs exactly what `run` would install
#   secrets  ExecStartPre of the unit (the copy installed by `run`): refresh the
#            EnvironmentFile from SSM, so a rotated token needs only a restart
#   unit     print the systemd unit `run` would write; changes nothing (for tests)
#   renewal  print acme.sh's renewal units; changes nothing (for tests)
#   nginx    print the nginx config `run` would write; changes nothing (for tests)
#   files    write the app's Python modules and log config to $APP_DIR as `run` does (for tests)
#   health   wait for the app on 127.0.0.1:$PORT$HEALTH_PATH as `run` does (for tests)
# Idempotent: a second run changes nothing but restarting the services.
#
# Inputs, as variables (the header) or environment; the mode may also be $1:
#   SGRAPH_SEND_MODE           run | bake | secrets | unit (default run)
#   SGRAPH_SEND_VERSION        exact sgraph-ai-app-send version (required for run, bake)
#   SGRAPH_SEND_PORT           loopback port of uvicorn (default 8080)
#   SGRAPH_SEND_HEALTH_PATH    GET route answering 200 when up (default /info/health)
#   SGRAPH_SEND_REGION         AWS region for the CLI and boto3 (run, secrets)
#   SGRAPH_SEND_APP_ENV        plain app environment, one NAME=value per line
#   SGRAPH_SEND_SECRET_PARAMS  secret app environment, one NAME=/ssm/parameter per line;
#                              values are SecureString parameters fetched at start
#   SGRAPH_SEND_TLS_PARAMETER  SSM prefix holding <prefix>/cert and <prefix>/key (PEM);
#                              empty: a self-signed certificate for the public DNS name
#   SGRAPH_SEND_DOMAIN         no TLS parameter: certbot gets the certificate (acme.sh)
#   SGRAPH_SEND_LOG_GROUP      CloudWatch log group for app and nginx logs (run)
#   SGRAPH_SEND_HEALTH_AUTH    headers the readiness checks send, one header=SECRET_VAR per
#                              line; values come from the secrets file, never a command line
#   SGRAPH_SEND_HEALTH_TRIES   readiness attempts, 2 s apart (default 90)
#   SGRAPH_SEND_ENTRY_PY, SGRAPH_SEND_LOGGING_PY, SGRAPH_SEND_LOG_CONFIG
#                              the image's sgraph_entry.py, sgraph_logging.py and
#                              log_config.json (docker/), written to $APP_DIR (run): uvicorn
#                              runs the same UI redirect layer and JSON logging as the image
#   SGRAPH_SEND_APP_DIR        where they are written (default /opt/sgraph-send/app; tests)
#
# TLS: nginx terminates TLS on 443 and proxies to uvicorn on 127.0.0.1, so the app
# runs unprivileged with no capability and never reads the private key.
set -euo pipefail
umask 022

MODE="${1:-${SGRAPH_SEND_MODE:-run}}"
VERSION="${SGRAPH_SEND_VERSION:-}"
PORT="${SGRAPH_SEND_PORT:-8080}"
HEALTH_PATH="${SGRAPH_SEND_HEALTH_PATH:-/info/health}"
REGION="${SGRAPH_SEND_REGION:-}"
APP_ENV="${SGRAPH_SEND_APP_ENV:-}"
SECRET_PARAMS="${SGRAPH_SEND_SECRET_PARAMS:-}"
TLS_PARAMETER="${SGRAPH_SEND_TLS_PARAMETER:-}"
DOMAIN="${SGRAPH_SEND_DOMAIN:-}"
LOG_GROUP="${SGRAPH_SEND_LOG_GROUP:-}"
HEALTH_AUTH="${SGRAPH_SEND_HEALTH_AUTH:-}"
HEALTH_TRIES="${SGRAPH_SEND_HEALTH_TRIES:-90}"
ENTRY_PY="${SGRAPH_SEND_ENTRY_PY:-}"
LOGGING_PY="${SGRAPH_SEND_LOGGING_PY:-}"
LOG_CONFIG="${SGRAPH_SEND_LOG_CONFIG:-}"

readonly APP_USER=sgraph-send
readonly APP_HOME=/var/lib/sgraph-send
readonly VENV=/opt/sgraph-send/venv
readonly CONF_DIR=/etc/sgraph-send
readonly SECRETS_FILE="${SGRAPH_SEND_SECRETS_FILE:-/etc/sgraph-send/secrets.env}"
readonly TLS_DIR=/etc/pki/sgraph-send
# One year, this name only (other names of the domain are not ours); the same
# value as the Fargate load balancer's (components/fargate: HSTS).
readonly HSTS="max-age=31536000"
readonly SELF=/usr/local/sbin/sgraph-send-setup
readonly UNIT=/etc/systemd/system/sgraph-send.service
# As in the image (docker/entrypoint.sh): uvicorn runs sgraph_logging's wrapper
# around sgraph_entry's container app (the UI redirects in front of the app).
readonly APP_DIR="${SGRAPH_SEND_APP_DIR:-/opt/sgraph-send/app}"
readonly FACTORY=sgraph_entry:create_container_app
readonly PACKAGES=(python3.12 python3.12-pip nginx openssl awscli-2)
# certbot in its own virtualenv: AL2023 has no certbot package.
readonly CERTBOT_VENV=/opt/sgraph-send/certbot
readonly CERTBOT_VERSION=5.8.0
readonly CERTBOT_PINS=("certbot==$CERTBOT_VERSION" "certbot-dns-route53==$CERTBOT_VERSION" "acme==$CERTBOT_VERSION")

log() { printf 'sgraph-send-setup [%s]: %s\n' "$MODE" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

validate() {
	[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "SGRAPH_SEND_VERSION must be an exact version like 0.27.6, got '$VERSION'"
	if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1024 || PORT > 65535)); then
		die "SGRAPH_SEND_PORT must be 1024..65535"
	fi
	[[ "$HEALTH_PATH" == /* ]] || die "SGRAPH_SEND_HEALTH_PATH must start with /"
	[[ "$HEALTH_TRIES" =~ ^[1-9][0-9]*$ ]] || die "SGRAPH_SEND_HEALTH_TRIES must be a positive number"
}

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if ((${#missing[@]} > 0)); then
		log "installing ${missing[*]}"
		dnf install -y "${missing[@]}"
	fi
}

ensure_user() {
	if ! id -u "$APP_USER" >/dev/null 2>&1; then
		useradd --system --home-dir "$APP_HOME" --shell /sbin/nologin "$APP_USER"
	fi
	install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$APP_HOME"
}

installed_version() {
	"$VENV/bin/python" -m pip show sgraph-ai-app-send 2>/dev/null | sed -n 's/^Version: //p' || true
}

# install_app pins the app in a root-owned virtualenv: the service user can run
# it but not change it.
install_app() {
	[[ -x "$VENV/bin/python" ]] || python3.12 -m venv "$VENV"
	if [[ -x "$VENV/bin/uvicorn" && "$(installed_version)" == "$VERSION" ]]; then
		log "sgraph-ai-app-send $VERSION already installed"
		return
	fi
	"$VENV/bin/python" -m pip install --no-cache-dir --upgrade pip
	"$VENV/bin/python" -m pip install --no-cache-dir "sgraph-ai-app-send==$VERSION" uvicorn
	[[ "$(installed_version)" == "$VERSION" ]] || die "pip did not install sgraph-ai-app-send $VERSION"
}

# install_app_files writes the image's Python modules and log config, root-owned
# and world-readable: the service user runs them but cannot change them.
install_app_files() {
	[[ -n "$ENTRY_PY" && -n "$LOGGING_PY" && -n "$LOG_CONFIG" ]] || die "SGRAPH_SEND_ENTRY_PY, SGRAPH_SEND_LOGGING_PY and SGRAPH_SEND_LOG_CONFIG are required"
	install -d -m 0755 "$APP_DIR"
	printf '%s' "$ENTRY_PY" >"$APP_DIR/sgraph_entry.py"
	printf '%s' "$LOGGING_PY" >"$APP_DIR/sgraph_logging.py"
	printf '%s' "$LOG_CONFIG" >"$APP_DIR/log_config.json"
	chmod 0644 "$APP_DIR/sgraph_entry.py" "$APP_DIR/sgraph_logging.py" "$APP_DIR/log_config.json"
}

# install_self keeps the rendered script (header included) for ExecStartPre.
install_self() {
	[[ -f "$0" ]] || die "run me from a file so the unit can call me again"
	[[ "$0" -ef "$SELF" ]] || install -m 0700 -o root -g root "$0" "$SELF"
}

fetch_secrets() {
	[[ -n "$REGION" ]] || die "SGRAPH_SEND_REGION is required to read secrets from SSM"
	install -d -m 0755 "$CONF_DIR"
	local tmp line name param value
	tmp="$(mktemp "$CONF_DIR/.secrets.XXXXXX")"
	while IFS= read -r line; do
		[[ -n "$line" ]] || continue
		name="${line%%=*}"
		param="${line#*=}"
		[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad secret variable name '$name'"
		value="$(aws ssm get-parameter --region "$REGION" --name "$param" --with-decryption \
			--query Parameter.Value --output text)"
		[[ "$value" != *"'"* && "$value" != *$'\n'* ]] || die "secret $name holds a quote or newline, which an EnvironmentFile cannot carry"
		printf "%s='%s'\n" "$name" "$value" >>"$tmp"
		log "fetched $name from $param"
	done <<<"$SECRET_PARAMS"
	chown "$APP_USER:$APP_USER" "$tmp"
	chmod 0400 "$tmp"
	mv -f "$tmp" "$SECRETS_FILE"
}

# unit_env renders the plain environment as Environment= lines; values that
# systemd would interpret (quotes, backslashes, % specifiers) are refused.
unit_env() {
	local line
	printf 'Environment="HOME=%s"\n' "$APP_HOME"
	printf 'Environment="AWS_DEFAULT_REGION=%s"\n' "$REGION"
	printf 'Environment="SGRAPH_SEND_FACTORY=%s"\n' "$FACTORY"
	while IFS= read -r line; do
		[[ -n "$line" ]] || continue
		[[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\\%]*$ ]] || die "bad app environment line '$line'"
		printf 'Environment="%s"\n' "$line"
	done <<<"$APP_ENV"
}

render_unit() {
	local env
	env="$(unit_env)"
	cat <<EOF
[Unit]
Description=SGraph Send (sgraph-ai-app-send $VERSION)
Wants=network-online.target
After=network-online.target
StartLimitIntervalSec=0

[Service]
Type=simple
User=$APP_USER
Group=$APP_USER
WorkingDirectory=$APP_HOME
$env
# Runs as root ("+") before every start: a rotated secret needs only a restart.
ExecStartPre=+$SELF secrets
EnvironmentFile=$SECRETS_FILE
# JSON lines on stdout, as in the image; the journal keeps them verbatim.
ExecStart=$VENV/bin/uvicorn sgraph_logging:create_app --factory --app-dir $APP_DIR --host 127.0.0.1 --port $PORT --proxy-headers --log-config $APP_DIR/log_config.json
Restart=on-failure
RestartSec=5
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=$APP_HOME

[Install]
WantedBy=multi-user.target
EOF
}

write_unit() {
	local unit
	unit="$(render_unit)"
	printf '%s\n' "$unit" >"$UNIT"
	chmod 0644 "$UNIT"
}

imds() {
	local token
	token="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token \
		-H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
	curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

tls_from_ssm() {
	local tmp
	tmp="$(mktemp -d)"
	aws ssm get-parameter --region "$REGION" --name "$TLS_PARAMETER/cert" --with-decryption \
		--query Parameter.Value --output text >"$tmp/cert.pem"
	(
		umask 077
		aws ssm get-parameter --region "$REGION" --name "$TLS_PARAMETER/key" --with-decryption \
			--query Parameter.Value --output text >"$tmp/key.pem"
	)
	openssl x509 -in "$tmp/cert.pem" -noout || die "$TLS_PARAMETER/cert is not a PEM certificate"
	openssl pkey -in "$tmp/key.pem" -noout || die "$TLS_PARAMETER/key is not a PEM private key"
	install -m 0644 "$tmp/cert.pem" "$TLS_DIR/cert.pem"
	install -m 0600 "$tmp/key.pem" "$TLS_DIR/key.pem"
	rm -rf "$tmp"
	log "certificate from $TLS_PARAMETER"
}

tls_self_signed() {
	local host san
	host="$(imds public-hostname 2>/dev/null || true)"
	if [[ -n "$host" ]]; then
		san="DNS:$host"
	else
		host="$(imds local-ipv4)"
		san="IP:$host"
	fi
	if [[ -s "$TLS_DIR/cert.pem" && -s "$TLS_DIR/key.pem" ]] &&
		openssl x509 -in "$TLS_DIR/cert.pem" -noout -ext subjectAltName 2>/dev/null | grep -qF "$san"; then
		log "self-signed certificate for $host already present"
		return
	fi
	(
		umask 077
		openssl req -x509 -newkey rsa:2048 -sha256 -days 825 -nodes -subj "/CN=$host" \
			-addext "subjectAltName=$san" -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
	)
	chmod 0644 "$TLS_DIR/cert.pem"
	log "self-signed certificate for $san"
}

# At bake (a baked AMI needs no pip at boot) and at run with a domain.
install_certbot() {
	[[ -x "$CERTBOT_VENV/bin/python" ]] || python3.12 -m venv "$CERTBOT_VENV"
	[[ "$("$CERTBOT_VENV/bin/certbot" --version 2>/dev/null || true)" != "certbot $CERTBOT_VERSION" ]] || return 0
	"$CERTBOT_VENV/bin/python" -m pip install --no-cache-dir "${CERTBOT_PINS[@]}"
}

configure_tls() {
	install -d -m 0755 "$TLS_DIR"
	if [[ -n "$TLS_PARAMETER" ]]; then
		tls_from_ssm
	elif [[ -n "$DOMAIN" ]]; then
		tls_acme
	else
		tls_self_signed
	fi
}

# render_nginx prints the nginx.conf that replaces the distribution's, so
# nothing listens on 80. No secret in the access log: the real UI's gate sends
# the upload token in the path (GET /api/transfers/check-token/<token>) and any
# query value may be one, so the logged URI drops that segment and the query
# values (nginx map: the first matching regex wins); no Referer is logged.
render_nginx() {
	cat <<EOF
# Written by $SELF: TLS on 443 in front of uvicorn on 127.0.0.1:$PORT.
user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
include /usr/share/nginx/modules/*.conf;
events { worker_connections 1024; }
http {
    map \$request_uri \$log_uri {
        "~*^(?<k>[^?]*/check(-|%2d)token/)" "\${k}[REDACTED]";
        "~^(?<k>[^?]*)[?]" "\${k}?[REDACTED]";
        default \$request_uri;
    }
    log_format redacted '\$remote_addr [\$time_local] "\$request_method \$log_uri \$server_protocol" \$status \$body_bytes_sent \$request_time "\$http_user_agent"';
    access_log /var/log/nginx/access.log redacted;
    server_tokens off;
    server {
        listen 443 ssl;
        listen [::]:443 ssl;
        ssl_certificate $TLS_DIR/cert.pem;
        ssl_certificate_key $TLS_DIR/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:SSL:10m;
        # HSTS, on every answer (redirects and errors too): browsers then never
        # try plain HTTP for this name, where nothing listens. Browsers ignore
        # it over an untrusted (self-signed, ACME staging) certificate.
        add_header Strict-Transport-Security "$HSTS" always;
        # Transfers are uploaded as one raw body: the app enforces its own limits.
        client_max_body_size 0;
        proxy_request_buffering off;
        location / {
            proxy_pass http://127.0.0.1:$PORT;
            proxy_http_version 1.1;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 300s;
        }
    }
}
EOF
}

write_nginx() {
	local conf
	conf="$(render_nginx)"
	printf '%s\n' "$conf" >/etc/nginx/nginx.conf
	if command -v getenforce >/dev/null 2>&1 && [[ "$(getenforce)" == Enforcing ]]; then
		setsebool -P httpd_can_network_connect 1
	fi
	nginx -t
}

# secret_value prints variable $1 from the secrets file as fetch_secrets wrote
# it (NAME='value', no quote or newline inside); nothing when absent.
secret_value() {
	[[ -r "$SECRETS_FILE" ]] || return 0
	sed -n "s/^$1='\\(.*\\)'\$/\\1/p" "$SECRETS_FILE"
}

# health_headers writes the HEALTH_AUTH headers to file $1 (created 0600 by
# mktemp) for `curl -H @file`: the upload token never appears on a command line
# that `ps` shows. With the token set, the app answers 401 without it.
health_headers() {
	local file="$1" line header name value
	while IFS= read -r line; do
		[[ -n "$line" ]] || continue
		header="${line%%=*}"
		name="${line#*=}"
		[[ "$header" =~ ^[A-Za-z0-9-]+$ && "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad health auth line '$line'"
		value="$(secret_value "$name")"
		if [[ -n "$value" ]]; then
			printf '%s: %s\n' "$header" "$value" >>"$file"
		else
			log "no $name in $SECRETS_FILE: checking without $header"
		fi
	done <<<"$HEALTH_AUTH"
}

wait_healthy() {
	local url="$1" unit="$2" headers ok=1
	headers="$(mktemp)"
	health_headers "$headers" || {
		rm -f "$headers"
		die "cannot prepare the health check headers"
	}
	for _ in $(seq 1 "$HEALTH_TRIES"); do
		if curl -fsSk -o /dev/null -H "@$headers" "$url"; then
			ok=0
			break
		fi
		sleep 2
	done
	rm -f "$headers"
	if ((ok == 0)); then
		log "healthy: $url"
		return 0
	fi
	journalctl -u "$unit" --no-pager -n 50 >&2 || true
	die "no 200 from $url after $((HEALTH_TRIES * 2))s"
}

start() {
	systemctl daemon-reload
	systemctl enable sgraph-send.service nginx.service
	systemctl restart sgraph-send.service
	wait_healthy "http://127.0.0.1:$PORT$HEALTH_PATH" sgraph-send.service
	systemctl restart nginx.service
	wait_healthy "https://127.0.0.1$HEALTH_PATH" nginx.service
}

readonly APP_LOG=/var/log/sgraph-send.log AGENT=/opt/aws/amazon-cloudwatch-agent
install_log_agent() { rpm -q amazon-cloudwatch-agent >/dev/null 2>&1 || dnf install -y amazon-cloudwatch-agent; }
render_agent_config() {
	[[ "$LOG_GROUP" =~ ^[A-Za-z0-9_/.#-]+$ ]] || die "bad SGRAPH_SEND_LOG_GROUP"
	local f s=
	printf '{"logs":{"logs_collected":{"files":{"collect_list":['
	for f in $APP_LOG /var/log/nginx/{access,error}.log; do
		printf '%s{"file_path":"%s","log_group_name":"%s","log_stream_name":"{instance_id}/%s"}' "$s" "$f" "$LOG_GROUP" "${f##*/}"
		s=,
	done
	printf ']}}}}\n'
}
configure_log_agent() {
	[[ -n "$LOG_GROUP" ]] || return 0
	render_agent_config >"$AGENT/etc/sgraph-send.json"
	printf '[Service]\nExecStart=journalctl -fu sgraph-send -o cat\nStandardOutput=append:%s\nRestart=always\n[Install]\nWantedBy=multi-user.target\n' \
		"$APP_LOG" >/etc/systemd/system/sgraph-send-journal.service
	printf '%s {\n daily\n rotate 3\n copytruncate\n}\n' "$APP_LOG" >/etc/logrotate.d/sgraph-send
	systemctl daemon-reload
	systemctl enable --now sgraph-send-journal.service
	"$AGENT/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s -c "file:$AGENT/etc/sgraph-send.json"
}

main() {
	case "$MODE" in
	bake)
		validate
		install_packages
		ensure_user
		install_app
		install_certbot
		install_log_agent
		dnf clean all
		;;
	run)
		validate
		[[ -n "$REGION" ]] || die "SGRAPH_SEND_REGION is required"
		install_packages
		ensure_user
		install_app
		install_app_files
		install_self
		write_unit
		fetch_secrets
		configure_tls
		write_nginx
		install_log_agent
		configure_log_agent
		start
		;;
	secrets)
		fetch_secrets
		;;
	unit)
		validate
		render_unit
		;;
	renewal)
		validate_acme
		render_renewal_service
		render_renewal_timer
		;;
	logconfig)
		render_agent_config
		;;
	files)
		install_app_files
		;;
	nginx)
		validate
		render_nginx
		;;
	health)
		validate
		wait_healthy "http://127.0.0.1:$PORT$HEALTH_PATH" sgraph-send.service
		;;
	*)
		die "unknown mode '$MODE'; use run, bake, secrets, unit, renewal, logconfig, files, nginx or health"
		;;
	esac
}

main
