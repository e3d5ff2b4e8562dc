# The packaging tests, one MODE per run (tests/install/CMakeLists.txt registers them):
#   prefix          configure grit on its own, as a packager would: tests, benchmarks and examples off, GTest and
#                   Google Benchmark made unfindable (CMAKE_DISABLE_FIND_PACKAGE_*), then install it into
#                   WORK_DIR/prefix and check the installed files. The other modes use that prefix.
#   find_package    a CMake consumer: find_package(grit <version> CONFIG REQUIRED) + grit::grit
#   add_subdirectory a CMake consumer that builds grit's source tree with add_subdirectory
#   include_flag    the compiler alone: CXX -std=c++20 -I<prefix>/include
#   pkg_config      the compiler with `pkg-config --cflags grit` (PKG_CONFIG_PATH=<prefix>/share/pkgconfig)
# Every consumer builds tests/install/consumer/main.cpp with warnings as errors, runs it, and checks that it prints
# the project's version (so the GRIT_VERSION_* macros it was compiled with agree with project(grit VERSION ...)).
cmake_minimum_required(VERSION 3.25)
set(prefix ${WORK_DIR}/prefix)
set(consumer_source ${SOURCE_DIR}/tests/install/consumer/main.cpp)
set(warnings -Wall -Wextra -Wpedantic -Werror)
string(JOIN " " warning_flags ${warnings})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "install test (${MODE}): step failed (${result}): ${ARGN}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

function(run_consumer exe)
  run(${exe})
  if(NOT last_output STREQUAL "grit ${VERSION}\n")
    message(FATAL_ERROR "install test (${MODE}): the consumer printed '${last_output}', expected 'grit ${VERSION}'")
  endif()
endfunction()

if(MODE STREQUAL "prefix")
  file(REMOVE_RECURSE ${prefix} ${WORK_DIR}/grit-build)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/grit-build -DCMAKE_CXX_COMPILER=${CXX}
      -DGRIT_BUILD_TESTS=OFF -DGRIT_BUILD_BENCH=OFF -DGRIT_BUILD_EXAMPLES=OFF
      -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/grit-build)
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/grit-build --prefix ${prefix})
  foreach(file include/grit/grit.hpp include/grit/version.hpp share/cmake/grit/grit-config.cmake
          share/cmake/grit/grit-config-version.cmake share/cmake/grit/grit-targets.cmake share/pkgconfig/grit.pc
          share/doc/grit/LICENSE)
    if(NOT EXISTS ${prefix}/${file})
      message(FATAL_ERROR "install test (prefix): ${file} was not installed")
    endif()
  endforeach()
  message(STATUS "install test: grit installed without GTest or Google Benchmark")
elseif(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${WORK_DIR}/find_package -DCMAKE_CXX_COMPILER=${CXX}
      -DCMAKE_PREFIX_PATH=${prefix} -DGRIT_EXPECTED_VERSION=${VERSION} "-DCMAKE_CXX_FLAGS=${warning_flags}")
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/find_package)
  run_consumer(${WORK_DIR}/find_package/consumer)
elseif(MODE STREQUAL "add_subdirectory")
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/subdirectory -B ${WORK_DIR}/add_subdirectory
      -DCMAKE_CXX_COMPILER=${CXX} -DGRIT_SOURCE_DIR=${SOURCE_DIR} "-DCMAKE_CXX_FLAGS=${warning_flags}")
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/add_subdirectory)
  run_consumer(${WORK_DIR}/add_subdirectory/consumer)
elseif(MODE STREQUAL "include_flag")
  run(${CXX} -std=c++20 ${warnings} -I${prefix}/include ${consumer_source} -o ${WORK_DIR}/include_flag_consumer)
  run_consumer(${WORK_DIR}/include_flag_consumer)
elseif(MODE STREQUAL "pkg_config")
  set(ENV{PKG_CONFIG_PATH} ${prefix}/share/pkgconfig)
  run(${PKG_CONFIG} --modversion grit)
  string(STRIP "${last_output}" pc_version)
  if(NOT pc_version STREQUAL VERSION)
    message(FATAL_ERROR "install test (pkg_config): grit.pc says version '${pc_version}', the project ${VERSION}")
  endif()
  run(${PKG_CONFIG} --cflags grit)
  string(STRIP "${last_output}" cflags)
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  file(REAL_PATH ${prefix}/include expected_include)
  set(found_include OFF)
  foreach(flag ${cflags})
    if(flag MATCHES "^-I(.*)$")
      file(REAL_PATH "${CMAKE_MATCH_1}" dir)
      if(dir STREQUAL expected_include)
        set(found_include ON)
      endif()
    endif()
  endforeach()
  if(NOT found_include)
    message(FATAL_ERROR "install test (pkg_config): `pkg-config --cflags grit` gave '${cflags}', no -I${prefix}/include")
  endif()
  run(${CXX} -std=c++20 ${warnings} ${cflags} ${consumer_source} -o ${WORK_DIR}/pkg_config_consumer)
  run_consumer(${WORK_DIR}/pkg_config_consumer)
else()
  message(FATAL_ERROR "install test: unknown MODE '${MODE}'")
endif()
message(STATUS "install test (${MODE}): passed")
