#!/usr/bin/env bash
# Build the Pulumi CLI from the Go module proxy, with nothing but Go installed.
#
# `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@VERSION` refuses the module
# because its go.mod has replace directives. So this builds it from a throwaway
# wrapper module (in a mktemp -d folder, never in the repository) that requires pkg
# and sdk at the same version and copies pkg's non-local replace directives (today
# only `github.com/atotto/clipboard => github.com/tgummerer/clipboard ...`), read
# from pkg's go.mod in the module cache. pkg's local `sdk/v3 => ../sdk` replace is
# covered by requiring sdk at the same version.
#
# Only the `pulumi` binary is built: Automation API inline programs run in the
# test's own process, so no language host (pulumi-language-go) is needed, and no
# provider plugin is built, so only programs that export outputs can run.
#
# Usage: bash scripts/build-pulumi-cli.sh OUTDIR    # writes OUTDIR/pulumi
# Then:  PULUMI_CLI=OUTDIR/pulumi go test ./cmd/smoke/
# Takes minutes cold (about 6 on 2 cores); the Go build cache makes reruns quick.
set -euo pipefail

# Keep in step with github.com/pulumi/pulumi/sdk/v3 in go.mod.
version=v3.274.1
pkg=github.com/pulumi/pulumi/pkg/v3
sdk=github.com/pulumi/pulumi/sdk/v3

log() { printf 'build-pulumi-cli: %s\n' "$*" >&2; }

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
	log "usage: $0 OUTDIR   (writes OUTDIR/pulumi)"
	exit 2
fi
command -v go >/dev/null 2>&1 || {
	log "go not found on PATH"
	exit 1
}

mkdir -p "$1"
outdir="$(cd "$1" && pwd)"
start=$SECONDS

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# The wrapper is its own main module: no workspace, no vendoring.
export GOWORK=off GOFLAGS="${GOFLAGS:-} -mod=mod"

log "wrapper module in $work ($(go version))"
go mod init example.invalid/pulumi-cli-build >/dev/null 2>&1
go get "$pkg/cmd/pulumi@$version" "$sdk@$version"

pkgdir="$(go list -m -f '{{.Dir}}' "$pkg")"
[ -f "$pkgdir/go.mod" ] || {
	log "no go.mod for $pkg in the module cache (looked in '$pkgdir')"
	exit 1
}

# Replace directives of pkg's go.mod, one-line or in a block, whose target is a
# module (not a ../ or ./ path): printed as "old[@v]=new@v" for go mod edit.
mapfile -t replaces < <(awk '
	/^replace[ \t]*\($/ { block = 1; next }
	block && /^\)/      { block = 0; next }
	/^replace[ \t]/     { sub(/^replace[ \t]+/, ""); line = 1 }
	block || line {
		line = 0
		sub(/[ \t]*\/\/.*$/, ""); sub(/^[ \t]+/, "")
		n = split($0, f, /[ \t]+/)
		for (i = 1; i <= n && f[i] != "=>"; i++) ;
		if (i > n) next
		old = f[1]; if (i == 3) old = old "@" f[2]
		new = f[i + 1]
		if (new ~ /^\.\.?\// || new ~ /^\//) next
		if (i + 2 <= n) new = new "@" f[i + 2]
		print old "=" new
	}
' "$pkgdir/go.mod")

found_clipboard=0
for r in "${replaces[@]}"; do
	log "replace from $pkg@$version's go.mod: $r"
	go mod edit -replace "$r"
	case "$r" in github.com/atotto/clipboard=*) found_clipboard=1 ;; esac
done
if [ "$found_clipboard" -ne 1 ]; then
	log "expected a github.com/atotto/clipboard replace in $pkgdir/go.mod; found: ${replaces[*]:-none}"
	exit 1
fi
# Resolve again so go.sum covers the replacements.
go get "$pkg/cmd/pulumi@$version" "$sdk@$version"

log "building $pkg/cmd/pulumi@$version (minutes when cold)"
CGO_ENABLED=0 go build -trimpath \
	-ldflags "-X $sdk/go/common/version.Version=$version" \
	-o "$work/pulumi" "$pkg/cmd/pulumi"
mv -f "$work/pulumi" "$outdir/pulumi"

got="$("$outdir/pulumi" version)"
if [ "$got" != "$version" ]; then
	log "built binary reports version '$got', want $version"
	exit 1
fi
log "wrote $outdir/pulumi ($got) in $((SECONDS - start))s"
