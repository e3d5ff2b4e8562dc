// The vocabulary of policy parameters: a value fixed in a policy's type (`Attempts<5>`, `Timeout<30s>`,
// `Exponential<100ms, 5s, 1.5>`) or given at run time under the same name (`Attempts<>{n}`,
// `Exponential<grit::runtime, 5s>{initial}`), the way std::span has std::dynamic_extent. A policy of your own takes
// these as template parameters too: `template <grit::Duration Unit> struct MyWait;` reads `Unit.value()`.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <type_traits>

#include "detail/arithmetic.hpp"

namespace grit {

using std::chrono::nanoseconds;

// Marks a template parameter whose value is given to the constructor instead of the type.
struct Runtime {};
inline constexpr Runtime runtime{};

// A duration fixed in a policy's type (`Timeout<30s>`), or `runtime`. Held in nanoseconds, saturated.
struct Duration {
  std::int64_t ns = 0;
  bool is_runtime = false;

  constexpr Duration(Runtime) : is_runtime(true) {}
  template <class Rep, class Period>
  constexpr Duration(std::chrono::duration<Rep, Period> d) : ns(detail::to_nanoseconds(d).count()) {}
  // A bare number (`Timeout<30>`, stamina's `wait_initial=0.1`) has no unit: one grit: message instead of "could not
  // convert" and the errors that follow it. The number is read as seconds, stamina's unit, so that the policy's own
  // checks (Timeout<D> needs D > 0, Max >= Initial) see a sensible value and add no error of their own.
  template <class T>
  requires std::is_arithmetic_v<T>
  constexpr Duration(T seconds)
      : ns(detail::to_nanoseconds(std::chrono::duration<long double>(static_cast<long double>(seconds))).count()) {
    static_assert(sizeof(T) == 0,
                  "grit: durations need a unit: write 30s or 100ms (using namespace std::chrono_literals)");
  }

  constexpr nanoseconds value() const { return nanoseconds(ns); }
};

// A whole number fixed in a policy's type (`Attempts<5>`), or `runtime`.
struct Integer {
  std::int64_t n = 0;
  bool is_runtime = false;

  constexpr Integer(Runtime) : is_runtime(true) {}
  template <std::integral T>
  constexpr Integer(T value) : n(static_cast<std::int64_t>(value)) {}
};

// A real factor fixed in a policy's type (`Exponential<..., 1.5>`), in millionths so that it is a valid template
// argument on every supported compiler; or `runtime`.
struct Factor {
  std::int64_t millionths = 0;
  bool is_runtime = false;

  constexpr Factor(Runtime) : is_runtime(true) {}
  template <std::integral T>
  constexpr Factor(T value) : millionths(static_cast<std::int64_t>(value) * 1'000'000) {}
  constexpr Factor(double value)
      : millionths(static_cast<std::int64_t>(value * 1'000'000.0 + (value < 0 ? -0.5 : 0.5))) {}

  constexpr double value() const { return static_cast<double>(millionths) / 1'000'000.0; }
};

}  // namespace grit
