#!/usr/bin/env bash
# End-to-end tests of `tf-elbcheck lsp`: tests/lsp-e2e/ drives the binary over stdio with
# pytest-lsp (a real LSP client, pygls), installed by scripts/lsp-venv.sh. Builds the debug
# binary unless TF_ELBCHECK_BIN names one. Ends with `lsp tests: N passed, N failed`, which
# .ci/run adds to its total; no test collected (pytest's exit status 5) counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=$(bash scripts/lsp-venv.sh)
if [ -z "${TF_ELBCHECK_BIN:-}" ]; then
  cargo build --locked --quiet --bin tf-elbcheck
  TF_ELBCHECK_BIN=$PWD/target/debug/tf-elbcheck
fi
export TF_ELBCHECK_BIN
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
"$bin_dir/python" -m pytest -p no:cacheprovider -q tests/lsp-e2e \
  --junitxml="$report" "$@" || status=$?
counts=$("$bin_dir/python" - "$report" "$status" <<'PY'
import sys
import xml.etree.ElementTree as ET

path, status = sys.argv[1], int(sys.argv[2])
try:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get(k, 0)) for s in suites for k in ("failures", "errors"))
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
except (OSError, ET.ParseError):
    tests, bad, skipped = 0, 0, 0
passed = tests - bad - skipped
# pytest exits with 5 when nothing was collected, and with 2-4 when it could not run: either
# is a failure even without a failed test.
if status != 0 and bad == 0:
    bad = 1
print(passed, bad)
PY
)
read -r passed failed <<<"$counts"
echo "lsp tests: $passed passed, $failed failed"
[ "$status" = 0 ] && [ "$failed" = 0 ]
