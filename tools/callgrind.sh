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
# The async drivers' counts, where grit::asio is built (standalone Asio found).
asio_driver=""
if cmake --build "$build" --target help | grep grit_callgrind_asio >/dev/null; then
  cmake --build "$build" -j2 --target grit_callgrind_asio >/dev/null
  asio_driver="$build/bench/grit_callgrind_asio"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

count() {  # case contender [driver calls] -> instructions in the measured function, in total
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect="measure_$1_$2" \
    --callgrind-out-file="$out/$1.$2" "${3:-$driver}" "$1" "$2" "${4:-$n}" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
echo "callgrind instruction counts (Ir) per call, $n calls each; $($compiler --version | head -1)"
printf '%-58s %12s %12s %10s %8s\n' "case" "hand loop" "grit" "grit-hand" "ratio"
printf '%s\n' "$(printf -- '-%.0s' {1..104})"
# The gates (exit 1 on a miss; CI runs this with both compilers):
#  - every success path: grit <= the hand loop. With a returned value, the hand loop that calls the function through
#    the same lambda grit is given (expected_via_lambda): GCC compiles the direct hand loop one instruction shorter
#    than the same loop through a lambda (docs/performance.md §2), which is no work of grit's.
#  - 10 returned failures: no more than the figure measured when this gate was set (per compiler, below), so that
#    the failure path cannot regress unnoticed; the target (<= 1.10 x the hand loop) is printed beside it.
case $($compiler --version | head -1) in
  *clang*) k10_max=151 ;;  # 148 until the Decision carried its give-up reason (the async drivers' Report needs it)
  *) k10_max=211 ;;
esac
status=0
declare -A hand_of grit_of
for c in success_attempts success_stamina success_expected returned_k10 expected_via_lambda; do
  case $c in
    success_attempts) label="success: attempts only (RetryOn, Attempts<3>)" ;;
    success_stamina) label="success: stamina defaults (+ Timeout<45s>, one clock read)" ;;
    success_expected) label="success: returned value (RetryOnError)" ;;
    returned_k10) label="returned, zero wait: 10 failures then success" ;;
    expected_via_lambda) label="success: returned value, both through the lambda" ;;
  esac
  hand=$(count "$c" hand)
  grit=$(count "$c" grit)
  hand_of[$c]=$hand
  grit_of[$c]=$grit
  awk -v l="$label" -v h="$hand" -v g="$grit" -v n="$n" 'BEGIN {
    printf "%-58s %12.2f %12.2f %+10.2f %8.3f\n", l, h / n, g / n, (g - h) / n, g / h }'
done
echo "(counts include the function under test and the loop around it, the same for both contenders)"
gate() {  # description, ok (0/1)
  if [[ $2 == 1 ]]; then echo "gate met:    $1"; else echo "gate MISSED: $1"; status=1; fi
}
for c in success_attempts success_stamina expected_via_lambda; do
  gate "$c: grit <= hand loop" "$(awk -v h="${hand_of[$c]}" -v g="${grit_of[$c]}" 'BEGIN { print (g <= h) ? 1 : 0 }')"
done
gate "returned_k10: grit <= $k10_max per call (no regression)" \
  "$(awk -v g="${grit_of[returned_k10]}" -v n="$n" -v m="$k10_max" 'BEGIN { print (g / n <= m + 0.5) ? 1 : 0 }')"
awk -v h="${hand_of[returned_k10]}" -v g="${grit_of[returned_k10]}" -v d="${hand_of[success_expected]}" \
  -v e="${grit_of[success_expected]}" -v n="$n" 'BEGIN {
  printf "target (not gated): returned_k10 <= 1.10 x hand: %.3f %s\n", g / h, (g <= h * 1.10) ? "met" : "MISSED"
  printf "target (not gated): success_expected grit <= the direct hand loop: %+.2f %s\n", (e - d) / n,
         (e <= d) ? "met" : "MISSED" }'

# The async drivers (bench/callgrind/asio_driver.cpp): one operation run to completion per iteration, io_context
# work included (the same for both contenders). Gates: grit/hand no higher than the ratio measured when the gate was
# set (per compiler) + 0.01. A ratio, not a count: a change elsewhere in the unit moves both contenders' counts by
# about 1 % (Asio's inlined scheduler code is shared). The targets of issue 11 (success <= 1.05 x, a failed attempt
# <= 1.10 x the hand loop, in time) are met or not in bench/asio.cpp; docs/performance.md §9 has both.
if [[ -n $asio_driver ]]; then
  n_asio=${N_ASIO:-2000}
  case $($compiler --version | head -1) in
    # success_callback guards detail::FirstAttempt (the first attempt's own handler: 1.224 -> 0.979 with GCC,
    # 1.252 -> 0.941 with Clang); losing it puts the ratio back above 1.2. success_coroutine guards co_retry's first
    # attempt in a frame of its own (1.030 -> 1.002 with GCC, 1.043 -> 1.023 with Clang). Clang's failing_coroutine
    # rose with that split from 0.830 to 1.023, the hand loop's own cost (docs/performance.md §9).
    *clang*) declare -A asio_max=([success_callback]=0.941 [failing_callback]=1.270 [success_coroutine]=1.023
                                  [failing_coroutine]=1.023) ;;
    *) declare -A asio_max=([success_callback]=0.979 [failing_callback]=1.252 [success_coroutine]=1.002
                            [failing_coroutine]=0.974) ;;
  esac
  echo
  echo "async drivers: instructions per operation, $n_asio operations each (bench/callgrind/asio_driver.cpp)"
  printf '%-58s %12s %12s %10s %8s\n' "case" "hand loop" "grit" "grit-hand" "ratio"
  compose=$(count success_callback compose "$asio_driver" "$n_asio")
  for c in success_callback failing_callback success_coroutine failing_coroutine; do
    case $c in
      success_callback) label="success, callback (async_retry)" ;;
      failing_callback) label="3 failures, zero waits, then success, callback" ;;
      success_coroutine) label="success, coroutine (co_retry)" ;;
      failing_coroutine) label="3 failures (exceptions), zero waits, then success, co_retry" ;;
    esac
    hand=$(count "$c" hand "$asio_driver" "$n_asio")
    grit=$(count "$c" grit "$asio_driver" "$n_asio")
    awk -v l="$label" -v h="$hand" -v g="$grit" -v n="$n_asio" 'BEGIN {
      printf "%-58s %12.0f %12.0f %+10.0f %8.3f\n", l, h / n, g / n, (g - h) / n, g / h }'
    gate "$c: grit/hand <= ${asio_max[$c]} + 0.01 (no regression)" \
      "$(awk -v g="$grit" -v h="$hand" -v m="${asio_max[$c]}" 'BEGIN { print (g / h <= m + 0.01) ? 1 : 0 }')"
    [[ $c == success_callback ]] && awk -v h="$hand" -v c="$compose" -v n="$n_asio" 'BEGIN {
      printf "%-58s %12.0f %12.0f %+10.0f %8.3f\n", "  async_compose around one attempt (Asio'"'"'s own cost)", h / n,
             c / n, (c - h) / n, c / h }'
  done
fi
exit $status
