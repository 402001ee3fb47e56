#!/usr/bin/env bash
# Prints every output the tool gives on the shipped corpus, examples, rule fixtures and format
# scenario, in every format, with exit statuses, so that a refactor can be shown not to change
# behaviour: run it before and after and diff the two files.
#
#   scripts/output-digest.sh BINARY > before.txt
#
# Paths are printed relative to the repository (and to ../shared/corpus for the corpus), and
# the run is single-threaded so that nothing depends on scheduling.
set -uo pipefail
BIN=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 2
run() { # label dir args...
  local label=$1 dir=$2
  shift 2
  echo "=== $label: $*"
  (cd "$dir" && "$BIN" -j 1 --color never "$@" 2>&1; echo "exit $?")
}
corpus=../shared/corpus
if [ -d "$corpus" ]; then
  for fmt in human compact json sarif github; do
    run "corpus" "$corpus" --format "$fmt" .
  done
  for d in "$corpus"/*/; do
    run "corpus-root" "$corpus" --format human "$(basename "$d")"
  done
fi
for fmt in human compact json sarif github; do
  run "example" . --format "$fmt" testdata/examples/web
  run "scenario" . --format "$fmt" testdata/formats/scenario
done
for d in testdata/rules/*/*/; do
  run "fixture" . --format human "${d%/}"
done
"$BIN" rules
for code in $("$BIN" rules | awk '{print $1}'); do
  echo "=== explain $code"
  "$BIN" explain "$code"
done
echo "=== graph testdata/examples/web"
"$BIN" graph testdata/examples/web 2>&1
