#!/usr/bin/env bash
# Build time and code size of 20 distinct Retrying types against the same 20 functions written by hand
# (tools/gen_bloat.sh), with the compiler in $CXX (default g++): compile time of the translation unit (best of 7) and
# the size of the stripped object, at -O2 and at -O0.
#
#   bash tools/bloat.sh            CXX=clang++-14 bash tools/bloat.sh            IR=1 bash tools/bloat.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${CXX:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash tools/gen_bloat.sh "$work"

# Compile time is the compiler's CPU time (user + sys, from GNU time's format or bash's TIMEFORMAT), best of 7, with
# the two units compiled in turn: on this shared 2-core machine wall time also measures the other jobs.
cpu_time() {  # flags source object -> CPU seconds of one compilation
  local TIMEFORMAT='%U %S'
  { time "$cxx" -std=c++20 $1 -Iinclude -c "$2" -o "$3"; } 2>&1 | awk '{ print $1 + $2 }'
}
best_of_n_pair() {  # flags -> "best-hand best-grit"
  local bh="" bg="" t
  for _ in 1 2 3 4 5 6 7; do
    t=$(cpu_time "$1" "$work/hand.cpp" "$work/hand$1.o")
    bh=$(awk -v a="$bh" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
    t=$(cpu_time "$1" "$work/grit.cpp" "$work/grit$1.o")
    bg=$(awk -v a="$bg" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  echo "$bh $bg"
}

# With IR=1, also the instructions the compiler executes (valgrind, every process it starts): exact and repeatable,
# where CPU time moves with the machine's load. About a minute per unit and flag.
compiler_ir() {  # flags source -> instructions, in millions
  valgrind --tool=cachegrind --cache-sim=no --trace-children=yes --cachegrind-out-file=/dev/null \
    "$cxx" -std=c++20 $1 -Iinclude -c "$2" -o /dev/null 2>&1 |
    awk '/I *refs/ { gsub(",", "", $4); s += $4 } END { printf "%.0f", s / 1e6 }'
}

stripped_size() {  # object -> bytes after strip --strip-unneeded
  strip --strip-unneeded -o "$1.stripped" "$1"
  stat -c %s "$1.stripped"
}

echo "20 Retrying types vs 20 hand-written loops; $($cxx --version | head -1)"
printf '%-6s %-22s %12s %12s %8s   %s\n' "flags" "measure" "hand" "grit" "ratio" "target"
printf '%s\n' "$(printf -- '-%.0s' {1..80})"
status=0
for opt in -O2 -O0; do
  read -r th tg < <(best_of_n_pair "$opt")
  sh=$(stripped_size "$work/hand$opt.o")
  sg=$(stripped_size "$work/grit$opt.o")
  th_text=$(size -A "$work/hand$opt.o" | awk '$1 ~ /^\.text/ { s += $2 } END { print s }')
  tg_text=$(size -A "$work/grit$opt.o" | awk '$1 ~ /^\.text/ { s += $2 } END { print s }')
  awk -v o="$opt" -v th="$th" -v tg="$tg" -v sh="$sh" -v sg="$sg" -v xh="$th_text" -v xg="$tg_text" 'BEGIN {
    rt = tg / th; rs = sg / sh
    printf "%-6s %-22s %11.2fs %11.2fs %8.2f   <= 1.5  %s\n", o, "compile CPU (best of 7)", th, tg, rt, (rt <= 1.5 ? "met" : "MISSED")
    printf "%-6s %-22s %12d %12d %8.2f   <= 1.2  %s\n", o, "stripped object bytes", sh, sg, rs, (rs <= 1.2 ? "met" : "MISSED")
    printf "%-6s %-22s %12d %12d %8.2f\n", o, ".text* bytes", xh, xg, xg / xh
    exit !(rt <= 1.5 && rs <= 1.2) }' || status=1
  if [[ ${IR:-0} == 1 ]]; then
    ih=$(compiler_ir "$opt" "$work/hand.cpp")
    ig=$(compiler_ir "$opt" "$work/grit.cpp")
    awk -v o="$opt" -v h="$ih" -v g="$ig" 'BEGIN {
      printf "%-6s %-22s %11dM %11dM %8.2f\n", o, "compiler instructions", h, g, g / h }'
  fi
done
exit $status
