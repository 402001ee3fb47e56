#!/usr/bin/env bash
# Opens a Terraform file (testdata/examples/web/main.tf unless one is given) in a headless
# Neovim with `tf-elbcheck lsp` attached, and prints the diagnostics Neovim received
# (scripts/nvim-lsp.lua). Needs `nvim` on PATH (Debian's `neovim` package will do); not part
# of .ci/run. Builds the debug binary unless TF_ELBCHECK_BIN names one.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null; then
  echo "nvim-lsp: nvim is not installed" >&2
  exit 2
fi
if [ -z "${TF_ELBCHECK_BIN:-}" ]; then
  cargo build --locked --quiet --bin tf-elbcheck
  TF_ELBCHECK_BIN=$PWD/target/debug/tf-elbcheck
fi
export TF_ELBCHECK_BIN
export TF_ELBCHECK_FILE=${1:-testdata/examples/web/main.tf}
# --clean: no user configuration or plugins; the script's output goes to stdout.
timeout 120 nvim --headless --clean -c "luafile scripts/nvim-lsp.lua"
