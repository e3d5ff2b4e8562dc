// expect-error: grit: durations need a unit: write 30s or 100ms
// A Python habit: stamina's timeout=30, in seconds, written without a unit.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Timeout<30>> retry;
