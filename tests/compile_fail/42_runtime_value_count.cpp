// expect-error: grit: give the constructor exactly one value for each parameter written as grit::runtime
// Exponential<runtime> takes one run-time value (Initial); two are given.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::wait::Exponential<grit::runtime> wait{1s, 2s};
