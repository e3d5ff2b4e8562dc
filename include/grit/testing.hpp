// Test support: testing mode (switches.hpp) and a virtual clock under which a Retrying never really sleeps.
#pragma once

#include <chrono>
#include <mutex>
#include <stop_token>
#include <vector>

#include "category.hpp"
#include "clock.hpp"
#include "detail/arithmetic.hpp"
#include "detail/shared.hpp"
#include "switches.hpp"
#include "values.hpp"

namespace grit::testing {

// A clock policy whose time moves only when something sleeps on it or a test calls advance(). Copies share one
// time line, so a test keeps a copy to read the waits the Retrying made.
class VirtualClock {
 public:
  using grit_category = category::clock;
  static constexpr bool is_steady = true;

  VirtualClock() : time_(grit::detail::Shared<TimeLine>::make()) {}

  // Time since the clock was made.
  nanoseconds now() const {
    std::lock_guard lock(time_->mutex);
    return time_->now;
  }
  // A wait: time moves on by d at once, and the wait is recorded.
  void sleep_for(nanoseconds d) const {
    std::lock_guard lock(time_->mutex);
    time_->now = grit::detail::saturating_add(time_->now, d);
    time_->sleeps.push_back(d);
  }
  // A wait that a stop ends at once: time does not move, and nothing is recorded, if a stop was requested.
  bool sleep_for(nanoseconds d, const std::stop_token& token) const {
    if (token.stop_requested()) return false;
    sleep_for(d);
    return true;
  }
  // Time passing for another reason, e.g. an attempt that takes 250 ms.
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) const {
    std::lock_guard lock(time_->mutex);
    time_->now = grit::detail::saturating_add(time_->now, grit::detail::to_nanoseconds(d));
  }
  // Every wait so far, in order.
  std::vector<nanoseconds> sleeps() const {
    std::lock_guard lock(time_->mutex);
    return time_->sleeps;
  }
  nanoseconds slept() const {
    std::lock_guard lock(time_->mutex);
    nanoseconds total{};
    for (auto d : time_->sleeps) total = grit::detail::saturating_add(total, d);
    return total;
  }

 private:
  struct TimeLine {
    std::mutex mutex;
    nanoseconds now{};
    std::vector<nanoseconds> sleeps;
  };
  grit::detail::Shared<TimeLine> time_;
};

}  // namespace grit::testing
