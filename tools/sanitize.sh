#!/usr/bin/env bash
# Builds and runs the unit test suites (grit_tests, and the async drivers' tests) under sanitizers, with GCC 12 and Clang 14:
#   ASan + UBSan (-fsanitize=address,undefined -fno-sanitize-recover=all)  in build-asan-<cxx>/
#   TSan (-fsanitize=thread)                                               in build-tsan-<cxx>/
# The whole suite runs under each. The ASan+UBSan builds also replay the fuzz corpus (grit_fuzz_replay). Any report
# fails the run. Set COMPILERS="g++-12" or SANITIZERS="asan" to run a part only.
#
# TSan maps its shadow memory at fixed addresses; on kernels with high mmap randomisation (vm.mmap_rnd_bits above
# 28, as on some recent distributions) GCC 12's and Clang 14's TSan runtimes stop with "unexpected memory mapping".
# If that happens, the run is repeated once with address-space randomisation off for that process (setarch -R).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
jobs=2

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

flags_asan="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
flags_tsan="-fsanitize=thread -fno-omit-frame-pointer"

# Runs a test binary and shows its output; under TSan, once more without ASLR if the runtime could not map its
# shadow memory.
run() {
  local log rc
  log=$(mktemp)
  set +e
  "$@" >"$log" 2>&1
  rc=$?
  if ((rc != 0)) && grep -q "unexpected memory mapping" "$log"; then
    echo "sanitize.sh: TSan could not map its shadow memory; running again with ASLR off (setarch -R)"
    setarch "$(uname -m)" -R "$@" >"$log" 2>&1
    rc=$?
  fi
  set -e
  cat "$log"
  rm -f "$log"
  return "$rc"
}

for sanitizer in ${SANITIZERS:-asan tsan}; do
  for cxx in ${COMPILERS:-g++-12 clang++-14}; do
    dir="build-${sanitizer}-${cxx}"
    flags_var="flags_${sanitizer}"
    flags="${!flags_var}"
    echo "=== ${sanitizer} ${cxx} ==="
    start=$(date +%s)
    cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug -DGRIT_BUILD_BENCH=OFF \
          -DGRIT_BUILD_EXAMPLES=OFF "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}" >/dev/null
    # The async drivers: each Asio flavour under each sanitizer, with one compiler each (the flavours are one
    # implementation, detail/asio_driver.ipp; four builds of both would add ~10 minutes to CI):
    #   ASan+UBSan: standalone with GCC, Boost.Asio 1.81 with Clang;  TSan: Boost.Asio with GCC, standalone with Clang.
    case "${sanitizer} ${cxx}" in
      "asan g++-12" | "tsan clang++-14") asio_tests=tests/asio/grit_asio_tests ;;
      *) asio_tests=tests/asio/grit_boost_asio_tests ;;
    esac
    targets=(grit_tests grit_retry_at_exit "$(basename "$asio_tests")")
    [[ $sanitizer == asan ]] && targets+=(grit_fuzz_replay)
    cmake --build "$dir" -j "$jobs" --target "${targets[@]}"
    built=$(date +%s)
    run "$dir/tests/grit_tests" --gtest_brief=1
    run "$dir/tests/grit_retry_at_exit" | grep -q "at exit: 3 attempts, hooks heard 2 retries"
    run "$dir/$asio_tests" --gtest_brief=1
    if [[ $sanitizer == asan ]]; then
      run "$dir/tests/fuzz/grit_fuzz_replay" tests/fuzz/corpus tests/fuzz/regressions
    fi
    echo "sanitize.sh: ${sanitizer} ${cxx}: build $((built - start)) s, run $(( $(date +%s) - built )) s"
  done
done
