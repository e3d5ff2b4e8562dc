// Storage for a policy's parameters (values.hpp): nothing when the value is in the type, the value when it is not;
// and the binding of a run-time policy's constructor arguments to its `runtime` parameters.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../values.hpp"
#include "arithmetic.hpp"

namespace grit::detail {

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
  void set(std::chrono::duration<Rep, Period> d, const char* policy, const char* parameter) {
    if (is_nan(d)) invalid_argument(policy, parameter, "must be a number of seconds, got NaN");
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
  void set(T n, const char* = nullptr, const char* = nullptr) {
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
  void set(double f, const char* = nullptr, const char* = nullptr) { value = f; }
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
// `Exponential<runtime, 5s, runtime>{100ms, 1.5}` sets Initial then Base. `names`: each parameter's, for errors.
template <class... P, class... A>
void bind_runtime(const char* policy, const char* const (&names)[sizeof...(P)], std::tuple<P&...> params,
                  const A&... args) {
  if constexpr (sizeof...(A) != runtime_count<P...>) {
    static_assert(sizeof...(A) == runtime_count<P...>,
                  "grit: give the constructor exactly one value for each parameter written as grit::runtime, in order");
  } else {
    auto values = std::forward_as_tuple(args...);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if constexpr (P::is_runtime)
              std::get<I>(params).set(std::get<runtime_rank<I, P...>>(values), policy, names[I]);
          }(),
          ...);
    }
    (std::index_sequence_for<P...>{});
  }
}

}  // namespace grit::detail
