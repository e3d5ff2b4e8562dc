#!/usr/bin/env bash
# Fuzzes grit against the model of its documented rules (tests/fuzz/harness.cpp) for FUZZ_SECONDS (default 60) with
# libFuzzer (clang++-14, -fsanitize=fuzzer,address,undefined), starting from the seed corpus tests/fuzz/corpus/,
# then replays every input the run kept with a GCC 12 build of the same harness. The corpus in the repository is not
# changed: the run works on a copy in build-fuzz/corpus/. A violation, a sanitizer report or a crash fails the run
# and leaves the input in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
seconds=${FUZZ_SECONDS:-60}
jobs=2

echo "=== fuzz: build (clang++-14) ==="
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIT_BUILD_BENCH=OFF \
      -DGRIT_BUILD_EXAMPLES=OFF -DGRIT_BUILD_FUZZER=ON >/dev/null
cmake --build build-fuzz -j "$jobs" --target grit_fuzz

rm -rf build-fuzz/corpus build-fuzz/artifacts
mkdir -p build-fuzz/corpus build-fuzz/artifacts
cp tests/fuzz/corpus/* build-fuzz/corpus/
echo "=== fuzz: ${seconds} s from $(ls tests/fuzz/corpus | wc -l) seeds ==="
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
build-fuzz/tests/fuzz/grit_fuzz -max_total_time="$seconds" -max_len=512 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ build-fuzz/corpus 2>build-fuzz/fuzz.log || {
  tail -n 60 build-fuzz/fuzz.log
  echo "fuzz.sh: the fuzzer found a violation or a crash; the input is in build-fuzz/artifacts/"
  exit 1
}
grep -E '^#[0-9]+.*DONE|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' build-fuzz/fuzz.log || true
echo "fuzz.sh: corpus after the run: $(ls build-fuzz/corpus | wc -l) inputs"

echo "=== fuzz: replay of the run's corpus with g++-12 ==="
cmake -S . -B build-fuzz-replay-g++-12 -DCMAKE_CXX_COMPILER=g++-12 -DCMAKE_BUILD_TYPE=Debug -DGRIT_BUILD_BENCH=OFF \
      -DGRIT_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-fuzz-replay-g++-12 -j "$jobs" --target grit_fuzz_replay
build-fuzz-replay-g++-12/tests/fuzz/grit_fuzz_replay build-fuzz/corpus
