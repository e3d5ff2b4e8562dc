#!/usr/bin/env bash
# Installs, from Debian's packages, whatever grit's build, tests and benchmarks need and the machine lacks.
set -euo pipefail
packages=(cmake make g++ g++-12 clang-14 libboost-dev libgtest-dev libgmock-dev libbenchmark-dev clang-format-14
          valgrind binutils libspdlog-dev libcpp-httplib-dev nlohmann-json3-dev pkg-config python3 libclang-rt-14-dev libasio-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Boost 1.81's headers for grit::boost_asio, unpacked into .cache/boost181 (never installed: libboost1.81-dev conflicts
# with the default Boost 1.74). Idempotent; cmake/grit-integrations.cmake finds them there.
bash "$(dirname "$0")/get-boost181.sh" >/dev/null
