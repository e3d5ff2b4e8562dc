// expect-error: grit: every argument of Retrying must be a policy
// A built-in type among the policies.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, int> retry;
