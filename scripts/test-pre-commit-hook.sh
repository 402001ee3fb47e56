#!/usr/bin/env bash
# Runs the `tf-elbcheck` hook of .pre-commit-hooks.yaml (the one that uses the binary on PATH)
# with `pre-commit try-repo`, as a repository that lists it would: it fails on the shipped
# example's two errors, skips a commit without Terraform, and runs when only
# .tf-elbcheck.toml changes. The `tf-elbcheck-build` hook is only validated (building it takes
# minutes).
#
#   scripts/test-pre-commit-hook.sh        (needs pre-commit on PATH: .ci/tools.sh installs it)
#
# Prints one line per check and `hook tests: N passed, N failed`; exits 1 if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v pre-commit >/dev/null || { echo "pre-commit is required (see .ci/tools.sh)"; exit 1; }
cargo build --locked --quiet --bin tf-elbcheck

work=$(mktemp -d "${TMPDIR:-/tmp}/tf-elbcheck-hook-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME=$work/pre-commit-home
export PATH="$root/target/debug:$PATH"

passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok: $what"
  else
    failed=$((failed + 1))
    echo "FAILED: $what"
  fi
}

status=0
pre-commit validate-manifest .pre-commit-hooks.yaml >"$work/validate" 2>&1 || status=$?
check "the manifest is valid" [ "$status" = 0 ]
[ "$status" = 0 ] || cat "$work/validate"

repo=$work/repo
mkdir -p "$repo"
cp -R testdata/examples/web "$repo/infra"
echo "# infra" >"$repo/README.md"
printf 'fail_on = "error"\n' >"$repo/.tf-elbcheck.toml"
git -C "$repo" init -q
git -C "$repo" add -A

hook() { # name files...: runs the hook on FILES in the test repository
  local name=$1 status=0
  shift
  (cd "$repo" && pre-commit try-repo "$root" tf-elbcheck --color never --files "$@") \
    >"$work/$name.log" 2>&1 || status=$?
  echo "$status"
}
check "a Terraform change: the hook fails on the two errors" [ "$(hook tf infra/main.tf)" = 1 ]
check "... and prints them in the compact format" \
  grep -qF "infra/main.tf:54:1: error[ELB004]" "$work/tf.log"
check "a commit without Terraform: skipped" [ "$(hook readme README.md)" = 0 ]
check "... as pre-commit says" grep -q "no files to check" "$work/readme.log"
printf 'fail_on = "never"\n' >"$repo/.tf-elbcheck.toml"
git -C "$repo" add -A
check "only .tf-elbcheck.toml changed: the hook runs, and its fail_on decides" \
  [ "$(hook config .tf-elbcheck.toml)" = 0 ]
check "... it ran (Passed, not Skipped)" grep -q "Passed" "$work/config.log"

echo "hook tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
