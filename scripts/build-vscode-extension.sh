#!/usr/bin/env bash
# Builds the VS Code extension in editors/vscode: its npm packages (pinned in package.json and
# package-lock.json) into editors/vscode/node_modules, with an npm cache of its own under
# target/, no install scripts run; then `npm run compile` (tsc) into editors/vscode/out.
# Ends with `vscode extension: built` or fails. `npm ci` when the lock file is there, else
# `npm install`, which writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
command -v npm >/dev/null || { echo "build-vscode-extension: npm is required" >&2; exit 1; }
cd editors/vscode
flags=(--no-audit --no-fund --ignore-scripts --cache "$root/target/ci-tools/npm-cache")
if [ -f package-lock.json ]; then
  npm ci "${flags[@]}"
else
  npm install "${flags[@]}"
fi
npm run --silent compile
test -f out/extension.js
echo "vscode extension: built"
