// Clock policies: where "now" comes from and how a wait is carried out. Default: clock::Steady;
// testing::VirtualClock (testing.hpp) is the one tests use.
//
// The ClockPolicy concept. A type C is a clock policy when, for `const C c` and `nanoseconds d`:
//   1. `C::grit_category` is `grit::category::clock`;
//   2. C is move-constructible;
//   3. `c.now()` returns a time point whose differences convert to `std::chrono::nanoseconds`;
//   4. `c.sleep_for(d)` carries out a wait of d;
//   5. `C::is_steady` converts to bool: whether now() never goes back (a stop::Timeout needs it);
//   6. optionally, `c.sleep_for(d, token)` with a `const std::stop_token&` returns bool: a wait that a stop requested
//      on the token ends at once, returning false (true: the wait ran its course). A call with a stop token uses it;
//      a clock without it sleeps the whole wait, and the stop is seen when the wait ends.
// The smallest clock policy (a manual clock for a simulation):
//
//   struct ManualClock {
//     using grit_category = grit::category::clock;
//     static constexpr bool is_steady = true;
//     grit::nanoseconds* time;
//     grit::nanoseconds now() const { return *time; }
//     void sleep_for(grit::nanoseconds d) const { *time += d; }
//   };
#pragma once

#include <chrono>
#include <concepts>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "category.hpp"

namespace grit {

template <class C>
concept ClockPolicy = std::same_as<typename C::grit_category, category::clock> && std::move_constructible<C> &&
    requires(const C& c, std::chrono::nanoseconds d) {
  {std::chrono::duration_cast<std::chrono::nanoseconds>(c.now() - c.now())};
  c.sleep_for(d);
  { C::is_steady } -> std::convertible_to<bool>;
};

namespace clock {

// The monotonic clock and a real sleep.
struct Steady {
  using grit_category = category::clock;
  static constexpr bool is_steady = true;

  std::chrono::steady_clock::time_point now() const noexcept { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::nanoseconds d) const { std::this_thread::sleep_for(d); }
  // Woken by a stop request on the token (std::condition_variable_any's stop_token wait: no polling).
  bool sleep_for(std::chrono::nanoseconds d, const std::stop_token& token) const {
    std::mutex mutex;
    std::condition_variable_any woken;
    std::unique_lock lock(mutex);
    const auto now = std::chrono::steady_clock::now();
    const auto deadline = d < std::chrono::steady_clock::time_point::max() - now
                              ? now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(d)
                              : std::chrono::steady_clock::time_point::max();
    return !woken.wait_until(lock, token, deadline, [] { return false; }) && !token.stop_requested();
  }
};

}  // namespace clock
}  // namespace grit
