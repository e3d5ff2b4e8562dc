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
