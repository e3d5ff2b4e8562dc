#!/usr/bin/env bash
# grit's overhead benchmark in one command: installs what is missing (Debian packages), configures a Release build
# in build-bench/, builds grit_overhead and runs it. Extra arguments go to the benchmark (Google Benchmark flags),
# e.g. `bash tools/bench.sh --benchmark_filter=success`. About two minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(cmake make g++ libboost-dev libbenchmark-dev libgtest-dev libgmock-dev valgrind binutils)
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
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DGRIT_BUILD_TESTS=OFF -DGRIT_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench -j2 --target grit_overhead
exec build-bench/bench/grit_overhead "$@"
