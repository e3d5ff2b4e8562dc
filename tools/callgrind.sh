#!/usr/bin/env bash
# Instruction counts (callgrind's Ir, exact and repeatable) of grit against the hand-written loop, per call.
# Each contender runs N calls inside its own noinline function (bench/callgrind/driver.cpp); only that function is
# counted: valgrind --tool=callgrind --collect-atstart=no --toggle-collect=measure_CASE_CONTENDER.
#
#   bash tools/callgrind.sh [BUILD_DIR]     (default build-bench; configured and built here if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
n=${N:-100000}
# Installs what is missing (valgrind among it) through tools/bench.sh, which lists its benchmarks only.
command -v valgrind >/dev/null || bash tools/bench.sh --benchmark_list_tests=true >/dev/null
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGRIT_BUILD_TESTS=OFF -DGRIT_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build "$build" -j2 --target grit_callgrind >/dev/null
driver="$build/bench/grit_callgrind"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count() {  # case contender -> instructions in the measured function, in total
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect="measure_$1_$2" \
    --callgrind-out-file="$out/$1.$2" "$driver" "$1" "$2" "$n" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
echo "callgrind instruction counts (Ir) per call, $n calls each; $($compiler --version | head -1)"
printf '%-58s %12s %12s %10s %8s\n' "case" "hand loop" "grit" "grit-hand" "ratio"
printf '%s\n' "$(printf -- '-%.0s' {1..104})"
status=0
for c in success_attempts success_stamina success_expected returned_k10 expected_via_lambda; do
  case $c in
    success_attempts) label="success: attempts only (RetryOn, Attempts<3>)" ;;
    success_stamina) label="success: stamina defaults (+ Timeout<45s>, one clock read)" ;;
    success_expected) label="success: returned value (RetryOnError)" ;;
    returned_k10) label="returned, zero wait: 10 failures then success" ;;
    expected_via_lambda) label="(returned value, the hand loop also calling the lambda)" ;;
  esac
  hand=$(count "$c" hand)
  grit=$(count "$c" grit)
  awk -v l="$label" -v h="$hand" -v g="$grit" -v n="$n" -v c="$c" 'BEGIN {
    r = g / h; target = (c ~ /^success/) ? ((g <= h * 1.02) ? "  target <= +2 %: met" : "  target <= +2 %: MISSED") : ""
    printf "%-58s %12.2f %12.2f %+10.2f %8.3f%s\n", l, h / n, g / n, (g - h) / n, r, target }'
  if [[ $c == success_* ]] && ! awk -v h="$hand" -v g="$grit" 'BEGIN { exit !(g <= h * 1.02) }'; then
    status=1
  fi
done
echo "(counts include the function under test and the loop around it, the same for both contenders)"
exit $status
