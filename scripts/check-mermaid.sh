#!/usr/bin/env bash
# Parses the Mermaid diagrams of the markdown format with Mermaid itself, so a diagram that
# GitHub could not draw cannot land.
#
#   scripts/check-mermaid.sh            the tool's markdown on the shared scenario, on every
#                                       failing fixture of the hop rules (ELB001-ELB005,
#                                       ELB010-ELB015) and on the shipped examples; then the
#                                       broken diagrams of testdata/formats/mermaid/broken.md,
#                                       every one of which must be rejected
#   scripts/check-mermaid.sh FILE...    the ```mermaid blocks of these markdown files
#
# A diagram passes when `mermaid.parse` accepts it and its red edges are exactly the edges
# whose label names a rule code (scripts/check-mermaid.mjs). Mermaid runs under Node.js with
# happy-dom as its DOM: no browser is needed. Both are installed with npm, at the versions
# pinned below, into target/ci-tools/node (TF_ELBCHECK_NODE_TOOLS overrides), once; Node.js
# and npm come from Debian's packages when the machine has none.
#
# Prints one line per failing diagram and `mermaid: ...` totals; exits 1 if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mermaid_version=11.17.2
happy_dom_version=21.0.4
tools=${TF_ELBCHECK_NODE_TOOLS:-$root/target/ci-tools/node}
want="mermaid@$mermaid_version happy-dom@$happy_dom_version"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "check-mermaid: installing Node.js and npm from Debian's packages" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "check-mermaid: Node.js and npm are required" >&2
    exit 2
  fi
fi

if [ "$(cat "$tools/.installed" 2>/dev/null || true)" != "$want" ]; then
  echo "check-mermaid: installing $want into $tools" >&2
  rm -rf "$tools"
  mkdir -p "$tools"
  # --ignore-scripts: neither package needs an install script (none downloads a browser).
  # shellcheck disable=SC2086 # $want is two package specs
  npm install --prefix "$tools" --no-audit --no-fund --ignore-scripts --loglevel=error \
    $want >&2
  printf '%s' "$want" >"$tools/.installed"
fi
# Beside its node_modules, so that `import 'mermaid'` resolves there.
cp scripts/check-mermaid.mjs "$tools/check-mermaid.mjs"

if [ $# -gt 0 ]; then
  exec node "$tools/check-mermaid.mjs" "$@"
fi

cargo build --locked --quiet --bin tf-elbcheck
bin=$root/target/debug/tf-elbcheck
out=$(mktemp -d "${TMPDIR:-/tmp}/tf-elbcheck-mermaid.XXXXXX")
trap 'rm -rf "$out"' EXIT

# The tool's markdown for DIR into $out/NAME.md; a run that fails (status 2) fails the check.
report() { # name dir [args...]
  local name=$1 dir=$2 status=0
  shift 2
  (cd "$dir" && "$bin" --format markdown --fail-on never --color never "$@" .) >"$out/$name.md" ||
    status=$?
  if [ "$status" != 0 ]; then
    echo "FAILED: tf-elbcheck exited with $status on $dir" >&2
    exit 1
  fi
}
report scenario testdata/formats/scenario --today 2025-06-15
for dir in testdata/rules/ELB0{01..05}/fail_* testdata/rules/ELB01{0..5}/fail_* testdata/examples/*; do
  [ -d "$dir" ] || continue
  report "$(echo "${dir#testdata/}" | tr / _)" "$dir"
done

node "$tools/check-mermaid.mjs" "$out"/*.md
node "$tools/check-mermaid.mjs" --expect-errors testdata/formats/mermaid/broken.md |
  grep -v '^rejected as expected: '
