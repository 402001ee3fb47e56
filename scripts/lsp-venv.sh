#!/usr/bin/env bash
# Installs the language server's test client (pytest-lsp, pygls, lsprotocol, pinned in
# .ci/lsp-requirements.txt) into a virtual environment of its own, target/ci-tools/lsp-venv
# (or $LSP_VENV), and prints its bin directory. The environment is made anew whenever the
# requirements or the Python version change. Only wheels from PyPI are installed; a failed
# install is tried once more, then fails loudly.
#
#   PATH="$(bash scripts/lsp-venv.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
req=.ci/lsp-requirements.txt
python=$(command -v python3 || true)
[ -n "$python" ] || { echo "lsp-venv: python3 is required" >&2; exit 1; }
venv=${LSP_VENV:-$PWD/target/ci-tools/lsp-venv}
key=$({ cat "$req"; "$python" --version; } | cksum | cut -d ' ' -f 1)

install() {
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
      --only-binary=:all: -r "$req"
}

if [ "$(cat "$venv/.complete" 2>/dev/null || true)" != "$key" ]; then
  echo "lsp-venv: installing $req into $venv" >&2
  if ! install >&2; then
    echo "lsp-venv: install failed; trying once more in 10 s" >&2
    sleep 10
    if ! install >&2; then
      rm -rf "$venv"
      echo "lsp-venv: ERROR: could not install $req from PyPI" >&2
      exit 1
    fi
  fi
  echo "$key" >"$venv/.complete"
fi
echo "$venv/bin"
