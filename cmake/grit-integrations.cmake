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
