#!/usr/bin/env bash
# Installs tf-elbcheck for the GitHub Action (action.yml), in two calls around the cache step:
#
#   action-install.sh plan      works out the version, the target and the cache directory
#   action-install.sh install   downloads the release archive for this runner (or takes it from
#                               the cache), verifies it against the release's SHA256SUMS and
#                               unpacks the binary; when the release has no archive for this
#                               runner, says so (source=cargo), and the action's next step
#                               builds the tool with `cargo install --locked`
#
# Both write `key=value` lines to $GITHUB_OUTPUT (to standard output outside Actions).
# plan: version, target, source (release or cargo), cache-dir, cache-key.
# install: source (release, cache or cargo), bin (the binary's full path; empty for cargo).
#
# Inputs, all from the environment:
#   INPUT_VERSION             a version (0.1.0 or v0.1.0); empty: the version in the action's
#                             Cargo.toml; `source`: build the action's own source with cargo
#   GITHUB_ACTION_PATH        the action's directory (its Cargo.toml and source)
#   TF_ELBCHECK_REPOSITORY    owner/name to download from; default: worked out from
#                             GITHUB_ACTION_PATH (…/_actions/OWNER/NAME/REF), else
#                             GITHUB_REPOSITORY (the action used as `uses: ./`)
#   TF_ELBCHECK_RELEASE_URL   the URL the release's files are under; default:
#                             $GITHUB_SERVER_URL/OWNER/NAME/releases/download/v<version>
#   TF_ELBCHECK_TARGET        the target triple; default: from RUNNER_OS/RUNNER_ARCH or uname
#   TF_ELBCHECK_CACHE_DIR     where the verified archive is kept (install; plan derives it)
#   TF_ELBCHECK_INSTALL_DIR   where the binary goes; default: $RUNNER_TEMP/tf-elbcheck
set -euo pipefail

log() { echo "tf-elbcheck install: $*" >&2; }
die() {
  if [ -n "${GITHUB_ACTIONS:-}" ]; then
    echo "::error title=tf-elbcheck install::$*"
  fi
  log "error: $*"
  exit 1
}

output() { # key value
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$1" "$2"
  fi
}

# Paths: Git Bash on Windows gets C:\… paths from the runner; its own tools want /c/…, and the
# cache action wants C:/….
unix_path() { if command -v cygpath >/dev/null; then cygpath -u "$1"; else printf '%s\n' "$1"; fi; }
native_path() { if command -v cygpath >/dev/null; then cygpath -m "$1"; else printf '%s\n' "$1"; fi; }

action_path=$(unix_path "${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}")

cargo_version() {
  awk '/^\[package\]/ { p = 1; next } /^\[/ { p = 0 }
       p && /^version *= *"/ { sub(/^version *= *"/, ""); sub(/".*/, ""); print; exit }' \
    "$action_path/Cargo.toml"
}

resolve_version() {
  local v=${INPUT_VERSION:-}
  if [ -z "$v" ]; then
    v=$(cargo_version)
    [ -n "$v" ] || die "no version in $action_path/Cargo.toml"
  fi
  if [ "$v" = source ]; then
    echo source
    return
  fi
  v=${v#v}
  [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
    die "version must look like 1.2.3 or v1.2.3, or be \`source\` (got '${INPUT_VERSION:-}')"
  echo "$v"
}

resolve_target() {
  if [ -n "${TF_ELBCHECK_TARGET:-}" ]; then
    echo "$TF_ELBCHECK_TARGET"
    return
  fi
  local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
  case "$arch" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) arch=unknown-$arch ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    macOS | Darwin) echo "$arch-apple-darwin" ;;
    Windows | MINGW* | MSYS* | CYGWIN*) echo "$arch-pc-windows-msvc" ;;
    *) echo "$arch-unknown-$os" ;;
  esac
}

resolve_repository() {
  if [ -n "${TF_ELBCHECK_REPOSITORY:-}" ]; then
    echo "$TF_ELBCHECK_REPOSITORY"
    return
  fi
  # A remote action is checked out to …/_actions/OWNER/NAME/REF; github.action_repository is
  # not reliably set inside composite actions.
  local ref_dir name_dir owner_dir
  ref_dir=$(dirname "$action_path/.")
  name_dir=$(dirname "$ref_dir")
  owner_dir=$(dirname "$name_dir")
  if [ "$(basename "$(dirname "$owner_dir")")" = _actions ]; then
    echo "$(basename "$owner_dir")/$(basename "$name_dir")"
  else
    echo "${GITHUB_REPOSITORY:-}"
  fi
}

cache_root() {
  if [ -n "${RUNNER_TOOL_CACHE:-}" ]; then
    echo "$(unix_path "$RUNNER_TOOL_CACHE")/tf-elbcheck"
  else
    echo "${XDG_CACHE_HOME:-${HOME:-${TMPDIR:-/tmp}}/.cache}/tf-elbcheck"
  fi
}

install_root() {
  if [ -n "${TF_ELBCHECK_INSTALL_DIR:-}" ]; then
    unix_path "$TF_ELBCHECK_INSTALL_DIR"
  elif [ -n "${RUNNER_TEMP:-}" ]; then
    echo "$(unix_path "$RUNNER_TEMP")/tf-elbcheck"
  else
    echo "${TMPDIR:-/tmp}/tf-elbcheck-install"
  fi
}

exe_suffix() { case "$1" in *-windows-*) echo .exe ;; esac; }
archive_name() { # version target
  case "$2" in
    *-windows-*) echo "tf-elbcheck-$1-$2.zip" ;;
    *) echo "tf-elbcheck-$1-$2.tar.gz" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | awk '{ print $1 }'
  else
    shasum -a 256 "$1" | awk '{ print $1 }'
  fi
}

# fetch URL FILE: 0 when downloaded, 4 when the server has no such file, 1 on any other failure
# (after curl's retries of transient errors).
fetch() {
  local code proto=()
  case "$1" in https://*) proto=(--proto "=https" --proto-redir "=https") ;; esac
  if ! code=$(curl -sSL ${proto[@]+"${proto[@]}"} --retry 3 --retry-delay 2 --connect-timeout 20 \
    --max-time 300 -o "$2" -w '%{http_code}' "$1"); then
    log "could not download $1"
    return 1
  fi
  case "$code" in
    200) return 0 ;;
    404) return 4 ;;
    *)
      log "HTTP $code for $1"
      return 1
      ;;
  esac
}

release_url() { # version
  if [ -n "${TF_ELBCHECK_RELEASE_URL:-}" ]; then
    echo "${TF_ELBCHECK_RELEASE_URL%/}"
    return
  fi
  local repo
  repo=$(resolve_repository)
  [ -n "$repo" ] || die "cannot tell which repository to download from: set TF_ELBCHECK_REPOSITORY"
  echo "${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/v$1"
}

plan() {
  local version target
  version=$(resolve_version)
  target=$(resolve_target)
  output version "$version"
  output target "$target"
  if [ "$version" = source ]; then
    output source cargo
    output cache-dir ""
    output cache-key ""
  else
    output source release
    output cache-dir "$(native_path "$(cache_root)/$version/$target")"
    output cache-key "tf-elbcheck-$version-$target"
  fi
}

# No release archive fits: the action's next step builds the source with cargo.
needs_cargo() { # reason
  log "$1: the next step builds tf-elbcheck from $action_path with cargo (a few minutes)"
  output source cargo
  output bin ""
}

unpack() { # archive dest
  case "$1" in
    *.zip)
      if command -v unzip >/dev/null; then
        unzip -q -o "$1" -d "$2"
      elif command -v 7z >/dev/null; then
        7z x -y -bd -bso0 "-o$(native_path "$2")" "$(native_path "$1")"
      elif command -v powershell >/dev/null; then
        powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$(native_path "$1")' -DestinationPath '$(native_path "$2")'"
      else
        python3 -m zipfile -e "$1" "$2"
      fi
      ;;
    *) tar -xzf "$1" -C "$2" ;;
  esac
}

do_install() {
  local version target
  version=$(resolve_version)
  target=$(resolve_target)
  if [ "$version" = source ]; then
    needs_cargo "version: source"
    return
  fi

  local asset url tmp cache_dir expected actual origin=cache
  asset=$(archive_name "$version" "$target")
  url=$(release_url "$version")
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $tmp is local
  trap "rm -rf '$tmp'" EXIT

  # The checksums come from the release on every run, also when the archive is cached, so a
  # cache entry cannot stand in for the release.
  local status=0
  fetch "$url/SHA256SUMS" "$tmp/SHA256SUMS" || status=$?
  case "$status" in
    0) ;;
    4)
      needs_cargo "no release v$version at $url"
      return
      ;;
    *) die "could not download $url/SHA256SUMS" ;;
  esac
  expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
  if [ -z "$expected" ]; then
    needs_cargo "release v$version has no $asset for this runner"
    return
  fi

  cache_dir=$(unix_path "${TF_ELBCHECK_CACHE_DIR:-$(cache_root)/$version/$target}")
  mkdir -p "$cache_dir"
  if [ -f "$cache_dir/$asset" ]; then
    actual=$(sha256_of "$cache_dir/$asset")
    if [ "$actual" != "$expected" ]; then
      log "the cached $asset does not match SHA256SUMS; downloading it again"
      rm -f "$cache_dir/$asset"
    fi
  fi
  if [ ! -f "$cache_dir/$asset" ]; then
    origin=release
    status=0
    fetch "$url/$asset" "$tmp/$asset" || status=$?
    case "$status" in
      0) ;;
      4)
        needs_cargo "release v$version lists $asset in SHA256SUMS but has no such file"
        return
        ;;
      *) die "could not download $url/$asset" ;;
    esac
    actual=$(sha256_of "$tmp/$asset")
    if [ "$actual" != "$expected" ]; then
      die "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; not installing it"
    fi
    mv "$tmp/$asset" "$cache_dir/$asset"
  fi
  log "$asset: sha256 $expected verified ($origin)"

  local dest bin exe
  exe=$(exe_suffix "$target")
  dest=$(install_root)/$version/$target
  rm -rf "$dest"
  mkdir -p "$dest/unpack" "$dest/bin"
  unpack "$cache_dir/$asset" "$dest/unpack"
  [ -f "$dest/unpack/tf-elbcheck-$version-$target/tf-elbcheck$exe" ] ||
    die "$asset has no tf-elbcheck-$version-$target/tf-elbcheck$exe"
  mv "$dest/unpack/tf-elbcheck-$version-$target/tf-elbcheck$exe" "$dest/bin/"
  rm -rf "$dest/unpack"
  bin="$dest/bin/tf-elbcheck$exe"
  chmod +x "$bin"
  "$bin" --version | grep -qF " $version" || die "$bin does not run here or is not version $version"
  output bin "$bin"
  output source "$origin"
}

case "${1:-}" in
  plan) plan ;;
  install) do_install ;;
  *) die "usage: action-install.sh plan|install" ;;
esac
