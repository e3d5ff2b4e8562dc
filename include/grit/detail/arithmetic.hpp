// Saturating std::chrono arithmetic and the exception every run-time check throws: the bottom layer, used by the
// public vocabulary (values.hpp) and every policy.
#pragma once

#include "cxx20.hpp"  // first: the C++20 check
#include "exceptions.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <ratio>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace grit::detail {

// Whether a duration is NaN (only a floating-point one can be).
template <class Rep, class Period>
constexpr bool is_nan(std::chrono::duration<Rep, Period> d) noexcept {
  if constexpr (std::is_floating_point_v<Rep>)
    return d.count() != d.count();
  else
    return false;
}

// Saturating conversion of any std::chrono duration to nanoseconds: 1000h is fine, hours::max() becomes
// nanoseconds::max() instead of undefined behaviour, and a period such as 1/60 s never overflows on the way to a
// result that fits. NaN has no value: a caller that may see one checks is_nan first and says which parameter it is.
template <class Rep, class Period>
constexpr std::chrono::nanoseconds to_nanoseconds(std::chrono::duration<Rep, Period> d) {
  using std::chrono::nanoseconds;
  using limits = std::numeric_limits<std::int64_t>;
  if constexpr (std::is_floating_point_v<Rep>) {
    const long double ns = static_cast<long double>(d.count()) * Period::num * 1'000'000'000.0L / Period::den;
    if (!(ns == ns)) GRIT_DETAIL_THROW_INVALID_ARGUMENT("grit: a duration is NaN");
    if (ns >= static_cast<long double>(limits::max())) return nanoseconds::max();
    if (ns <= static_cast<long double>(limits::min())) return nanoseconds::min();
    return nanoseconds(static_cast<std::int64_t>(ns));
  } else if constexpr (std::ratio_equal_v<Period, std::nano> && sizeof(Rep) <= sizeof(std::int64_t) &&
                       std::is_signed_v<Rep>) {
    return nanoseconds(d.count());  // nothing to convert (steady_clock's own ticks)
  } else {
    using ratio = std::ratio_divide<Period, std::nano>;  // nanoseconds per tick, as num/den
    const auto count = static_cast<long double>(d.count());
    const long double ns = count * ratio::num / ratio::den;
    if (ns >= static_cast<long double>(limits::max())) return nanoseconds::max();
    if (ns <= static_cast<long double>(limits::min())) return nanoseconds::min();
    // The result fits; duration_cast's count * num could still overflow before its / den. Divide first: the
    // quotient's part is exact, and the remainder's product is below den * num.
    const auto ticks = static_cast<std::int64_t>(d.count());
    const std::int64_t whole = ticks / ratio::den, rest = ticks % ratio::den;
    return nanoseconds(whole * ratio::num + rest * ratio::num / ratio::den);
  }
}

constexpr std::chrono::nanoseconds saturating_sub(std::chrono::nanoseconds a, std::chrono::nanoseconds b) noexcept {
  std::int64_t out{};
  if (__builtin_sub_overflow(a.count(), b.count(), &out))
    return b.count() < 0 ? std::chrono::nanoseconds::max() : std::chrono::nanoseconds::min();
  return std::chrono::nanoseconds(out);
}

constexpr std::chrono::nanoseconds saturating_add(std::chrono::nanoseconds a, std::chrono::nanoseconds b) noexcept {
  std::int64_t out{};
  if (__builtin_add_overflow(a.count(), b.count(), &out))
    return b.count() > 0 ? std::chrono::nanoseconds::max() : std::chrono::nanoseconds::min();
  return std::chrono::nanoseconds(out);
}

constexpr std::chrono::nanoseconds saturating_mul(std::chrono::nanoseconds a, std::int64_t k) noexcept {
  std::int64_t out{};
  if (__builtin_mul_overflow(a.count(), k, &out))
    return (a.count() < 0) != (k < 0) ? std::chrono::nanoseconds::min() : std::chrono::nanoseconds::max();
  return std::chrono::nanoseconds(out);
}

[[noreturn]] inline void invalid_argument(const char* policy, const char* parameter, const std::string& requirement) {
  GRIT_DETAIL_THROW_INVALID_ARGUMENT(std::string(policy) + ": " + parameter + " " + requirement);
}

// A duration as a user writes it, in the largest unit that keeps it exact: "10s", "100ms", "250us", "7ns" (zero is
// "0s").
inline std::string to_string(std::chrono::nanoseconds d) {
  const std::int64_t ns = d.count();
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

}  // namespace grit::detail
