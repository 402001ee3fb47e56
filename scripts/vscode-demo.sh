#!/usr/bin/env bash
# Shows the VS Code extension (editors/vscode) working in a real VS Code: code-server (VS Code
# in the browser, from the npm registry) with the extension installed and `tf-elbcheck lsp` as
# its server, driven by playwright-core in Debian's Chromium. It opens a copy of
# testdata/examples/web, opens main.tf and the Problems panel, waits for the findings, prints
# the panel's entries and saves a screenshot. Exits non-zero if ELB004 is not among them.
#
#   bash scripts/vscode-demo.sh [--quickfix]
#
# --quickfix also applies the quick fix of the first ELB004 finding (Ctrl+.) and checks that
# the finding goes away.
#
# A demo, run by hand (not part of .ci/run). Everything is installed under $VSCODE_DEMO_DIR
# (default /tmp/tf-elbcheck-vscode-demo), nothing in the repository but the extension's own
# build (editors/vscode/node_modules and out, both ignored by git). Nothing is downloaded at
# run time from anywhere but the npm registry and Debian's packages: the one part of
# code-server's install that fetches a binary from elsewhere (ripgrep) is replaced by Debian's
# ripgrep, and the native modules are built against the headers of the machine's Node.js.
#
# Environment:
#   TF_ELBCHECK          the server binary (default: target/release/tf-elbcheck)
#   VSCODE_DEMO_DIR      the scratch folder (default /tmp/tf-elbcheck-vscode-demo)
#   CODE_SERVER_VERSION  default 4.100.3, the newest whose engines accept Node.js 20
#   PLAYWRIGHT_VERSION   default 1.65.2
#   PORT                 code-server's port on 127.0.0.1 (default 8099)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quickfix=0
for arg in "$@"; do
  case $arg in
    --quickfix) quickfix=1 ;;
    *) echo "usage: $0 [--quickfix]" >&2; exit 2 ;;
  esac
done

bin=${TF_ELBCHECK:-$root/target/release/tf-elbcheck}
work=${VSCODE_DEMO_DIR:-/tmp/tf-elbcheck-vscode-demo}
cs_version=${CODE_SERVER_VERSION:-4.100.3}
pw_version=${PLAYWRIGHT_VERSION:-1.65.2}
port=${PORT:-8099}

say() { echo "vscode-demo: $*" >&2; }
die() { say "$*"; exit 1; }

[ -x "$bin" ] || die "no server binary at $bin (cargo build --release, or set TF_ELBCHECK)"
command -v node >/dev/null || die "node is required"
command -v npm >/dev/null || die "npm is required"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || say "warning: code-server $cs_version wants Node.js 20, this is $(node --version)"

# Debian packages: the browser, ripgrep (in place of the one code-server would download) and
# what its native modules build with.
debs=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
  python3 make g++)
missing=()
for deb in "${debs[@]}"; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "install these Debian packages first: ${missing[*]}"
  say "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -f /usr/include/node/node.h ] || die "no Node.js headers in /usr/include/node (node-gyp would download them)"

mkdir -p "$work"
logs=$work/logs
mkdir -p "$logs"

# 1. code-server from the npm registry. Its own install script is not run: it would download
# ripgrep from outside the registries. The same steps by hand instead (see its postinstall.sh).
cs=$work/code-server
cs_pkg=$cs/node_modules/code-server
export npm_config_nodedir=/usr # node-gyp: the local headers, no download
# code-server keeps a config file and logs under XDG folders: these, not the user's.
code_server() {
  XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data \
    "$cs/node_modules/.bin/code-server" "$@"
}
if ! code_server --version 2>/dev/null | grep -q "^$cs_version "; then
  say "installing code-server $cs_version into $cs"
  rm -rf "$cs"
  mkdir -p "$cs"
  npm install --prefix "$cs" --no-audit --no-fund --ignore-scripts "code-server@$cs_version" \
    >"$logs/npm-code-server.log" 2>&1
  # argon2 (password hashing; loaded even with --auth none): built from source.
  (cd "$cs" && npm_config_build_from_source=true npm rebuild argon2) \
    >>"$logs/npm-code-server.log" 2>&1
  (
    cd "$cs_pkg/lib/vscode"
    npm install --omit=dev --ignore-scripts --no-audit --no-fund
    # The native modules VS Code's server needs on Linux, built with node-gyp. node-pty's
    # own post-install step fails after its build (it runs `npx node-gyp` for a
    # compile_commands.json); the module itself is built by then, as checked below.
    npm rebuild @vscode/spdlog native-watchdog @vscode/deviceid kerberos || true
    npm rebuild node-pty || true
    for module in node-pty/build/Release/pty.node @vscode/spdlog/build/Release/spdlog.node \
      native-watchdog/build/Release/watchdog.node kerberos/build/Release/kerberos.node; do
      [ -f "node_modules/$module" ] || { echo "not built: $module" >&2; exit 1; }
    done
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
    ln -sfn node_modules node_modules.asar
    ln -sf code-linux.sh bin/remote-cli/code-server
    ln -sf browser-linux.sh bin/helpers/browser.sh
    cd extensions
    npm install --omit=dev --no-audit --no-fund
  ) >>"$logs/npm-code-server.log" 2>&1 || die "code-server install failed: $logs/npm-code-server.log"
fi
cs_line=$(code_server --version | tail -n 1)
say "code-server: $cs_line"

# playwright-core from the npm registry; the browser is Debian's.
tools=$work/tools
if [ ! -f "$tools/node_modules/playwright-core/package.json" ] ||
  [ "$(node -p "require('$tools/node_modules/playwright-core/package.json').version")" != "$pw_version" ]; then
  say "installing playwright-core $pw_version into $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund "playwright-core@$pw_version" \
    >"$logs/npm-playwright.log" 2>&1
fi

# 2. The extension: built in the repository, installed by copying it into a fresh extensions
# folder under the name VS Code gives an installed extension (publisher.name-version).
bash scripts/build-vscode-extension.sh >"$logs/build-extension.log" 2>&1 ||
  die "extension build failed: $logs/build-extension.log"
ext_version=$(node -p "require('./editors/vscode/package.json').version")
ext_publisher=$(node -p "require('./editors/vscode/package.json').publisher")
ext_name=$(node -p "require('./editors/vscode/package.json').name")
run=$work/run
rm -rf "$run"
mkdir -p "$run/extensions" "$run/user-data/User" "$run/workspace"
ext_dir=$run/extensions/$ext_publisher.$ext_name-$ext_version
mkdir -p "$ext_dir"
cp -r editors/vscode/package.json editors/vscode/README.md editors/vscode/out \
  editors/vscode/node_modules "$ext_dir/"

cp -r testdata/examples/web/. "$run/workspace/"
cat >"$run/user-data/User/settings.json" <<EOF
{
  "tfElbcheck.path": "$bin",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none"
}
EOF

# 3. code-server on 127.0.0.1, in a process group of its own so that it and its children
# (extension host, file watcher, the language server) are stopped together at the end.
say "starting code-server on 127.0.0.1:$port"
XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data \
  setsid "$cs/node_modules/.bin/code-server" --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --config "$run/config.yaml" --user-data-dir "$run/user-data" \
  --extensions-dir "$run/extensions" "$run/workspace" >"$run/code-server.log" 2>&1 &
cs_pid=$!
stop_server() {
  kill -TERM -- "-$cs_pid" 2>/dev/null || true
  wait "$cs_pid" 2>/dev/null || true
}
trap stop_server EXIT
for _ in $(seq 1 60); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then break; fi
  kill -0 "$cs_pid" 2>/dev/null || die "code-server exited: $run/code-server.log"
  sleep 0.5
done

status=0
DEMO_URL="http://127.0.0.1:$port/?folder=$run/workspace" DEMO_OUT="$run" DEMO_EXPECT=ELB004 \
  DEMO_QUICKFIX=$quickfix PLAYWRIGHT_CORE="$tools/node_modules/playwright-core/index.mjs" \
  CHROMIUM=/usr/bin/chromium node scripts/vscode-demo.mjs || status=$?

if [ "$quickfix" = 1 ] && [ "$status" -eq 0 ]; then
  echo "main.tf after the quick fix, saved:"
  diff -u testdata/examples/web/main.tf "$run/workspace/main.tf" || true
fi
ext_log=$(find "$run/user-data/logs" -name '*tf-elbcheck.log' 2>/dev/null | head -n 1)
echo "versions: code-server $cs_line; $(/usr/bin/chromium --version 2>/dev/null);" \
  "playwright-core $pw_version; node $(node --version); $("$bin" --version | head -n 1)"
if [ "$status" -ne 0 ]; then
  say "failed; the extension's output channel: ${ext_log:-none}, code-server: $run/code-server.log"
  exit "$status"
fi
grep -q ELB004 "$run/problems.txt" || die "ELB004 is not in the Problems panel"
echo "screenshot: $run/problems.png"
echo "vscode demo: ok"
