// expect-error: grit: durations need a unit: write 30s or 100ms
// A Python habit: stamina's wait_initial=0.1, wait_max=10.0, in seconds, written without units.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::wait::Exponential<0.1, 10.0>> retry;
