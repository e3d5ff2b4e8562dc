# Targets of the optional integrations, made only when their Debian packages are there:
#   grit::spdlog (include/grit/spdlog.hpp): grit with Debian's compiled spdlog (libspdlog-dev, spdlog::spdlog).
# log.hpp and prometheus.hpp need nothing beyond grit::grit.
# And grit_add_prometheus_exporter(), for examples/prometheus_exporter.cpp (cpp-httplib from libcpp-httplib-dev,
# through pkg-config: Debian's 0.11 is a shared library whose class layout depends on its -D flags).
find_package(spdlog 1.10 CONFIG QUIET)
if(spdlog_FOUND AND NOT TARGET grit_spdlog)
  add_library(grit_spdlog INTERFACE)
  add_library(grit::spdlog ALIAS grit_spdlog)
  target_link_libraries(grit_spdlog INTERFACE grit::grit spdlog::spdlog)
endif()

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(GRIT_HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
endif()

# The exporter, once, whichever of examples/ and tests/observability/ asks first.
function(grit_add_prometheus_exporter)
  if(TARGET grit_prometheus_exporter OR NOT TARGET PkgConfig::GRIT_HTTPLIB)
    return()
  endif()
  find_package(Threads REQUIRED)
  add_executable(grit_prometheus_exporter ${PROJECT_SOURCE_DIR}/examples/prometheus_exporter.cpp)
  target_link_libraries(grit_prometheus_exporter PRIVATE grit::grit PkgConfig::GRIT_HTTPLIB Threads::Threads)
  if(TARGET grit_warnings)
    target_link_libraries(grit_prometheus_exporter PRIVATE grit_warnings)
  endif()
endfunction()

# grit::asio (include/grit/asio.hpp): grit with standalone Asio >= 1.22 (Debian's libasio-dev, header-only).
# Asio 1.22 detects C++20 coroutines only with GCC; with Clang (14) the target defines the two macros that turn them
# on (ASIO_HAS_CO_AWAIT, ASIO_HAS_STD_COROUTINE): other build systems must define them too for co_retry.
find_path(GRIT_ASIO_INCLUDE_DIR asio/version.hpp)
if(GRIT_ASIO_INCLUDE_DIR AND NOT TARGET grit_asio)
  find_package(Threads REQUIRED)
  add_library(grit_asio INTERFACE)
  add_library(grit::asio ALIAS grit_asio)
  target_link_libraries(grit_asio INTERFACE grit::grit Threads::Threads)
  target_compile_definitions(grit_asio INTERFACE $<$<CXX_COMPILER_ID:Clang>:ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1>)
  if(NOT GRIT_ASIO_INCLUDE_DIR IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    target_include_directories(grit_asio SYSTEM INTERFACE ${GRIT_ASIO_INCLUDE_DIR})
  endif()
endif()

# grit::boost_asio (include/grit/boost_asio.hpp): grit with Boost.Asio >= 1.81. Debian 12's default Boost is 1.74
# (its Asio has no per-operation cancellation), and libboost1.81-dev conflicts with it, so grit's own build uses
# Boost 1.81's headers unpacked, never installed: GRIT_BOOST181_INCLUDE_DIR (tools/get-boost181.sh fills
# .cache/boost181; -DGRIT_FETCH_BOOST181=ON runs it at configure time). A consumer with Boost >= 1.81 installed
# links Boost::headers instead: the target then uses the Boost that find_package found, if it is new enough.
option(GRIT_FETCH_BOOST181 "Unpack Boost 1.81's headers into .cache/boost181 (apt-get download) for grit::boost_asio" OFF)
set(GRIT_BOOST181_INCLUDE_DIR "" CACHE PATH "Boost >= 1.81 headers for grit::boost_asio (not installed system-wide)")
if(GRIT_FETCH_BOOST181 AND NOT GRIT_BOOST181_INCLUDE_DIR)
  execute_process(COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../tools/get-boost181.sh OUTPUT_VARIABLE grit_boost181
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE grit_boost181_rc)
  if(grit_boost181_rc EQUAL 0)
    set(GRIT_BOOST181_INCLUDE_DIR ${grit_boost181} CACHE PATH "" FORCE)
  endif()
endif()
if(NOT GRIT_BOOST181_INCLUDE_DIR AND EXISTS ${CMAKE_CURRENT_LIST_DIR}/../.cache/boost181/usr/include/boost/version.hpp)
  set(GRIT_BOOST181_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/../.cache/boost181/usr/include)
endif()
if(NOT TARGET grit_boost_asio)
  if(GRIT_BOOST181_INCLUDE_DIR)
    find_package(Threads REQUIRED)
    add_library(grit_boost_asio INTERFACE)
    add_library(grit::boost_asio ALIAS grit_boost_asio)
    # Before /usr/include (Boost 1.74): its include directory comes first; its Mp11 serves the core as well.
    target_include_directories(grit_boost_asio SYSTEM BEFORE INTERFACE ${GRIT_BOOST181_INCLUDE_DIR})
    target_include_directories(grit_boost_asio INTERFACE $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}/../include>)
    target_compile_features(grit_boost_asio INTERFACE cxx_std_20)
    target_compile_definitions(grit_boost_asio INTERFACE BOOST_ASIO_NO_DEPRECATED)
    target_link_libraries(grit_boost_asio INTERFACE Threads::Threads)
  elseif(Boost_VERSION VERSION_GREATER_EQUAL 1.81)
    add_library(grit_boost_asio INTERFACE)
    add_library(grit::boost_asio ALIAS grit_boost_asio)
    target_link_libraries(grit_boost_asio INTERFACE grit::grit)
  endif()
endif()

# The article's poller (examples/api_poller.cpp) and its flaky test server (tools/flaky_server/): cpp-httplib as
# above, and nlohmann-json (Debian's nlohmann-json3-dev, its CMake config nlohmann_json::nlohmann_json) for the
# poller's checkpoints. Made once, whichever of examples/, tests/e2e/ and bench/ asks first; not made (the caller
# checks for the target) where a package is missing.
find_package(nlohmann_json 3.10 CONFIG QUIET)

function(grit_add_flaky_server)
  if(TARGET grit_flaky_server OR NOT TARGET PkgConfig::GRIT_HTTPLIB)
    return()
  endif()
  find_package(Threads REQUIRED)
  add_executable(grit_flaky_server ${PROJECT_SOURCE_DIR}/tools/flaky_server/flaky_server.cpp)
  target_compile_features(grit_flaky_server PRIVATE cxx_std_20)
  target_link_libraries(grit_flaky_server PRIVATE PkgConfig::GRIT_HTTPLIB Threads::Threads)
  if(TARGET grit_warnings)
    target_link_libraries(grit_flaky_server PRIVATE grit_warnings)
  endif()
endfunction()

function(grit_add_api_poller)
  if(TARGET grit_api_poller OR NOT TARGET PkgConfig::GRIT_HTTPLIB OR NOT TARGET nlohmann_json::nlohmann_json)
    return()
  endif()
  find_package(Threads REQUIRED)
  add_executable(grit_api_poller ${PROJECT_SOURCE_DIR}/examples/api_poller.cpp)
  target_link_libraries(grit_api_poller PRIVATE grit::grit PkgConfig::GRIT_HTTPLIB nlohmann_json::nlohmann_json
                                                Threads::Threads)
  if(TARGET grit_warnings)
    target_link_libraries(grit_api_poller PRIVATE grit_warnings)
  endif()
endfunction()

# examples/async_poller.cpp, the same poller on grit::asio: standalone Asio and nlohmann-json. One target,
# example_async_poller in build/examples/ (whichever of examples/ and tests/e2e/ asks first): run with no arguments,
# it is a demo with a server of its own; tests/e2e runs it against the flaky server.
function(grit_add_async_poller)
  if(TARGET example_async_poller OR NOT TARGET grit::asio OR NOT TARGET nlohmann_json::nlohmann_json)
    return()
  endif()
  add_executable(example_async_poller ${PROJECT_SOURCE_DIR}/examples/async_poller.cpp)
  set_target_properties(example_async_poller PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/examples)
  target_link_libraries(example_async_poller PRIVATE grit::asio nlohmann_json::nlohmann_json)
  if(TARGET grit_warnings)
    target_link_libraries(example_async_poller PRIVATE grit_warnings)
  endif()
endfunction()
