#!/usr/bin/env bash
# Tests the GitHub Action offline: scripts/action-install.sh against a fake release served on
# 127.0.0.1 (a good one, a tampered one, one without this runner's archive, none at all, a
# poisoned cache); the `run:` scripts of action.yml's build and run steps, taken from
# action.yml itself, with `cargo` replaced by a stub that records its calls; and
# scripts/action-summary.sh (its markdown job summary) on the shipped example.
#
#   scripts/test-action-install.sh
#
# Needs cargo (builds the debug binary), python3 (the HTTP server) and curl. Prints one line
# per check and `action tests: N passed, N failed`; exits 1 if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

cargo build --locked --quiet --bin tf-elbcheck
real_bin=$root/target/debug/tf-elbcheck
version=$(bash scripts/package-release.sh version)

work=$(mktemp -d "${TMPDIR:-/tmp}/tf-elbcheck-action-test.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { # description command...
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
out() { sed -n "s/^$1=//p" "$2" | tail -n 1; } # key file: the last value written for key
has() { grep -qF -- "$1" "$2"; }                # text file

# --- The fake releases --------------------------------------------------------------------
# The target this machine resolves to, as the action would on a runner like it.
target=$(env -i PATH="$PATH" bash scripts/action-install.sh plan | sed -n 's/^target=//p')
case "$target" in *-windows-*) ext=zip ;; *) ext=tar.gz ;; esac
asset=tf-elbcheck-$version-$target.$ext
srv=$work/srv
good=$srv/good
bash scripts/package-release.sh package --target "$target" --bin "$real_bin" --out "$good" >/dev/null
bash scripts/package-release.sh checksums "$good" >/dev/null

mkdir -p "$srv/tampered"
cp "$good/$asset" "$good/SHA256SUMS" "$srv/tampered/"
printf 'tampered' >>"$srv/tampered/$asset"

# A release with archives for other targets only.
mkdir -p "$srv/other"
bash scripts/package-release.sh package --target riscv64gc-unknown-linux-musl --bin "$real_bin" \
  --out "$srv/other" >/dev/null
bash scripts/package-release.sh checksums "$srv/other" >/dev/null

# SHA256SUMS names this runner's archive, but the file is not there.
mkdir -p "$srv/listed-missing"
cp "$good/SHA256SUMS" "$srv/listed-missing/"

# A Windows release: a zip holding tf-elbcheck.exe (here the debug binary, which runs here).
bash scripts/package-release.sh package --target x86_64-pc-windows-msvc --bin "$real_bin" \
  --out "$srv/windows" >/dev/null
bash scripts/package-release.sh checksums "$srv/windows" >/dev/null

# The default URL layout: $GITHUB_SERVER_URL/OWNER/NAME/releases/download/vVERSION.
mkdir -p "$srv/acme/tf-elbcheck/releases/download"
cp -R "$good" "$srv/acme/tf-elbcheck/releases/download/v$version"

# --- The server: 127.0.0.1, a free port of the system's choosing, at most 5 minutes --------
timeout 300 python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$srv" \
  >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || {
  cat "$work/server.log"
  echo "the HTTP server did not start"
  exit 1
}
base=http://127.0.0.1:$port

# --- A cargo that records its calls and "builds" by copying the debug binary ----------------
mkdir -p "$work/fakebin"
cat >"$work/fakebin/cargo" <<'EOF'
#!/usr/bin/env bash
echo "cargo $*" >>"$FAKE_CARGO_LOG"
root=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=$2; shift 2 ;;
    *) shift ;;
  esac
done
mkdir -p "$root/bin"
cp "$FAKE_CARGO_BIN" "$root/bin/tf-elbcheck"
EOF
chmod +x "$work/fakebin/cargo"

# install_from NAME URL [VAR=VALUE...]: runs `action-install.sh install` in a clean environment
# like a runner's, with its own output file, log, temporary and cache directories.
install_from() {
  local name=$1 url=$2
  shift 2
  mkdir -p "$work/$name/temp" "$work/$name/tools"
  : >"$work/$name/cargo.log"
  local status=0
  env -i PATH="$work/fakebin:$PATH" HOME="$HOME" \
    GITHUB_OUTPUT="$work/$name/output" GITHUB_ACTION_PATH="$root" \
    RUNNER_TEMP="$work/$name/temp" RUNNER_TOOL_CACHE="${TOOLS:-$work/$name/tools}" \
    TF_ELBCHECK_RELEASE_URL="$url" \
    FAKE_CARGO_LOG="$work/$name/cargo.log" FAKE_CARGO_BIN="$real_bin" \
    "$@" bash scripts/action-install.sh install >"$work/$name/log" 2>&1 || status=$?
  echo "$status" >"$work/$name/status"
}
status_of() { cat "$work/$1/status"; }
cargo_called() { [ -s "$work/$1/cargo.log" ]; }
runs_version() { "$1" --version | grep -qxF "tf-elbcheck $version"; }

# The `run:` script of the action.yml step with this id, to run as the runner does.
step_script() {
  awk -v id="$1" '
    /^    - / { in_step = 0; grab = 0 }
    $0 == "      id: " id { in_step = 1 }
    in_step && /^      run: [|]$/ { grab = 1; next }
    grab && (/^        / || /^$/) { sub(/^        /, ""); print; next }
    grab { grab = 0; in_step = 0 }
  ' "$root/action.yml"
}
for id in build run; do
  step_script "$id" >"$work/step-$id.sh"
  [ -s "$work/step-$id.sh" ] || { echo "no run: script for step $id in action.yml"; exit 1; }
done
# step NAME ID VAR=VALUE...: runs step ID's script with `bash -eo pipefail`, as the runner does.
step() {
  local name=$1 id=$2 status=0
  shift 2
  mkdir -p "$work/$name/temp"
  env -i PATH="$work/fakebin:$PATH" HOME="$HOME" RUNNER_OS=Linux RUNNER_TEMP="$work/$name/temp" \
    GITHUB_OUTPUT="$work/$name/output" GITHUB_ACTION_PATH="$root" \
    FAKE_CARGO_LOG="$work/$name/cargo.log" FAKE_CARGO_BIN="$real_bin" "$@" \
    bash --noprofile --norc -eo pipefail "$work/step-$id.sh" >"$work/$name/log" 2>&1 || status=$?
  echo "$status" >"$work/$name/status"
}

# --- plan ----------------------------------------------------------------------------------
plan() { env -i PATH="$PATH" GITHUB_ACTION_PATH="$root" "$@" bash scripts/action-install.sh plan 2>&1; }
plan >"$work/plan"
check "plan: the version is Cargo.toml's ($version)" [ "$(out version "$work/plan")" = "$version" ]
check "plan: the cache key is version and target" \
  [ "$(out cache-key "$work/plan")" = "tf-elbcheck-$version-$target" ]
check "plan: installs from the release" [ "$(out source "$work/plan")" = release ]
plan INPUT_VERSION="v$version" >"$work/plan-v"
check "plan: a leading v is dropped" [ "$(out version "$work/plan-v")" = "$version" ]
plan INPUT_VERSION=source >"$work/plan-source"
check "plan: version source builds with cargo" [ "$(out source "$work/plan-source")" = cargo ]
status=0
plan INPUT_VERSION='1.0/../../x' >"$work/plan-bad" || status=$?
check "plan: a malformed version is refused" [ "$status" != 0 ]
check "plan: ... with a message" has "version must look like" "$work/plan-bad"

# --- install from a good release -----------------------------------------------------------
TOOLS=$work/shared-tools install_from good "$base/good"
bin=$(out bin "$work/good/output")
check "good release: exit status 0" [ "$(status_of good)" = 0 ]
check "good release: installed from the release" [ "$(out source "$work/good/output")" = release ]
check "good release: the binary runs and is version $version" runs_version "$bin"
check "good release: the binary is under RUNNER_TEMP" [ "${bin#"$work/good/temp/"}" != "$bin" ]
check "good release: the verified archive is in the cache directory" \
  [ -f "$work/shared-tools/tf-elbcheck/$version/$target/$asset" ]
check "good release: cargo was not called" eval '! cargo_called good'

TOOLS=$work/shared-tools install_from cached "$base/good"
check "cached: exit status 0" [ "$(status_of cached)" = 0 ]
check "cached: installed from the cache" [ "$(out source "$work/cached/output")" = cache ]
check "cached: the binary runs" runs_version "$(out bin "$work/cached/output")"

# A cache entry that does not match the release's SHA256SUMS is dropped, not trusted.
printf 'poisoned' >"$work/shared-tools/tf-elbcheck/$version/$target/$asset"
TOOLS=$work/shared-tools install_from poisoned "$base/good"
check "poisoned cache: exit status 0" [ "$(status_of poisoned)" = 0 ]
check "poisoned cache: downloaded again" [ "$(out source "$work/poisoned/output")" = release ]
check "poisoned cache: says why" has "does not match SHA256SUMS" "$work/poisoned/log"
check "poisoned cache: the binary runs" runs_version "$(out bin "$work/poisoned/output")"

# --- a tampered archive is refused -----------------------------------------------------------
install_from tampered "$base/tampered"
check "tampered archive: non-zero exit status" [ "$(status_of tampered)" != 0 ]
check "tampered archive: says checksum mismatch" has "checksum mismatch for $asset" "$work/tampered/log"
check "tampered archive: no binary installed" [ -z "$(find "$work/tampered/temp" -type f -name 'tf-elbcheck*')" ]
check "tampered archive: nothing cached" [ -z "$(find "$work/tampered/tools" -type f)" ]
check "tampered archive: no fallback to cargo" eval '! cargo_called tampered'

# --- no archive for this runner: the build step runs cargo install -------------------------
install_from other "$base/other"
check "no archive for this runner: exit status 0" [ "$(status_of other)" = 0 ]
check "no archive for this runner: asks for a build with cargo" [ "$(out source "$work/other/output")" = cargo ]
check "no archive for this runner: no binary yet" [ -z "$(out bin "$work/other/output")" ]
check "no archive for this runner: says why" has "has no $asset for this runner" "$work/other/log"
check "no archive for this runner: the install script does not build" eval '! cargo_called other'
step build build
check "build step: exit status 0" [ "$(status_of build)" = 0 ]
check "build step: cargo install --locked --path \"\$GITHUB_ACTION_PATH\"" \
  has "cargo install --locked --quiet --path $root --bin tf-elbcheck" "$work/build/cargo.log"
check "build step: the binary runs" runs_version "$(out bin "$work/build/output")"

install_from none "$base/none"
check "no release: asks for a build with cargo" [ "$(out source "$work/none/output")" = cargo ]
check "no release: says so" has "no release v$version" "$work/none/log"

install_from listed-missing "$base/listed-missing"
check "archive listed but missing: asks for a build with cargo" \
  [ "$(out source "$work/listed-missing/output")" = cargo ]

requests=$(grep -c 'GET /' "$work/server.log" || true)
install_from source "$base/good" INPUT_VERSION=source
check "version source: asks for a build with cargo" [ "$(out source "$work/source/output")" = cargo ]
check "version source: no download" [ "$(grep -c 'GET /' "$work/server.log" || true)" = "$requests" ]

# --- a zip archive (Windows targets) ----------------------------------------------------------
install_from zip "$base/windows" TF_ELBCHECK_TARGET=x86_64-pc-windows-msvc
check "zip archive: exit status 0" [ "$(status_of zip)" = 0 ]
check "zip archive: installs tf-elbcheck.exe" [ "$(basename "$(out bin "$work/zip/output")")" = tf-elbcheck.exe ]
check "zip archive: the binary runs" runs_version "$(out bin "$work/zip/output")"

# --- the default URL: the repository from GITHUB_ACTION_PATH (…/_actions/OWNER/NAME/REF) ----
mkdir -p "$work/runner/_actions/acme/tf-elbcheck"
ln -s "$root" "$work/runner/_actions/acme/tf-elbcheck/v$version"
install_from derived "" GITHUB_ACTION_PATH="$work/runner/_actions/acme/tf-elbcheck/v$version" \
  GITHUB_SERVER_URL="$base"
check "derived URL: exit status 0" [ "$(status_of derived)" = 0 ]
check "derived URL: installed from acme/tf-elbcheck's release" \
  [ "$(out source "$work/derived/output")" = release ]
check "derived URL: the server served that path" \
  has "GET /acme/tf-elbcheck/releases/download/v$version/$asset" "$work/server.log"

# --- action.yml's run step and action-summary.sh on the shipped example ----------------------
ws=$work/workspace
mkdir -p "$ws"
cp -R testdata/examples/web "$ws/web"
printf 'fail_on = "never"\n' >"$ws/never.toml"
run() { # name var=value...: the run step in the workspace; prints its exit status
  local name=$1 status=0
  shift
  mkdir -p "$work/$name"
  (cd "$ws" && env -i PATH="$PATH" RUNNER_TEMP="$work/$name" GITHUB_OUTPUT="$work/$name.out" \
    TF_ELBCHECK_BIN="$real_bin" INPUT_PATH=web INPUT_FORMAT=github INPUT_FAIL_ON= INPUT_ARGS= \
    "$@" bash --noprofile --norc -eo pipefail "$work/step-run.sh") >"$work/$name.log" 2>&1 ||
    status=$?
  echo "$status"
}
check "run: fail-on error fails on the two errors" [ "$(run error INPUT_FAIL_ON=error)" = 1 ]
check "run: two annotations printed" [ "$(out annotations "$work/error.out")" = 2 ]
check "run: github workflow commands" has "::error file=web/main.tf,line=54" "$work/error.log"
check "run: no fail-on given: the default (error) fails" [ "$(run default)" = 1 ]
check "run: no fail-on given: the configuration's fail_on decides" \
  [ "$(run config INPUT_ARGS="--config never.toml")" = 0 ]
check "run: fail-on wins over the configuration" \
  [ "$(run wins INPUT_ARGS="--config never.toml" INPUT_FAIL_ON=error)" = 1 ]
check "run: sarif writes the report" [ "$(run sarif INPUT_FORMAT=sarif INPUT_FAIL_ON=never)" = 0 ]
check "run: ... named in the report output" [ "$(out report "$work/sarif.out")" = tf-elbcheck.sarif ]
check "run: ... with both results" python3 -c '
import json, sys
sys.exit(len(json.load(open(sys.argv[1]))["runs"][0]["results"]) != 2)' "$ws/tf-elbcheck.sarif"
check "run: compact" [ "$(run compact INPUT_FORMAT=compact)" = 1 ]
check "run: compact lines count as annotations" [ "$(out annotations "$work/compact.out")" = 2 ]
check "run: a run that fails exits 2" [ "$(run broken INPUT_ARGS="--config missing.toml")" = 2 ]
if command -v shellcheck >/dev/null; then
  check "the build and run steps pass shellcheck" shellcheck -s bash "$work/step-build.sh" "$work/step-run.sh"
fi

summary() { # name var=value...
  local name=$1
  shift
  (cd "$ws" && env -i PATH="$PATH" GITHUB_OUTPUT="$work/$name.out" RUNNER_TEMP="$work" \
    GITHUB_STEP_SUMMARY="$work/$name.md" TF_ELBCHECK_BIN="$real_bin" INPUT_PATH=web "$@" \
    bash "$root/scripts/action-summary.sh") >"$work/$name.log" 2>&1
}
check "summary: exit status 0 despite the errors" summary summary
check "summary: errors=2" [ "$(out errors "$work/summary.out")" = 2 ]
check "summary: warnings=0, notes=0" \
  [ "$(out warnings "$work/summary.out")/$(out notes "$work/summary.out")" = 0/0 ]
check "summary: the counts in the job summary" has "2 errors, 0 warnings, 0 notes" "$work/summary.md"
check "summary: the markdown table links each finding to its line" \
  has "| **error** | \`ELB011\` | [web/main.tf:97](web/main.tf#L97) |" "$work/summary.md"
check "summary: a Mermaid diagram of the blocked path" has '```mermaid' "$work/summary.md"
check "summary: ... whose blocked hops are red" has "linkStyle 2 stroke:#d00" "$work/summary.md"
check "summary: in Actions, links point at the commit" summary linked \
  GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/infra GITHUB_SHA=0123abc
check "summary: ... https://github.com/acme/infra/blob/0123abc/web/main.tf#L97" \
  has "(https://github.com/acme/infra/blob/0123abc/web/main.tf#L97)" "$work/linked.md"
check "summary: bad arguments: the counts and the error instead" \
  summary badargs INPUT_ARGS=--no-such-flag
check "summary: ... the run failed" has "**The run failed** (exit status 2)" "$work/badargs.md"
check "summary: ... with the error message" has "no-such-flag" "$work/badargs.md"
check "summary: summary false writes no summary" summary nosummary INPUT_SUMMARY=false
check "summary: ... but still counts" [ "$(out errors "$work/nosummary.out")" = 2 ]
check "summary: ... and leaves the job summary alone" [ ! -e "$work/nosummary.md" ]

echo "action tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
