#!/usr/bin/env bash
# Check every shell script of the repository (every *.sh outside .git): `bash -n`
# for syntax, then shellcheck at its default (strictest) severity. Any finding
# fails the run. shellcheck comes from Debian/Ubuntu's archive when missing.
#
# Usage: bash scripts/check-shell.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'check-shell: %s\n' "$*" >&2; }

if ! command -v shellcheck >/dev/null 2>&1; then
	log "shellcheck missing: installing it from the distribution's archive"
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || {
			log "not root and no sudo: install shellcheck (apt-get install -y shellcheck) and rerun"
			exit 1
		}
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update
	"${sudo[@]}" apt-get install -y shellcheck
fi
log "$(shellcheck --version | sed -n 's/^version: /shellcheck /p')"

scripts=()
while IFS= read -r -d '' f; do
	scripts+=("$f")
done < <(find . -name .git -prune -o -type f -name '*.sh' -print0 | sort -z)
# CI's entry point is a bash script without the .sh suffix.
[ -f .ci/run ] && scripts+=(./.ci/run)

if [ "${#scripts[@]}" -eq 0 ]; then
	log "no *.sh files found"
	exit 0
fi

failed=0
for f in "${scripts[@]}"; do
	if ! bash -n "$f"; then
		log "bash -n failed: $f"
		failed=1
	fi
done
# -x follows `source`d files; each script is checked from its own directory's view.
if ! shellcheck -x --source-path=SCRIPTDIR "${scripts[@]}"; then
	failed=1
fi

if [ "$failed" -ne 0 ]; then
	log "FAILED: fix the findings above"
	exit 1
fi
log "ok: ${#scripts[@]} script(s) pass bash -n and shellcheck"
