// expect-error: grit: a Retrying takes one clock policy
// Two clock policies.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::clock::Steady, grit::testing::VirtualClock> retry;
