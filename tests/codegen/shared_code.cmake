# The code-size devices of detail/driver.hpp, held in place: compiles the 20-type unit of tools/gen_bloat.sh (20
# Retrying types differing in numbers and in their wait, jitter and stop policies) and its hand-written twin, and
# checks, with the build's compiler:
#
#  1. at -O2, one shared copy of the failure path for all 20 types: exactly one definition each of the decision
#     (ScheduleCore::on_failure), the first failure (first_exception) and the retry loop (retry_loop). Plans and
#     twins (one schedule type per kind of policies) and Erased (the loop behind a pointer) are what make it one;
#  2. at -O2, nothing that only a sink needs: no demangler (a Cause is built only when a sink reads it) and no hook
#     registry (reached through hook_delivery only where hooks are set);
#  3. at -O0, the stripped object at most MAX_O0_RATIO times the hand unit's: constant plans (consteval) and the
#     always_inline layers are what keep a debug build small (without constant plans: GCC +22 %).
#
# cmake -DCXX=... -DNM=... -DSTRIP=... -DSOURCE_DIR=... -DBOOST_INCLUDE=... -DWORK_DIR=... -P shared_code.cmake
cmake_minimum_required(VERSION 3.25)
# 1.35 until issue 9/10/11's core features (call-site names, wait scopes, causes that own their text, cancellation)
# added a fixed 53 kB to the -O0 unit: 108 240 -> 161 184 B against the hand unit's 94 160 (1.15 -> 1.71). Without
# constant plans the unit is 207 216 B (2.20; Clang 14: 1.81 and 2.42), so 1.95 still fails when it is lost.
set(MAX_O0_RATIO 1.95)
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND bash ${SOURCE_DIR}/tools/gen_bloat.sh ${WORK_DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "shared_code: tools/gen_bloat.sh failed")
endif()
function(compile source flags object)
  execute_process(COMMAND ${CXX} -std=c++20 ${flags} -I${SOURCE_DIR}/include -I${BOOST_INCLUDE} -c ${source} -o ${object}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "shared_code: compiling ${source} ${flags} failed:\n${err}")
  endif()
endfunction()

set(problems "")
compile(${WORK_DIR}/grit.cpp -O2 ${WORK_DIR}/grit-O2.o)
execute_process(COMMAND ${NM} -C --defined-only ${WORK_DIR}/grit-O2.o OUTPUT_VARIABLE symbols)
string(REPLACE "\n" ";" symbols "${symbols}")
foreach(piece "ScheduleCore<.*>::on_failure" "grit::detail::first_exception<" "grit::detail::retry_loop<")
  set(count 0)
  foreach(symbol IN LISTS symbols)
    if(symbol MATCHES " [TtWw] .*${piece}")
      math(EXPR count "${count} + 1")
    endif()
  endforeach()
  message(STATUS "shared_code (${CXX} -O2): ${count} definition(s) of ${piece}")
  if(NOT count EQUAL 1)
    string(APPEND problems "  ${count} definitions of ${piece} for 20 Retrying types with one plan; expected 1\n")
  endif()
endforeach()
foreach(symbol IN LISTS symbols)
  if(symbol MATCHES "demangle|HookRegistry|hook_registry|deliver_to_hooks")
    string(APPEND problems "  a unit that only retries defines ${symbol}\n")
  endif()
endforeach()

compile(${WORK_DIR}/grit.cpp -O0 ${WORK_DIR}/grit-O0.o)
compile(${WORK_DIR}/hand.cpp -O0 ${WORK_DIR}/hand-O0.o)
foreach(unit grit hand)
  execute_process(COMMAND ${STRIP} --strip-unneeded -o ${WORK_DIR}/${unit}-O0.stripped ${WORK_DIR}/${unit}-O0.o)
  file(SIZE ${WORK_DIR}/${unit}-O0.stripped ${unit}_size)
endforeach()
math(EXPR ratio_x1000 "${grit_size} * 1000 / ${hand_size}")

message(STATUS "shared_code (${CXX} -O0): stripped objects grit ${grit_size} B, hand ${hand_size} B, ratio ${ratio_x1000}/1000")
if(ratio_x1000 GREATER 1950)
  string(APPEND problems "  -O0: grit's object is ${ratio_x1000}/1000 of the hand unit's (at most ${MAX_O0_RATIO})\n")
endif()
if(problems)
  message(FATAL_ERROR "shared_code: a code-size device is lost:\n${problems}")
endif()
