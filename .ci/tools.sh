#!/usr/bin/env bash
# Installs the lint tools pinned in .ci/lint-requirements.txt into a virtual environment of
# their own and prints its bin directory. The environment is kept (under $CI_TOOLS_DIR, by
# default ~/.cache/tf-elbcheck-ci) and made anew whenever the requirements change.
#
#   PATH="$(bash .ci/tools.sh):$PATH"
#
# Only wheels are installed, so nothing is downloaded from outside PyPI at install time. A
# failed install is tried once more, then fails loudly: a lint that cannot run is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
req=.ci/lint-requirements.txt
python=$(command -v python3 || true)
[ -n "$python" ] || { echo "tools: python3 is required to install the lint tools" >&2; exit 1; }
key=$({ cat "$req"; "$python" --version; } | cksum | cut -d ' ' -f 1)
base=${CI_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tf-elbcheck-ci}
venv=$base/venv-$key

install() {
  rm -rf "$venv"
  mkdir -p "$base"
  "$python" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
      --only-binary=:all: -r "$req"
}

if [ ! -f "$venv/.complete" ]; then
  echo "tools: installing $(grep -cv '^#' "$req") lint tools into $venv" >&2
  if ! install >&2; then
    echo "tools: install failed; trying once more in 10 s" >&2
    sleep 10
    if ! install >&2; then
      rm -rf "$venv"
      echo "tools: ERROR: could not install the lint tools of $req from PyPI" >&2
      exit 1
    fi
  fi
  touch "$venv/.complete"
fi
echo "$venv/bin"
