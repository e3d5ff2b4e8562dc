#!/usr/bin/env bash
# promtool check metrics on grit's exposition: exit 0 and no output. Then a sanity pair proving the gate is live:
# a counter without `_total` must fail the lint (exit 3), and a lone backslash in HELP must fail the parse (exit 1).
# Usage: promtool_check.sh <metrics_dump binary> <tools/get-prometheus.sh>
# Exit 77 (CTest: skipped) if promtool cannot be had, except under CI=true, where that is a failure.
set -uo pipefail
dump="$1"
get="$2"
if ! bin="$(bash "$get" 2>/tmp/grit-get-prometheus.$$.log)" || [[ ! -x "$bin/promtool" ]]; then
  cat /tmp/grit-get-prometheus.$$.log >&2
  rm -f /tmp/grit-get-prometheus.$$.log
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL: promtool is missing (CI=true)" >&2
    exit 1
  fi
  echo "SKIP: promtool is missing" >&2
  exit 77
fi
rm -f /tmp/grit-get-prometheus.$$.log
promtool="$bin/promtool"
failures=0

# check NAME EXPECTED_EXIT EXPECTED_OUTPUT_REGEX(empty: no output at all) < input
check() {
  local name="$1" want_rc="$2" want_out="$3" out rc
  out="$("$promtool" check metrics 2>&1)"
  rc=$?
  if [[ "$rc" != "$want_rc" ]]; then
    echo "FAIL $name: exit $rc, expected $want_rc; output: $out"
    failures=$((failures + 1))
  elif [[ -z "$want_out" && -n "$out" ]]; then
    echo "FAIL $name: expected no output, got: $out"
    failures=$((failures + 1))
  elif [[ -n "$want_out" ]] && ! grep -qE "$want_out" <<<"$out"; then
    echo "FAIL $name: output does not match /$want_out/: $out"
    failures=$((failures + 1))
  else
    echo "ok   $name: exit $rc${out:+, output: $out}"
  fi
}

"$dump" | check "grit text format 0.0.4" 0 ""
"$dump" --random | check "300 label values of random bytes" 0 ""
"$dump" --overflow | check "grit past its series cap (_OTHER and the comment)" 0 ""
printf '# HELP bad_counter A counter without the suffix.\n# TYPE bad_counter counter\nbad_counter 1\n' |
  check "sanity: a counter without _total" 3 'counter metrics should have "_total" suffix'
printf '# HELP bad_total A lone \\b backslash.\n# TYPE bad_total counter\nbad_total 1\n' |
  check "sanity: an invalid escape in HELP" 1 'invalid escape sequence'
echo "promtool: $("$promtool" --version 2>&1 | head -1)"
exit $((failures > 0))
