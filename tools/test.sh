#!/usr/bin/env bash
# Builds and runs every test (unit, compile-time, build-failure, codegen, install), with GCC 12 and Clang 14,
# warnings as errors. Set COMPILERS="g++-12" to run one compiler only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
jobs=$(nproc)
for cxx in ${COMPILERS:-g++-12 clang++-14}; do
  dir="build-test-${cxx}"
  echo "=== ${cxx} ==="
  cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug -DGRIT_BUILD_BENCH=OFF \
        -DGRIT_BUILD_EXAMPLES=ON >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" -j "$jobs" --output-on-failure
done
