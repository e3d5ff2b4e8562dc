// expect-error: grit: a Retrying takes one jitter policy
// Two jitter policies.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::jitter::None, grit::jitter::Full> retry;
