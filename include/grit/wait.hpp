// Wait policies: the backoff before jitter. The wait after failed attempt n is min(max(), jitter(delay(n))):
// jitter comes before the cap, so no wait exceeds max(). Default: wait::Exponential<100ms, 5s, 2> (stamina's).
//
// The WaitPolicy concept. A type W is a wait policy when, for `const W w` and `std::uint64_t n`:
//   1. `W::grit_category` is `grit::category::wait`;
//   2. W is move-constructible;
//   3. `w.delay(n)` is a `nanoseconds`: the wait after failed attempt n (from 1), before jitter, <= max();
//   4. `w.initial()` is a `nanoseconds`: delay(1), and decorrelated jitter's lower bound;
//   5. `w.max()` is a `nanoseconds`: the cap on every jittered wait.
// The smallest wait policy (a Fibonacci backoff; grit::Duration parameters as in values.hpp):
//
//   template <grit::Duration Unit, grit::Duration Max>
//   struct Fibonacci {
//     using grit_category = grit::category::wait;
//     grit::nanoseconds delay(std::uint64_t n) const noexcept {
//       grit::nanoseconds a = Unit.value(), b = Unit.value();
//       for (std::uint64_t k = 1; k < n && a < Max.value(); ++k) a = std::exchange(b, a + b);
//       return std::min(a, Max.value());
//     }
//     grit::nanoseconds initial() const noexcept { return Unit.value(); }
//     grit::nanoseconds max() const noexcept { return Max.value(); }
//   };
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <tuple>

#include "category.hpp"
#include "detail/param.hpp"
#include "detail/twin.hpp"
#include "values.hpp"

namespace grit {

template <class W>
concept WaitPolicy = std::same_as<typename W::grit_category, category::wait> && std::move_constructible<W> &&
    requires(const W& w, std::uint64_t n) {
  { w.delay(n) } -> std::same_as<nanoseconds>;
  { w.initial() } -> std::same_as<nanoseconds>;
  { w.max() } -> std::same_as<nanoseconds>;
};

namespace detail {
// Exponential's delay, shared by every Exponential<...> type (one copy per program, not one per Retrying).
// constexpr for whole bases (exact integer arithmetic); a fractional base goes through std::pow, at run time.
[[gnu::noinline]] constexpr nanoseconds exponential_delay(nanoseconds first, nanoseconds cap, double b,
                                                          std::uint64_t n) noexcept {
  if (n <= 1 || first.count() == 0 || b == 1.0) return first;
  // A run-time base of 2^63 or more (infinity included) overflows at n = 2; converting it to an integer below
  // would be undefined behaviour.
  if (!(b < 9223372036854775808.0)) return cap;
  if (const auto whole = static_cast<std::int64_t>(b); static_cast<double>(whole) == b) {
    // At most 63 multiplications: each one at least doubles a value that stays below cap.
    std::int64_t v = first.count();
    for (std::uint64_t k = 1; k < n; ++k) {
      if (v > cap.count() / whole) return cap;
      v *= whole;
    }
    return v < cap.count() ? nanoseconds(v) : cap;
  }
  const double v = static_cast<double>(first.count()) * std::pow(b, static_cast<double>(n - 1));
  return v < static_cast<double>(cap.count()) ? nanoseconds(static_cast<std::int64_t>(v)) : cap;
}

// Linear's delay: first + step * (n - 1), saturating, capped at cap.
constexpr nanoseconds linear_delay(nanoseconds first, nanoseconds step, nanoseconds cap, std::uint64_t n) noexcept {
  if (n <= 1 || step.count() == 0) return first;
  const std::uint64_t steps = n - 1;
  if (steps > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return cap;
  const nanoseconds v = detail::saturating_add(first, detail::saturating_mul(step, static_cast<std::int64_t>(steps)));
  return v < cap ? v : cap;
}
}  // namespace detail

namespace wait {

// Initial * Base^(n-1), capped at Max; stamina's backoff. Exact integer arithmetic for whole bases,
// saturating at Max for every n, however large.
template <Duration Initial = std::chrono::milliseconds(100), Duration Max = std::chrono::seconds(5), Factor Base = 2>
class Exponential {
  // The checks sit in a lambda so that, when one fails, the class itself stays valid: clang would otherwise mark it
  // invalid, and Retrying would add a misleading "not a policy" error after this one. (The same in every policy.)
  static_assert([] {
    static_assert(Initial.is_runtime || Initial.ns >= 0, "grit: wait::Exponential's Initial must be >= 0");
    static_assert(Max.is_runtime || Max.ns >= 0, "grit: wait::Exponential's Max must be >= 0");
    static_assert(Initial.is_runtime || Max.is_runtime || Max.ns >= Initial.ns,
                  "grit: wait::Exponential<Initial, Max> needs Max >= Initial; raise Max or lower Initial");
    static_assert(Base.is_runtime || Base.millionths >= 1'000'000,
                  "grit: wait::Exponential's Base must be >= 1 (1 waits Initial every time); a base below 1 would "
                  "shrink the waits");
    return true;
  }());

  [[no_unique_address]] detail::Param<Initial> initial_;
  [[no_unique_address]] detail::Param<Max> max_;
  [[no_unique_address]] detail::Param<Base> base_;

 public:
  using grit_category = category::wait;

  constexpr Exponential() requires(detail::runtime_count<decltype(initial_), decltype(max_), decltype(base_)> ==
                                   0) = default;
  template <class... A>
  requires(sizeof...(A) > 0) explicit Exponential(const A&... runtime_values) {
    detail::bind_runtime("grit::wait::Exponential", {"initial", "max", "base"}, std::tie(initial_, max_, base_),
                         runtime_values...);
    if (initial().count() < 0)
      detail::invalid_argument("grit::wait::Exponential", "initial",
                               "must be >= 0, got " + detail::to_string(initial()));
    if (max() < initial())
      detail::invalid_argument(
          "grit::wait::Exponential", "max",
          "must be >= initial (" + detail::to_string(initial()) + "), got " + detail::to_string(max()));
    if (!(base() >= 1.0))
      detail::invalid_argument("grit::wait::Exponential", "base", "must be >= 1, got " + std::to_string(base()));
  }

  constexpr nanoseconds initial() const noexcept { return initial_.get(); }
  constexpr nanoseconds max() const noexcept { return max_.get(); }
  constexpr double base() const noexcept { return base_.get(); }

  // constexpr for whole bases (exact integer arithmetic); a fractional base goes through std::pow, at run time.
  constexpr nanoseconds delay(std::uint64_t n) const noexcept {
    return detail::exponential_delay(initial(), max(), base(), n);
  }
};

// The same wait D every time.
template <Duration D = runtime>
class Fixed {
  static_assert([] {
    static_assert(D.is_runtime || D.ns >= 0, "grit: wait::Fixed<D> needs D >= 0");
    return true;
  }());
  [[no_unique_address]] detail::Param<D> wait_;

 public:
  using grit_category = category::wait;

  constexpr Fixed() requires(!D.is_runtime) = default;
  template <class Rep, class Period>
  explicit Fixed(std::chrono::duration<Rep, Period> wait) requires(D.is_runtime) {
    wait_.set(wait, "grit::wait::Fixed", "wait");
    if (wait_.get().count() < 0)
      detail::invalid_argument("grit::wait::Fixed", "wait", "must be >= 0, got " + detail::to_string(wait_.get()));
  }

  constexpr nanoseconds delay(std::uint64_t) const noexcept { return wait_.get(); }
  constexpr nanoseconds initial() const noexcept { return wait_.get(); }
  constexpr nanoseconds max() const noexcept { return wait_.get(); }
};

// Initial + Step * (n-1), capped at Max.
template <Duration Initial = runtime, Duration Step = runtime, Duration Max = runtime>
class Linear {
  static_assert([] {
    static_assert(Initial.is_runtime || Initial.ns >= 0, "grit: wait::Linear's Initial must be >= 0");
    static_assert(Step.is_runtime || Step.ns >= 0, "grit: wait::Linear's Step must be >= 0");
    static_assert(Initial.is_runtime || Max.is_runtime || Max.ns >= Initial.ns,
                  "grit: wait::Linear<Initial, Step, Max> needs Max >= Initial; raise Max or lower Initial");
    return true;
  }());

  [[no_unique_address]] detail::Param<Initial> initial_;
  [[no_unique_address]] detail::Param<Step> step_;
  [[no_unique_address]] detail::Param<Max> max_;

 public:
  using grit_category = category::wait;

  constexpr Linear() requires(detail::runtime_count<decltype(initial_), decltype(step_), decltype(max_)> ==
                              0) = default;
  template <class... A>
  requires(sizeof...(A) > 0) explicit Linear(const A&... runtime_values) {
    detail::bind_runtime("grit::wait::Linear", {"initial", "step", "max"}, std::tie(initial_, step_, max_),
                         runtime_values...);
    if (initial().count() < 0)
      detail::invalid_argument("grit::wait::Linear", "initial", "must be >= 0, got " + detail::to_string(initial()));
    if (step().count() < 0)
      detail::invalid_argument("grit::wait::Linear", "step", "must be >= 0, got " + detail::to_string(step()));
    if (max() < initial())
      detail::invalid_argument(
          "grit::wait::Linear", "max",
          "must be >= initial (" + detail::to_string(initial()) + "), got " + detail::to_string(max()));
  }

  constexpr nanoseconds initial() const noexcept { return initial_.get(); }
  constexpr nanoseconds step() const noexcept { return step_.get(); }
  constexpr nanoseconds max() const noexcept { return max_.get(); }

  constexpr nanoseconds delay(std::uint64_t n) const noexcept {
    return detail::linear_delay(initial(), step(), max(), n);
  }
};

// No wait at all.
struct None {
  using grit_category = category::wait;
  static constexpr nanoseconds delay(std::uint64_t) noexcept { return nanoseconds::zero(); }
  static constexpr nanoseconds initial() noexcept { return nanoseconds::zero(); }
  static constexpr nanoseconds max() noexcept { return nanoseconds::zero(); }
};

}  // namespace wait

// --- The run-time form in a plan (detail/twin.hpp) ---------------------------------------------------------------
namespace detail {

// grit's wait policies in one run-time form: every Retrying with one of them shares one plan type.
class AnyWait {
 public:
  using grit_category = category::wait;
  enum class Kind : unsigned char { none, fixed, linear, exponential };

  constexpr AnyWait(Kind kind, nanoseconds initial, nanoseconds step, nanoseconds max, double base) noexcept
      : initial_(initial), step_(step), max_(max), base_(base), kind_(kind) {}

  // Inlined, like AnyJitter::apply: a call would take the address of the schedule that holds the plan.
  [[gnu::always_inline]] constexpr nanoseconds delay(std::uint64_t n) const noexcept {
    switch (kind_) {  // every kind listed, no default: -Wswitch names a kind without its case
      case Kind::exponential:
        return detail::exponential_delay(initial_, max_, base_, n);
      case Kind::linear:
        return detail::linear_delay(initial_, step_, max_, n);
      case Kind::fixed:
      case Kind::none:  // initial_ is zero
        return initial_;
    }
    return initial_;  // not reached
  }
  constexpr nanoseconds initial() const noexcept { return initial_; }
  constexpr nanoseconds max() const noexcept { return max_; }

 private:
  nanoseconds initial_;
  nanoseconds step_;
  nanoseconds max_;
  double base_;
  Kind kind_;
};

template <>
struct Twin<AnyWait> : OwnTwin<AnyWait, AnyWait> {};

template <Duration I, Duration M, Factor B>
struct Twin<wait::Exponential<I, M, B>> : OwnTwin<wait::Exponential<I, M, B>, AnyWait> {
  [[gnu::always_inline]] static constexpr AnyWait of(const wait::Exponential<I, M, B>& p) noexcept {
    return {AnyWait::Kind::exponential, I.is_runtime ? p.initial() : I.value(), nanoseconds::zero(),
            M.is_runtime ? p.max() : M.value(), B.is_runtime ? p.base() : B.value()};
  }
};
template <Duration D>
struct Twin<wait::Fixed<D>> : OwnTwin<wait::Fixed<D>, AnyWait> {
  [[gnu::always_inline]] static constexpr AnyWait of(const wait::Fixed<D>& p) noexcept {
    const nanoseconds d = D.is_runtime ? p.max() : D.value();
    return {AnyWait::Kind::fixed, d, nanoseconds::zero(), d, 1.0};
  }
};
template <Duration I, Duration S, Duration M>
struct Twin<wait::Linear<I, S, M>> : OwnTwin<wait::Linear<I, S, M>, AnyWait> {
  [[gnu::always_inline]] static constexpr AnyWait of(const wait::Linear<I, S, M>& p) noexcept {
    return {AnyWait::Kind::linear, I.is_runtime ? p.initial() : I.value(), S.is_runtime ? p.step() : S.value(),
            M.is_runtime ? p.max() : M.value(), 1.0};
  }
};
template <>
struct Twin<wait::None> : OwnTwin<wait::None, AnyWait> {
  [[gnu::always_inline]] static constexpr AnyWait of(const wait::None&) noexcept {
    return {AnyWait::Kind::none, nanoseconds::zero(), nanoseconds::zero(), nanoseconds::zero(), 1.0};
  }
};

static_assert(all_map_to<AnyWait, wait::Exponential<>, wait::Exponential<runtime, runtime, runtime>,
                         wait::Fixed<std::chrono::seconds(1)>, wait::Fixed<>, wait::Linear<>, wait::None>,
              "every one of grit's own wait policies maps onto AnyWait");

}  // namespace detail
}  // namespace grit
