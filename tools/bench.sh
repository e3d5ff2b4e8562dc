#!/usr/bin/env bash
# grit's overhead benchmark in one command: installs what is missing (Debian packages), configures a Release build
# in build-bench/, builds grit_overhead and runs it. Extra arguments go to the benchmark (Google Benchmark flags),
# e.g. `bash tools/bench.sh --benchmark_filter=success`. About two minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DGRIT_BUILD_TESTS=OFF -DGRIT_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench -j2 --target grit_overhead
exec build-bench/bench/grit_overhead "$@"
