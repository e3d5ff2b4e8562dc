# Compiles success_path.cpp at -O2 with the build's compiler, disassembles it with objdump, and checks that grit's
# success path is the hand-written loop's, for each function named in GRIT_FUNCTIONS:
#
#  1. Nothing forbidden anywhere in it (hot and cold parts): no call into the clock, the random engine, a sleep, the
#     allocator, a lock or thread-local storage; no atomic instruction (lock prefix, xchg, mfence); no reference to
#     grit's process-wide switches or hook list. (The failure path lives in out-of-line functions.)
#  2. The success path, walked from the entry through unconditional jumps to the first `ret` with op() returning,
#     is no longer than the hand loop's: grit <= hand. The margins this guards are the register devices of
#     detail/driver.hpp (NameText: by reference; the first decision in memory: made at the call), each worth 4
#     instructions with GCC; a slack would hide their loss.
#
# cmake -DCXX=... -DOBJDUMP=... -DSOURCE=... -DINCLUDE=... -DBOOST_INCLUDE=... -DWORK_DIR=... -P check.cmake
cmake_minimum_required(VERSION 3.25)
set(GRIT_FUNCTIONS grit_by_reference grit_made_at_call grit_with_sinks)
set(object ${WORK_DIR}/success_path.o)
execute_process(COMMAND ${CXX} -std=c++20 -O2 -I${INCLUDE} -I${BOOST_INCLUDE} -c ${SOURCE} -o ${object}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "codegen: compiling ${SOURCE} failed:\n${err}")
endif()
execute_process(COMMAND ${OBJDUMP} -d -r --no-show-raw-insn ${object} OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "codegen: objdump failed")
endif()
string(REPLACE ";" "," listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")

# Splits the listing into functions: for each symbol S, S_addrs / S_insns (parallel lists) and S_relocs (the symbols
# that S's relocations name, with the address of the instruction they belong to as "addr=symbol").
set(current "")
set(functions "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-f]+ <([^>]+)>:$")
    string(MAKE_C_IDENTIFIER "${CMAKE_MATCH_1}" current)
    list(APPEND functions ${current})
    set(${current}_addrs "")
    set(${current}_insns "")
    set(${current}_relocs "")
  elseif(current AND line MATCHES "^ +([0-9a-f]+):\t(.*)$")
    list(APPEND ${current}_addrs ${CMAKE_MATCH_1})
    string(STRIP "${CMAKE_MATCH_2}" insn)
    string(REGEX REPLACE "[ \t]+" " " insn "${insn}")
    list(APPEND ${current}_insns "${insn}")
  elseif(current AND line MATCHES "^\t+([0-9a-f]+): R_X86_64_[A-Z0-9_]+\t([^+-]+)")
    list(APPEND ${current}_relocs "${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
  elseif(line STREQUAL "")
    set(current "")
  endif()
endforeach()

foreach(f ${GRIT_FUNCTIONS} hand_success)
  if(NOT f IN_LIST functions)
    message(FATAL_ERROR "codegen: no function ${f} in the disassembly")
  endif()
endforeach()

# 1. Forbidden calls, references and instructions in each grit function and its .cold part (GCC's).
set(forbidden_symbols
    "steady_clock3now|system_clock3now|clock_gettime|gettimeofday"  # the clock
    "mersenne_twister|uniform_real_distribution|random_device|^rand$|thread_engine|Wyrand|splitmix64"  # randomness
    "nanosleep|sleep_for|this_thread|^usleep$|^sleep$"  # sleeping
    "^malloc$|^calloc$|^realloc$|aligned_alloc|^_Znwm|^_Znam|cxa_allocate_exception"  # the allocator
    "pthread_mutex|_ZNSt5mutex|__atomic_|__tls_get_addr|^_ZTW|^_ZTH"  # locks, atomics, thread-locals
    "active_flag|testing_word|hook_registry|hook_delivery")  # grit's process-wide switches and hooks
set(problems "")
set(parts "")
foreach(f ${GRIT_FUNCTIONS})
  list(APPEND parts ${f} ${f}_cold)
endforeach()
foreach(part ${parts})
  foreach(reloc IN LISTS ${part}_relocs)
    string(REGEX REPLACE "^[0-9a-f]+=" "" symbol "${reloc}")
    foreach(pattern IN LISTS forbidden_symbols)
      if(symbol MATCHES "${pattern}")
        string(APPEND problems "  ${part} refers to ${symbol} (matches ${pattern})\n")
      endif()
    endforeach()
  endforeach()
  foreach(insn IN LISTS ${part}_insns)
    # xchg is atomic only with a memory operand; `xchg %ax,%ax` is the two-byte nop that pads code.
    if(insn MATCHES "^lock |^xchg[^(]*\\(|^mfence|^cmpxchg|^xadd")
      string(APPEND problems "  ${part} has an atomic instruction: ${insn}\n")
    endif()
  endforeach()
endforeach()

# 2. The success path: from the entry, fall through and follow unconditional jumps; op() returns; stop at `ret`.
function(walk f out_count out_text)
  set(addrs ${${f}_addrs})
  set(insns ${${f}_insns})
  list(LENGTH addrs n)
  set(i 0)
  set(count 0)
  set(text "")
  set(called_op FALSE)
  while(i LESS n AND count LESS 200)
    list(GET addrs ${i} addr)
    list(GET insns ${i} insn)
    math(EXPR count "${count} + 1")
    string(APPEND text "    ${insn}\n")
    set(target "")
    foreach(reloc IN LISTS ${f}_relocs)
      if(reloc MATCHES "^([0-9a-f]+)=(.*)$")
        math(EXPR at "0x${CMAKE_MATCH_1}")
        math(EXPR here "0x${addr}")
        if(at GREATER here)  # a relocation belongs to the instruction it follows
          math(EXPR next_index "${i} + 1")
          if(next_index LESS n)
            list(GET addrs ${next_index} next_addr)
            math(EXPR next_here "0x${next_addr}")
          else()
            set(next_here 999999999)
          endif()
          if(at LESS next_here)
            set(target "${CMAKE_MATCH_2}")
          endif()
        endif()
      endif()
    endforeach()
    if(target STREQUAL "_Z2opv")
      set(called_op TRUE)
    endif()
    if(insn MATCHES "^ret")
      break()
    elseif(insn MATCHES "^jmp " AND target)  # a tail call: the path leaves the function
      break()
    elseif(insn MATCHES "^jmp ([0-9a-f]+) ")
      list(FIND addrs ${CMAKE_MATCH_1} i)
      if(i LESS 0)
        message(FATAL_ERROR "codegen: ${f}: jump out of the function on the success path: ${insn}")
      endif()
      continue()
    elseif(insn MATCHES "^j[a-z]+ ")
      message(FATAL_ERROR "codegen: ${f}: a conditional branch on the success path, not expected here: ${insn}\n"
                          "${text}")
    endif()
    math(EXPR i "${i} + 1")
  endwhile()
  if(NOT called_op)
    message(FATAL_ERROR "codegen: ${f}: the success path does not call op():\n${text}")
  endif()
  set(${out_count} ${count} PARENT_SCOPE)
  set(${out_text} "${text}" PARENT_SCOPE)
endfunction()

walk(hand_success hand_count hand_text)
message(STATUS "codegen (${CXX}, -O2): success path of the hand loop: ${hand_count} instructions\n${hand_text}")
set(summary "")
foreach(f ${GRIT_FUNCTIONS})
  walk(${f} grit_count grit_text)
  message(STATUS "codegen (${CXX}, -O2): success path of ${f}: ${grit_count} instructions\n${grit_text}")
  if(grit_count GREATER hand_count)
    string(APPEND problems "  ${f}'s success path has ${grit_count} instructions, the hand loop's ${hand_count}\n")
  endif()
  string(APPEND summary " ${f} ${grit_count},")
endforeach()
if(problems)
  message(FATAL_ERROR "codegen: grit's success path is not the hand loop's:\n${problems}")
endif()
message(STATUS "codegen: instructions:${summary} hand loop ${hand_count}: nothing forbidden, grit <= hand")
