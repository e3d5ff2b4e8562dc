// expect-error: grit: durations need a unit: write 30s or 100ms
// A fixed wait written as a bare number.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::wait::Fixed<5> wait;
