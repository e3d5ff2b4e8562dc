#!/usr/bin/env bash
# Unpacks Debian's prometheus package (the server and promtool, static binaries) into a directory, WITHOUT
# installing it: `apt-get download` + `dpkg -x`, so no service is set up or started and port 9090 is never touched.
# Usage: tools/get-prometheus.sh [DIR]   (default: .cache/prometheus in the source tree)
# Prints the directory holding the binaries (DIR/usr/bin). Idempotent: does nothing if they are there already.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/.cache/prometheus}"
bin="$dir/usr/bin"
if [[ -x "$bin/prometheus" && -x "$bin/promtool" ]]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib/unpack-deb.sh
source "$root/tools/lib/unpack-deb.sh"
unpack_deb prometheus "$work/x"
mkdir -p "$bin"
for tool in prometheus promtool; do  # copy, then rename: a concurrent run never sees half a binary
  cp "$work/x/usr/bin/$tool" "$bin/.$tool.$$"
  mv -f "$bin/.$tool.$$" "$bin/$tool"
done
"$bin/promtool" --version >&2
echo "$bin"
