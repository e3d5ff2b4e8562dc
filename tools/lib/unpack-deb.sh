# Sourced by tools/get-*.sh: unpack_deb PACKAGE DIR downloads a Debian package with `apt-get download` (updating the
# package lists first if a fresh machine has none) and unpacks it into DIR with `dpkg -x`, WITHOUT installing it:
# no maintainer script runs, no service starts, nothing conflicts with what is installed.
unpack_deb() {
  local package=$1 dir=$2 work
  work="$(mktemp -d)"
  (cd "$work" && apt-get download "$package" >&2) || {
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq >&2
    (cd "$work" && apt-get download "$package" >&2)
  }
  dpkg -x "$work"/"${package}"_*.deb "$dir"
  rm -rf "$work"
}
