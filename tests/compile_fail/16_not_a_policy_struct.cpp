// expect-error: grit: every argument of Retrying must be a policy
// A class that does not say which category it belongs to (no grit_category).
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Backoff {};
grit::Retrying<grit::RetryOn<E>, Backoff> retry;
