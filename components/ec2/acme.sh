# shellcheck shell=bash
# ACME for the EC2 instance: obtain its certificate by DNS-01 in Route 53 with
# certbot and renew it on a systemd timer. Go renders this file in front of
# install.sh only when SGRAPH_SEND_DOMAIN is set (install.sh calls tls_acme and,
# in mode renewal, the render functions), keeping user data and the Image
# Builder document under their 16 KB limits when there is no domain.
# Inputs: SGRAPH_SEND_DOMAIN (the instance's name, a record in the zone the
# role may change only the _acme-challenge TXT of) and SGRAPH_SEND_ACME_SERVER
# (ACME directory URL: Let's Encrypt staging or production).
ACME_SERVER="${SGRAPH_SEND_ACME_SERVER:-}"
readonly CERT_NAME=sgraph-send
readonly RENEW_UNIT=/etc/systemd/system/sgraph-send-certbot
readonly RELOAD_NGINX="systemctl try-reload-or-restart nginx.service"

validate_acme() {
	[[ "$DOMAIN" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$ ]] || die "SGRAPH_SEND_DOMAIN must be a lowercase DNS name, got '$DOMAIN'"
	[[ "$ACME_SERVER" =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$ ]] || die "SGRAPH_SEND_ACME_SERVER must be an https ACME directory URL, got '$ACME_SERVER'"
}

# The renewal service and its timer: twice a day, as ACME CAs ask; certbot
# renews only within 30 days of expiry and reloads nginx only after a renewal.
render_renewal_service() {
	cat <<EOF
[Unit]
Description=Renew the SGraph Send certificate for $DOMAIN (certbot, Route 53 DNS-01)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
Environment="AWS_DEFAULT_REGION=$REGION"
ExecStart=$CERTBOT_VENV/bin/certbot renew --quiet --cert-name $CERT_NAME --deploy-hook "$RELOAD_NGINX"
EOF
}

render_renewal_timer() {
	cat <<EOF
[Unit]
Description=Twice-daily renewal check of the SGraph Send certificate

[Timer]
OnCalendar=*-*-* 00,12:00:00
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
EOF
}

write_renewal() {
	local service timer
	service="$(render_renewal_service)"
	timer="$(render_renewal_timer)"
	printf '%s\n' "$service" >"$RENEW_UNIT.service"
	printf '%s\n' "$timer" >"$RENEW_UNIT.timer"
	chmod 0644 "$RENEW_UNIT.service" "$RENEW_UNIT.timer"
	systemctl daemon-reload
	systemctl enable --now sgraph-send-certbot.timer
}

# tls_acme obtains the certificate for DOMAIN by DNS-01 (no inbound port:
# only 443 is open) and points nginx's certificate paths at certbot's live
# copies, so a renewal needs only an nginx reload.
tls_acme() {
	validate_acme
	install_certbot
	local live="/etc/letsencrypt/live/$CERT_NAME"
	AWS_DEFAULT_REGION="$REGION" "$CERTBOT_VENV/bin/certbot" certonly --non-interactive --agree-tos \
		--register-unsafely-without-email --server "$ACME_SERVER" \
		--authenticator dns-route53 --domain "$DOMAIN" --cert-name "$CERT_NAME" \
		--key-type ecdsa --keep-until-expiring --deploy-hook "$RELOAD_NGINX" ||
		die "certbot could not obtain a certificate for $DOMAIN from $ACME_SERVER (see /var/log/letsencrypt/letsencrypt.log)"
	[[ -s "$live/fullchain.pem" && -s "$live/privkey.pem" ]] || die "certbot left no certificate in $live"
	ln -sfn "$live/fullchain.pem" "$TLS_DIR/cert.pem"
	ln -sfn "$live/privkey.pem" "$TLS_DIR/key.pem"
	write_renewal
	log "certificate for $DOMAIN from $ACME_SERVER, renewed by sgraph-send-certbot.timer"
}
