// expect-error: grit: wait::Linear<Initial, Step, Max> needs Max >= Initial
// A cap below the first wait.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::wait::Linear<1s, 1s, 100ms> wait;
