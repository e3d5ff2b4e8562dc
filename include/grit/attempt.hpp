// Attempt policies: how long one attempt may take. Default: attempt::Unlimited.
//
// Only a driver that can cancel an attempt in progress carries out a deadline: the Asio driver (grit/asio.hpp)
// cancels the attempt at min(the attempt's deadline, a stop::Timeout's) and counts it as a retryable failure. A
// synchronous call cannot be interrupted from outside, so the call operator rejects attempt::Timeout at compile time
// rather than ignore it.
//
// The AttemptPolicy concept. A type A is an attempt policy when, for `const A a`:
//   1. `A::grit_category` is `grit::category::attempt`;
//   2. A is copy-constructible;
//   3. `A::limits_attempts` converts to bool: whether an attempt has a deadline;
//   4. when it does, `a.timeout()` returns the `nanoseconds` an attempt may take, > 0.
// The smallest attempt policy:
//
//   struct QuarterSecond {
//     using grit_category = grit::category::attempt;
//     static constexpr bool limits_attempts = true;
//     static constexpr grit::nanoseconds timeout() noexcept { return std::chrono::milliseconds(250); }
//   };
#pragma once

#include <chrono>
#include <concepts>
#include <type_traits>

#include "category.hpp"
#include "detail/arithmetic.hpp"
#include "detail/param.hpp"
#include "values.hpp"

namespace grit {

template <class A>
concept AttemptPolicy =
    std::same_as<typename A::grit_category, category::attempt> && std::copy_constructible<A> && requires {
  { A::limits_attempts } -> std::convertible_to<bool>;
} &&(!A::limits_attempts || requires(const A& a) {
  { a.timeout() } -> std::convertible_to<nanoseconds>;
});

namespace attempt {

// No deadline for an attempt: it takes as long as it takes (the call's stop::Timeout still bounds the waits).
struct Unlimited {
  using grit_category = category::attempt;
  static constexpr bool limits_attempts = false;
};

// One attempt may take at most D; past it, the driver cancels the attempt and counts it as a retryable failure.
template <Duration D = runtime>
class Timeout {
  static_assert([] {
    static_assert(D.is_runtime || D.ns > 0, "grit: attempt::Timeout<D> needs D > 0; leave it out for no deadline");
    return true;
  }());
  [[no_unique_address]] detail::Param<D> timeout_;

 public:
  using grit_category = category::attempt;
  static constexpr bool limits_attempts = true;

  constexpr Timeout() requires(!D.is_runtime) = default;
  // A number without a unit (stamina's timeout=30) is no duration: the one error says how to write it.
  template <class Number>
  requires(D.is_runtime&& std::is_arithmetic_v<Number>) explicit Timeout(Number) {
    static_assert(!std::is_arithmetic_v<Number>,
                  "grit: durations need a unit: write attempt::Timeout<>{30s} or "
                  "attempt::Timeout<>{std::chrono::milliseconds(100)}, "
                  "not attempt::Timeout<>{30}");
  }
  template <class Rep, class Period>
  explicit Timeout(std::chrono::duration<Rep, Period> timeout) requires(D.is_runtime) {
    timeout_.set(timeout, "grit::attempt::Timeout", "timeout");
    if (timeout_.get() <= nanoseconds::zero())
      detail::invalid_argument(
          "grit::attempt::Timeout", "timeout",
          "must be > 0 (leave the policy out for no deadline), got " + detail::to_string(timeout_.get()));
  }

  constexpr nanoseconds timeout() const noexcept { return timeout_.get(); }
};

}  // namespace attempt

static_assert(AttemptPolicy<attempt::Unlimited> && AttemptPolicy<attempt::Timeout<std::chrono::seconds(1)>> &&
              AttemptPolicy<attempt::Timeout<>>);

}  // namespace grit
