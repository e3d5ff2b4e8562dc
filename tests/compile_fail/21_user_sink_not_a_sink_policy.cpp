// expect-error: grit: a type in the sink category does not satisfy grit::SinkPolicy
// A user-written sink that declares its category but none of the events (not derived from sink::Base).
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Counter {
  using grit_category = grit::category::sink;
};
grit::Retrying<grit::RetryOn<E>, Counter> retry;
