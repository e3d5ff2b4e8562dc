// expect-error: grit: wait::Exponential's Base must be >= 1
// A base below 1 would shrink the waits.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::wait::Exponential<100ms, 5s, 0.5> wait;
