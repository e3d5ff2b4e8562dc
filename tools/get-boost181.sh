#!/usr/bin/env bash
# Unpacks Debian 12's Boost 1.81 headers (libboost1.81-dev) into a directory, WITHOUT installing them:
# `apt-get download` + `dpkg -x`. libboost1.81-dev conflicts with the default libboost1.74-dev, which grit's core keeps
# using; grit::boost_asio's tests use these headers only (cmake/grit-integrations.cmake).
# Usage: tools/get-boost181.sh [DIR]   (default: .cache/boost181 in the source tree)
# Prints the include directory (DIR/usr/include). Idempotent: does nothing if the headers are there already.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/.cache/boost181}"
inc="$dir/usr/include"
if [[ -f "$inc/boost/version.hpp" && -f "$inc/boost/asio.hpp" ]]; then
  echo "$inc"
  exit 0
fi
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib/unpack-deb.sh
source "$root/tools/lib/unpack-deb.sh"
unpack_deb libboost1.81-dev "$work/x"
rm -rf "$inc.tmp.$$"
mkdir -p "$inc.tmp.$$"
mv "$work/x/usr/include/boost" "$inc.tmp.$$/boost"
rm -rf "$inc"
mv "$inc.tmp.$$" "$inc"  # renamed at the end: a concurrent run never sees half a tree
grep -m1 'define BOOST_LIB_VERSION' "$inc/boost/version.hpp" >&2
echo "$inc"
