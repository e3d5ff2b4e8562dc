// Clock policies: where "now" comes from and how a wait is carried out.
//
// A clock policy provides `now()` (whose differences convert to std::chrono::nanoseconds),
// `sleep_for(nanoseconds)`, and `is_steady`. `testing::VirtualClock` (testing.hpp) is the one tests use.
#pragma once

#include <chrono>
#include <concepts>
#include <thread>

#include "detail/category.hpp"

namespace grit {

template <class C>
concept ClockPolicy = std::same_as<typename C::grit_category, category::clock> &&
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
};

}  // namespace clock
}  // namespace grit
