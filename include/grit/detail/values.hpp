// Compile-time-or-run-time parameter values: the types behind `Attempts<5>`, `Timeout<30s>`,
// `Exponential<100ms, 5s, 1.5>` and their run-time twins `Attempts<>{n}`, `Timeout<>{d}`, ...
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace grit {

using std::chrono::nanoseconds;

// Marks a template parameter whose value is given to the constructor instead of the type,
// the way std::dynamic_extent does for std::span.
struct Runtime {};
inline constexpr Runtime runtime{};

namespace detail {

// Saturating conversion of any std::chrono duration to nanoseconds: 1000h is fine, hours::max()
// becomes nanoseconds::max() instead of undefined behaviour.
template <class Rep, class Period>
constexpr nanoseconds to_nanoseconds(std::chrono::duration<Rep, Period> d) {
  using limits = std::numeric_limits<std::int64_t>;
  if constexpr (std::is_floating_point_v<Rep>) {
    const long double ns = static_cast<long double>(d.count()) * Period::num * 1'000'000'000.0L / Period::den;
    if (!(ns == ns)) throw std::invalid_argument("grit: a duration is NaN");
    if (ns >= static_cast<long double>(limits::max())) return nanoseconds::max();
    if (ns <= static_cast<long double>(limits::min())) return nanoseconds::min();
    return nanoseconds(static_cast<std::int64_t>(ns));
  } else {
    using ratio = std::ratio_divide<Period, std::nano>;  // nanoseconds per tick, as num/den
    const auto count = static_cast<long double>(d.count());
    const long double ns = count * ratio::num / ratio::den;
    if (ns >= static_cast<long double>(limits::max())) return nanoseconds::max();
    if (ns <= static_cast<long double>(limits::min())) return nanoseconds::min();
    return std::chrono::duration_cast<nanoseconds>(d);
  }
}

constexpr nanoseconds saturating_add(nanoseconds a, nanoseconds b) noexcept {
  std::int64_t out{};
  if (__builtin_add_overflow(a.count(), b.count(), &out))
    return b.count() > 0 ? nanoseconds::max() : nanoseconds::min();
  return nanoseconds(out);
}

constexpr nanoseconds saturating_mul(nanoseconds a, std::int64_t k) noexcept {
  std::int64_t out{};
  if (__builtin_mul_overflow(a.count(), k, &out))
    return (a.count() < 0) != (k < 0) ? nanoseconds::min() : nanoseconds::max();
  return nanoseconds(out);
}

[[noreturn]] inline void invalid_argument(const char* policy, const char* parameter, const std::string& requirement) {
  throw std::invalid_argument(std::string(policy) + ": " + parameter + " " + requirement);
}

inline std::string to_string(nanoseconds d) { return std::to_string(d.count()) + "ns"; }

}  // namespace detail

// A duration fixed in a policy's type (`Timeout<30s>`), or `runtime`.
struct Duration {
  std::int64_t ns = 0;
  bool is_runtime = false;

  constexpr Duration(Runtime) : is_runtime(true) {}
  template <class Rep, class Period>
  constexpr Duration(std::chrono::duration<Rep, Period> d) : ns(detail::to_nanoseconds(d).count()) {}

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

// A real factor fixed in a policy's type (`Exponential<..., 1.5>`), in millionths so that it is a valid
// template argument on every supported compiler; or `runtime`.
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

namespace detail {

// Marks the constructor that a run-time twin is made with (detail/plan.hpp): from values checked already, when the
// policy with them in its type was made.
struct Trusted {};

// Storage for one parameter: nothing when the value is in the type, the value when it is not.
template <auto V, bool = V.is_runtime>
struct Param;

template <Duration V>
struct Param<V, false> {
  static constexpr bool is_runtime = false;
  static constexpr nanoseconds get() { return V.value(); }
};
template <Duration V>
struct Param<V, true> {
  static constexpr bool is_runtime = true;
  nanoseconds value{};
  constexpr nanoseconds get() const { return value; }
  template <class Rep, class Period>
  void set(std::chrono::duration<Rep, Period> d) {
    value = to_nanoseconds(d);
  }
};

template <Integer V>
struct Param<V, false> {
  static constexpr bool is_runtime = false;
  static constexpr std::int64_t get() { return V.n; }
};
template <Integer V>
struct Param<V, true> {
  static constexpr bool is_runtime = true;
  std::int64_t value{};
  constexpr std::int64_t get() const { return value; }
  template <std::integral T>
  void set(T n) {
    if (std::cmp_greater(n, std::numeric_limits<std::int64_t>::max()))
      value = std::numeric_limits<std::int64_t>::max();
    else
      value = static_cast<std::int64_t>(n);
  }
};

template <Factor V>
struct Param<V, false> {
  static constexpr bool is_runtime = false;
  static constexpr double get() { return V.value(); }
};
template <Factor V>
struct Param<V, true> {
  static constexpr bool is_runtime = true;
  double value{};
  constexpr double get() const { return value; }
  void set(double f) { value = f; }
};

template <class... P>
inline constexpr std::size_t runtime_count = (std::size_t{0} + ... + std::size_t{P::is_runtime});

// The position among the run-time parameters of the I-th parameter: the index of its value among the arguments.
template <std::size_t I, class... P>
inline constexpr std::size_t runtime_rank = [] {
  constexpr bool flags[] = {P::is_runtime..., false};
  std::size_t r = 0;
  for (std::size_t k = 0; k < I; ++k) r += flags[k] ? 1 : 0;
  return r;
}();

// Gives the run-time arguments, in order, to the run-time parameters, in order:
// `Exponential<runtime, 5s, runtime>{100ms, 1.5}` sets Initial then Base.
template <class... P, class... A>
void bind_runtime(std::tuple<P&...> params, const A&... args) {
  if constexpr (sizeof...(A) != runtime_count<P...>) {
    static_assert(sizeof...(A) == runtime_count<P...>,
                  "grit: give the constructor exactly one value for each parameter written as grit::runtime, in order");
  } else {
    auto values = std::forward_as_tuple(args...);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (P::is_runtime) std::get<I>(params).set(std::get<runtime_rank<I, P...>>(values));
          }(),
          ...);
    }
    (std::index_sequence_for<P...>{});
  }
}

}  // namespace detail
}  // namespace grit
