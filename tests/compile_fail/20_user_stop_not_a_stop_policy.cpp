// expect-error: grit: a type in the stop category does not satisfy grit::StopPolicy
// A user-written stop policy that declares its category but has only should_stop (not derived from stop::Base).
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CircuitOpen {
  using grit_category = grit::category::stop;
  bool should_stop(const grit::StopContext&) const { return true; }
};
grit::Retrying<grit::RetryOn<E>, CircuitOpen> retry;
