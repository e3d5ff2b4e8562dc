// expect-error: grit: a time-based stop policy \(stop::Timeout\) needs a monotonic clock
// A Timeout measured on a clock that is not monotonic.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct WallClock {
  using grit_category = grit::category::clock;
  static constexpr bool is_steady = false;
  std::chrono::system_clock::time_point now() const { return std::chrono::system_clock::now(); }
  void sleep_for(std::chrono::nanoseconds) const {}
};
grit::Retrying<grit::RetryOn<E>, grit::stop::Timeout<1s>, WallClock> retry;
