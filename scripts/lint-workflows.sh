#!/usr/bin/env bash
# Lint every GitHub Actions workflow of this repository with actionlint, and fail on any
# finding. actionlint comes from the Go module proxy at a pinned version; shellcheck (from
# Debian when missing) lets actionlint check the shell of every `run:` step.
#
# Three passes:
#   1. actionlint on .github/workflows as written (syntax, expressions, contexts, job
#      needs, runner labels, reusable workflow inputs/secrets, local composite action
#      inputs, and shellcheck on each run: step).
#   2. actionlint on a throwaway copy where exact action pins (owner/repo@v1.2.3, or a
#      SHA with its `# v1.2.3` comment) read as
#      their major tag (@v1): actionlint knows the inputs of popular actions by major tag
#      only, so this pass checks our `with:` keys against them.
#   3. shellcheck on the `run:` scripts of the composite actions under .github/actions,
#      which actionlint does not shellcheck.
#
# Usage: bash scripts/lint-workflows.sh
set -euo pipefail

readonly ACTIONLINT_VERSION=v1.7.12

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf 'lint-workflows: %s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------

# Installed fresh into a temporary folder on every run (no hand-made cache: Go's own
# build and module caches make the rebuild cheap).
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
actionlint="$tools/actionlint"
log "installing actionlint $ACTIONLINT_VERSION from the Go module proxy"
# Outside any module, with default flags, so this repository's go.mod is untouched.
(cd "$tools" && GOFLAGS='' GOBIN="$tools" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION")
"$actionlint" -version | head -n 1 >&2

if ! command -v shellcheck > /dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		log "shellcheck is missing and this is not root: install it (apt-get install -y shellcheck) and rerun"
		exit 1
	fi
	log "installing shellcheck from Debian"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq shellcheck > /dev/null
fi
shellcheck="$(command -v shellcheck)"
"$shellcheck" --version | sed -n 2p >&2

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
actions=(.github/actions/*/action.yml .github/actions/*/action.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
	log "no workflow found under .github/workflows"
	exit 1
fi

status=0

# --- pass 1: the workflows as written ----------------------------------------

log "pass 1: actionlint on ${#workflows[@]} workflows"
"$actionlint" -shellcheck "$shellcheck" -pyflakes= "${workflows[@]}" || status=1

# --- pass 2: popular actions' inputs, seen through their major tags ----------

tmp="$(mktemp -d)"
trap 'rm -rf "$tools" "$tmp"' EXIT
mkdir -p "$tmp/.git"
cp -R .github "$tmp/.github"
find "$tmp/.github" -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 |
	xargs -0 sed -E -i \
		-e 's#(uses:[[:space:]]*["'\'']?[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@v[0-9]+)\.[0-9]+(\.[0-9]+)?#\1#' \
		-e 's|(uses:[[:space:]]*[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@)[0-9a-f]{40}[[:space:]]+#[[:space:]]*(v[0-9]+)[.0-9]*|\1\2|'
log "pass 2: actionlint with major-tag pins (inputs of known actions)"
(cd "$tmp" && "$actionlint" -shellcheck= -pyflakes=) || status=1

# --- pass 3: shellcheck the composite actions' run: scripts ------------------

# extract_runs FILE OUTDIR: writes each `run:` script of FILE to OUTDIR/<line>.sh, after
# its header lines (so script line k is file line <line>+k-2), with ${{ ... }}
# expressions replaced by a plain word as actionlint does for workflows.
extract_runs() {
	awk -v out="$2" '
		function flush() { if (file != "") { close(file); file = "" } }
		function indent(s) { match(s, /^ */); return RLENGTH }
		{
			if (file != "") {
				if ($0 ~ /^[[:space:]]*$/) { print "" > file; next }
				if (indent($0) > base) { line = substr($0, base + 1); gsub(/\$\{\{[^}]*\}\}/, "EXPR", line); print line > file; next }
				flush()
			}
			if (match($0, /^ *(- )?run: *[|>][-+]? *$/)) {
				base = indent($0) + ($0 ~ /^ *- / ? 2 : 0)
				file = out "/" NR ".sh"
				print "#!/usr/bin/env bash" > file
				print "set -eo pipefail" > file
				next
			}
			if (match($0, /^ *(- )?run: *[^|> ].*$/)) {
				line = $0; sub(/^ *(- )?run: */, "", line); gsub(/\$\{\{[^}]*\}\}/, "EXPR", line)
				f = out "/" NR ".sh"
				print "#!/usr/bin/env bash" > f; print line > f; close(f)
			}
		}
		END { flush() }
	' "$1"
}

for action in "${actions[@]}"; do
	dir="$tmp/runs/${action//\//_}"
	mkdir -p "$dir"
	extract_runs "$action" "$dir"
	scripts=("$dir"/*.sh)
	log "pass 3: shellcheck on ${#scripts[@]} run: scripts of $action"
	for script in "${scripts[@]}"; do
		line="$(basename "$script" .sh)"
		if ! out="$("$shellcheck" -s bash -f gcc "$script")"; then
			# Report the action file and its line, not the temporary script.
			printf '%s\n' "$out" | awk -F: -v f="$action" -v base="$line" '{ $1 = f; $2 = $2 + base - 2; print }' OFS=:
			status=1
		fi
	done
done

if [ "$status" -ne 0 ]; then
	log "FAILED: fix the findings above"
	exit 1
fi
log "clean: ${#workflows[@]} workflows, ${#actions[@]} composite actions"
