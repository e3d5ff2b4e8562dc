// expect-error: grit: durations need a unit: write stop::Timeout<>\{30s\}
// The run-time form with stamina's habit: a number of seconds without a unit.
#include <grit/grit.hpp>

#include <stdexcept>

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Timeout<>> retry{grit::stop::Timeout<>{30}};
