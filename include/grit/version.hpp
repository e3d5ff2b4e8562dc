// grit's version, the same as `project(grit VERSION ...)` in CMakeLists.txt (a CTest test, version.matches_project,
// checks that they agree).
#pragma once

#define GRIT_VERSION_MAJOR 0
#define GRIT_VERSION_MINOR 1
#define GRIT_VERSION_PATCH 0
// One number for comparisons: MAJOR * 10000 + MINOR * 100 + PATCH (0.1.0 is 100).
#define GRIT_VERSION (GRIT_VERSION_MAJOR * 10000 + GRIT_VERSION_MINOR * 100 + GRIT_VERSION_PATCH)
