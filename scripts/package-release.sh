#!/usr/bin/env bash
# Packages release binaries the way the release workflow publishes them, so that a release can
# be dry-run locally.
#
#   scripts/package-release.sh version
#       prints the version in Cargo.toml
#   scripts/package-release.sh package --target TRIPLE [--bin FILE] [--out DIR] [--tag TAG]
#       writes DIR/tf-elbcheck-<version>-<TRIPLE>.tar.gz (.zip for Windows targets) holding
#       tf-elbcheck-<version>-<TRIPLE>/{tf-elbcheck[.exe],README.md}; FILE defaults to
#       target/TRIPLE/release/tf-elbcheck[.exe], DIR to dist; with --tag, fails unless TAG is
#       v<version>
#   scripts/package-release.sh checksums DIR
#       writes DIR/SHA256SUMS for every archive in DIR (`sha256sum` format)
#
# Works with GNU or BSD tools (Linux, macOS, Git Bash on Windows).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "package-release: $*" >&2
  exit 1
}

cargo_version() {
  # The first `version = "..."` of the [package] table.
  awk '/^\[package\]/ { p = 1; next } /^\[/ { p = 0 }
       p && /^version *= *"/ { sub(/^version *= *"/, ""); sub(/".*/, ""); print; exit }' \
    "$root/Cargo.toml"
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi
}

make_zip() { # archive dir: zip DIR (a name in the current directory) into ARCHIVE
  if command -v 7z >/dev/null; then
    7z a -tzip -bd -bso0 "$1" "$2"
  elif command -v zip >/dev/null; then
    zip -qr "$1" "$2"
  else
    python3 -m zipfile -c "$1" "$2"
  fi
}

package() {
  local target="" bin="" out="dist" tag=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --target) target=$2; shift 2 ;;
      --bin) bin=$2; shift 2 ;;
      --out) out=$2; shift 2 ;;
      --tag) tag=$2; shift 2 ;;
      *) die "unknown argument: $1" ;;
    esac
  done
  [ -n "$target" ] || die "--target is required"
  local version exe=""
  version=$(cargo_version)
  [ -n "$version" ] || die "no version in Cargo.toml"
  if [ -n "$tag" ] && [ "$tag" != "v$version" ]; then
    die "tag $tag does not match the version in Cargo.toml ($version): the action installs v$version"
  fi
  case "$target" in *-windows-*) exe=".exe" ;; esac
  bin=${bin:-$root/target/$target/release/tf-elbcheck$exe}
  [ -f "$bin" ] || die "no binary at $bin"

  local name="tf-elbcheck-$version-$target" stage archive
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  stage=$(mktemp -d)
  mkdir "$stage/$name"
  cp "$bin" "$stage/$name/tf-elbcheck$exe"
  chmod 755 "$stage/$name/tf-elbcheck$exe"
  cp "$root/README.md" "$stage/$name/"
  if [ -n "$exe" ]; then
    archive="$out/$name.zip"
    rm -f "$archive"
    (cd "$stage" && make_zip "$archive" "$name")
  else
    archive="$out/$name.tar.gz"
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      # The same bytes for the same binary: no owner, time or order from the build machine.
      (cd "$stage" && tar --sort=name --owner=0 --group=0 --numeric-owner \
        --mtime=@"${SOURCE_DATE_EPOCH:-0}" -cf - "$name" | gzip -n -9 >"$archive")
    else
      (cd "$stage" && tar -czf "$archive" "$name")
    fi
  fi
  rm -rf "$stage"
  echo "$archive"
}

checksums() {
  local dir=${1:?usage: package-release.sh checksums DIR}
  (
    cd "$dir"
    shopt -s nullglob
    local archives=(tf-elbcheck-*.tar.gz tf-elbcheck-*.zip)
    [ ${#archives[@]} -gt 0 ] || die "no tf-elbcheck-*.tar.gz or .zip in $dir"
    # One line per archive, sorted by name; `sha256sum -c SHA256SUMS` checks them.
    sha256 "${archives[@]}" | sed 's/ \*/  /' | LC_ALL=C sort -k 2 >SHA256SUMS
    cat SHA256SUMS
  )
}

case "${1:-}" in
  version) cargo_version ;;
  package) shift; package "$@" ;;
  checksums) shift; checksums "$@" ;;
  *) die "usage: package-release.sh version | package --target TRIPLE [...] | checksums DIR" ;;
esac
