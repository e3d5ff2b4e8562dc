// expect-error: grit: the wait policy does not satisfy grit::WaitPolicy
// A user-written wait policy with delay() but without initial() and max().
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Fibonacci {
  using grit_category = grit::category::wait;
  grit::nanoseconds delay(std::uint64_t) const { return {}; }
};
grit::Retrying<grit::RetryOn<E>, Fibonacci> retry;
