// Stop policies: when to give up. Several stop policies in one Retrying combine as "whichever comes first".
//
// A stop policy derives from `stop::Base` (which has the no-op defaults) and overrides what it needs:
//   bool should_stop(const StopContext&) const   - give up after this failed attempt?
//   nanoseconds time_left(const StopContext&) const - the longest the next wait may last
//   std::uint64_t attempt_limit() const          - its limit on attempts, for testing mode's `cap`
//   static constexpr bool uses_clock             - true if it reads StopContext::elapsed
//   static constexpr GiveUpReason reason         - what instrumentation reports when it stops
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <limits>

#include "detail/category.hpp"
#include "detail/values.hpp"

namespace grit {

enum class GiveUpReason : unsigned char {
  attempts,  // the attempt limit was reached
  timeout,   // the time budget was spent
  stopped,   // a user-written stop policy said so
  inactive,  // grit::set_active(false): one attempt only
};

// What a stop policy sees after a failed attempt.
struct StopContext {
  std::uint64_t attempt;  // the attempt that just failed, from 1
  nanoseconds elapsed;    // since the call started; read only if a stop policy uses_clock
};

template <class S>
concept StopPolicy = std::same_as<typename S::grit_category, category::stop> &&
    requires(const S& s, const StopContext& c) {
  { s.should_stop(c) } -> std::convertible_to<bool>;
  { s.time_left(c) } -> std::same_as<nanoseconds>;
  { s.attempt_limit() } -> std::same_as<std::uint64_t>;
  { S::uses_clock } -> std::convertible_to<bool>;
  { S::reason } -> std::convertible_to<GiveUpReason>;
};

namespace stop {

inline constexpr std::uint64_t no_limit = std::numeric_limits<std::uint64_t>::max();

}  // namespace stop

namespace detail {
// stop::Base's no-op defaults, as a distinct empty base for each of grit's own stop policies: two policies deriving
// from one common empty base could not share an address, so a Retrying with Attempts<N> and Timeout<D> (stamina's
// defaults) would not be empty.
template <class Policy>
struct StopDefaults {
  using grit_category = category::stop;
  static constexpr bool uses_clock = false;
  static constexpr GiveUpReason reason = GiveUpReason::stopped;

  static constexpr bool should_stop(const StopContext&) noexcept { return false; }
  static constexpr nanoseconds time_left(const StopContext&) noexcept { return nanoseconds::max(); }
  static constexpr std::uint64_t attempt_limit() noexcept { return stop::no_limit; }
};
}  // namespace detail

namespace stop {

struct Base : detail::StopDefaults<void> {};

// At most N attempts in all, the first one included.
template <Integer N = runtime>
class Attempts : public detail::StopDefaults<Attempts<N>> {
  // The check sits in a lambda so that, when it fails, the class itself stays valid: clang would otherwise mark it
  // invalid, and Retrying would add a misleading "not a policy" error after this one. (The same in every policy.)
  static_assert([] {
    static_assert(N.is_runtime || N.n >= 1,
                  "grit: stop::Attempts<N> needs N >= 1 (N counts the first attempt too); to turn retrying off use "
                  "stop::Attempts<1>");
    return true;
  }());
  [[no_unique_address]] detail::Param<N> limit_;

 public:
  static constexpr GiveUpReason reason = GiveUpReason::attempts;

  constexpr Attempts() requires(!N.is_runtime) = default;
  template <std::integral T>
  explicit Attempts(T attempts) requires(N.is_runtime) {
    if (attempts < 1)
      detail::invalid_argument("grit::stop::Attempts", "attempts",
                               "must be >= 1 (it counts the first attempt too), got " + std::to_string(attempts));
    limit_.set(attempts);
  }
  constexpr Attempts(detail::Trusted, std::int64_t attempts) noexcept requires(N.is_runtime) {
    limit_.value = attempts;
  }

  constexpr std::uint64_t attempt_limit() const noexcept { return static_cast<std::uint64_t>(limit_.get()); }
  constexpr bool should_stop(const StopContext& c) const noexcept { return c.attempt >= attempt_limit(); }
};

// At most D from the start of the call, measured on the Retrying's (monotonic) clock. A wait is clamped to the
// time left, so the call ends at most one attempt after D.
template <Duration D = runtime>
class Timeout : public detail::StopDefaults<Timeout<D>> {
  static_assert([] {
    static_assert(D.is_runtime || D.ns > 0,
                  "grit: stop::Timeout<D> needs D > 0; a zero timeout means no retries, write stop::Attempts<1> for "
                  "that");
    return true;
  }());
  [[no_unique_address]] detail::Param<D> budget_;

 public:
  static constexpr bool uses_clock = true;
  static constexpr GiveUpReason reason = GiveUpReason::timeout;

  constexpr Timeout() requires(!D.is_runtime) = default;
  template <class Rep, class Period>
  explicit Timeout(std::chrono::duration<Rep, Period> timeout) requires(D.is_runtime) {
    budget_.set(timeout);
    if (budget_.get() <= nanoseconds::zero())
      detail::invalid_argument("grit::stop::Timeout", "timeout",
                               "must be > 0 (a zero timeout means no retries: use stop::Attempts<1>), got " +
                                   detail::to_string(budget_.get()));
  }
  constexpr Timeout(detail::Trusted, nanoseconds timeout) noexcept requires(D.is_runtime) { budget_.value = timeout; }

  constexpr nanoseconds timeout() const noexcept { return budget_.get(); }
  constexpr bool should_stop(const StopContext& c) const noexcept { return c.elapsed >= timeout(); }
  constexpr nanoseconds time_left(const StopContext& c) const noexcept { return timeout() - c.elapsed; }
};

// Retries without bound: the explicit opt-in, since a Retrying given no stop policy gets stamina's limits.
struct Never : Base {};

}  // namespace stop
}  // namespace grit
