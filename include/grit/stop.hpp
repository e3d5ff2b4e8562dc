// Stop policies: when to give up. Several stop policies in one Retrying combine as "whichever comes first". A
// Retrying given no stop policy gets stamina's two, stop::Attempts<10> and stop::Timeout<45s>; any stop policy given
// replaces both (write both again to keep one of them: Retrying<..., stop::Attempts<10>, MyStop>).
//
// The StopPolicy concept. A type S is a stop policy when, for `const S s` and `const StopContext c`:
//   1. `S::grit_category` is `grit::category::stop` (deriving from `grit::stop::Base` provides it);
//   2. S is move-constructible (a Retrying holds its policies by value);
//   3. `s.should_stop(c)` converts to bool: give up after the attempt that just failed?
//   4. `s.time_left(c)` is a `nanoseconds`: the longest the next wait may last (no wait ends after a deadline);
//   5. `s.attempt_limit()` is a `std::uint64_t`: its limit on attempts, for testing mode's `cap`;
//   6. `S::uses_clock` converts to bool: whether it reads `c.elapsed` (then the call reads the clock at its start);
//   7. `S::reason` converts to `GiveUpReason`: what instrumentation reports when it stops the call.
// `stop::Base` has the no-op answers of 3-7 (never stop, no deadline, no limit, no clock, `stopped`): override
// what you need. The smallest stop policy:
//
//   struct StopWhenSet : grit::stop::Base {
//     const std::atomic<bool>* flag;
//     bool should_stop(const grit::StopContext&) const { return flag->load(); }
//   };
//   grit::Retrying<grit::RetryOn<E>, StopWhenSet, grit::stop::Attempts<5>> retry{StopWhenSet{{}, &flag}};
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "category.hpp"
#include "detail/param.hpp"
#include "detail/twin.hpp"
#include "values.hpp"

namespace grit {

enum class GiveUpReason : unsigned char {
  attempts,   // the attempt limit was reached
  timeout,    // the time budget was spent
  stopped,    // a user-written stop policy said so
  inactive,   // grit::set_active(false): one attempt only
  cancelled,  // a stop was requested (a std::stop_token, an Asio cancellation) during the call
  budget,     // the retry budget (budget.hpp) was spent: retrying would add load to a failing dependency
};

// The enumerator's name: "attempts", "timeout", ... (the `reason` of logs and metrics).
constexpr std::string_view to_string(GiveUpReason reason) noexcept {
  switch (reason) {
    case GiveUpReason::attempts:
      return "attempts";
    case GiveUpReason::timeout:
      return "timeout";
    case GiveUpReason::stopped:
      return "stopped";
    case GiveUpReason::inactive:
      return "inactive";
    case GiveUpReason::cancelled:
      return "cancelled";
    case GiveUpReason::budget:
      return "budget";
  }
  return "unknown";  // not an enumerator: a value cast from an integer
}

// What a stop policy sees after a failed attempt.
struct StopContext {
  std::uint64_t attempt;  // the attempt that just failed, from 1
  nanoseconds elapsed;    // since the call started; read only if a stop policy uses_clock
};

template <class S>
concept StopPolicy = std::same_as<typename S::grit_category, category::stop> && std::move_constructible<S> &&
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

// The constructor a twin is made with (below): from a value checked already, when the policy holding it was made.
struct Trusted {};
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
  // A number without a unit (stamina's timeout=30) is no duration: the one error says how to write it.
  template <class Number>
  requires(D.is_runtime&& std::is_arithmetic_v<Number>) explicit Timeout(Number) {
    static_assert(
        !std::is_arithmetic_v<Number>,
        "grit: durations need a unit: write stop::Timeout<>{30s} or stop::Timeout<>{std::chrono::milliseconds(100)}, "
        "not stop::Timeout<>{30}");
  }
  template <class Rep, class Period>
  explicit Timeout(std::chrono::duration<Rep, Period> timeout) requires(D.is_runtime) {
    budget_.set(timeout, "grit::stop::Timeout", "timeout");
    if (budget_.get() <= nanoseconds::zero())
      detail::invalid_argument("grit::stop::Timeout", "timeout",
                               "must be > 0 (a zero timeout means no retries: use stop::Attempts<1>), got " +
                                   detail::to_string(budget_.get()));
  }
  constexpr Timeout(detail::Trusted, nanoseconds timeout) noexcept requires(D.is_runtime) { budget_.value = timeout; }

  constexpr nanoseconds timeout() const noexcept { return budget_.get(); }
  constexpr bool should_stop(const StopContext& c) const noexcept { return c.elapsed >= timeout(); }
  constexpr nanoseconds time_left(const StopContext& c) const noexcept {
    return detail::saturating_sub(timeout(), c.elapsed);
  }
};

// Retries without bound: the explicit opt-in, since a Retrying given no stop policy gets stamina's limits.
struct Never : Base {};

}  // namespace stop

// --- The stops of a plan (detail/twin.hpp) ----------------------------------------------------------------------
// A plan holds one object for all of a Retrying's stops: AnyStops when they are all grit's own (whichever they are,
// so that every such Retrying shares the plan), else a StopList of each one's twin, in the order written. Both
// answer the schedule in one call (ask), so the schedule never learns which it has.
namespace detail {

// Whether any of the stop policies S reads the elapsed time (then a call reads the clock when it starts).
template <class... S>
inline constexpr bool any_uses_clock = (static_cast<bool>(S::uses_clock) || ...);
template <class... S>
using any_uses_clock_t = std::bool_constant<any_uses_clock<S...>>;

// The schedule's question to the stops after a failed attempt.
struct StopAnswer {
  bool stop = false;
  GiveUpReason reason = GiveUpReason::stopped;  // of the first written that says stop
  nanoseconds time_left = nanoseconds::max();   // the least of them all
};

// grit's own stops, and each one's numbers, read from the template argument when it is there, so that using
// Attempts<5> in a plan instantiates nothing of Attempts<5> itself.
template <class S>
inline constexpr bool is_attempts = false;
template <Integer N>
inline constexpr bool is_attempts<stop::Attempts<N>> = true;
template <class S>
inline constexpr bool is_timeout = false;
template <Duration D>
inline constexpr bool is_timeout<stop::Timeout<D>> = true;
template <class S>
inline constexpr bool own_stop = is_attempts<S> || is_timeout<S> || std::is_same_v<S, stop::Never>;

template <class S>
constexpr std::uint64_t limit_of(const S&) noexcept {
  return stop::no_limit;
}
template <Integer N>
constexpr std::uint64_t limit_of(const stop::Attempts<N>& s) noexcept {
  if constexpr (N.is_runtime)
    return s.attempt_limit();
  else
    return static_cast<std::uint64_t>(N.n);
}
template <class S>
constexpr nanoseconds timeout_of(const S&) noexcept {
  return nanoseconds::max();
}
template <Duration D>
constexpr nanoseconds timeout_of(const stop::Timeout<D>& s) noexcept {
  if constexpr (D.is_runtime)
    return s.timeout();
  else
    return D.value();
}

// grit's own stops together: the least attempt limit, the least timeout, and which kind was written first.
class AnyStops {
 public:
  static constexpr bool uses_clock = true;  // it may: whether it does is reads_clock(), known at run time

  constexpr AnyStops(std::uint64_t limit, bool timed, nanoseconds timeout, bool timeout_first) noexcept
      : limit_(limit), timeout_(timeout), timed_(timed), timeout_first_(timeout_first) {}

  // A flag, not a sentinel timeout: Timeout<nanoseconds::max()> is a timeout too.
  constexpr bool reads_clock() const noexcept { return timed_; }
  constexpr std::uint64_t attempt_limit() const noexcept { return limit_; }
  // As the separate policies would answer: the reason of the first written among those that say stop.
  [[gnu::always_inline]] constexpr StopAnswer ask(const StopContext& c) const noexcept {
    const bool by_attempts = c.attempt >= limit_;
    const bool by_time = reads_clock() && c.elapsed >= timeout_;
    if (by_attempts || by_time)
      return {true, by_attempts && !(timeout_first_ && by_time) ? GiveUpReason::attempts : GiveUpReason::timeout,
              nanoseconds::zero()};
    return {false, GiveUpReason::stopped,
            reads_clock() ? detail::saturating_sub(timeout_, c.elapsed) : nanoseconds::max()};
  }

 private:
  std::uint64_t limit_;
  nanoseconds timeout_;
  bool timed_;
  bool timeout_first_;
};

template <class... S>
[[gnu::always_inline]] constexpr AnyStops any_stops(const S&... s) noexcept {
  std::uint64_t limit = stop::no_limit;
  nanoseconds timeout = nanoseconds::max();
  bool attempts_seen = false;
  bool timeout_first = false;  // a Timeout is written before any Attempts
  constexpr bool timed = (is_timeout<S> || ...);
  ((limit = std::min(limit, limit_of(s)), timeout = std::min(timeout, timeout_of(s)),
    timeout_first = timeout_first || (is_timeout<S> && !attempts_seen),
    attempts_seen = attempts_seen || is_attempts<S>),
   ...);
  return {limit, timed, timeout, timeout_first};
}

// Stops that include a user-written one: each one asked in order, the first that says stop gives the reason.
template <class Indices, class... S>
class StopList;
template <std::size_t... I, class... S>
class StopList<std::index_sequence<I...>, S...> : slot_t<I, S>... {
 public:
  static constexpr bool uses_clock = any_uses_clock<S...>;

  [[gnu::always_inline]] constexpr explicit StopList(const S&... s) : slot_t<I, S>(s)... {}

  constexpr bool reads_clock() const noexcept { return uses_clock; }
  [[gnu::always_inline]] constexpr std::uint64_t attempt_limit() const {
    std::uint64_t limit = stop::no_limit;
    ((limit = std::min(limit, static_cast<const slot_t<I, S>&>(*this).get().attempt_limit())), ...);
    return limit;
  }
  [[gnu::always_inline]] constexpr StopAnswer ask(const StopContext& c) const {
    StopAnswer answer;
    ((!answer.stop && static_cast<const slot_t<I, S>&>(*this).get().should_stop(c)
          ? (void)(answer.stop = true, answer.reason = S::reason)
          : (void)0,
      answer.time_left = std::min(answer.time_left, static_cast<const slot_t<I, S>&>(*this).get().time_left(c))),
     ...);
    return answer;
  }
};

// In a StopList, grit's own stops are held as their run-time forms (plain values), a user-written one as itself.
template <Integer N>
struct Twin<stop::Attempts<N>> : OwnTwin<stop::Attempts<N>, stop::Attempts<>> {
  [[gnu::always_inline]] static constexpr stop::Attempts<> of(const stop::Attempts<N>& p) noexcept {
    return {Trusted{}, static_cast<std::int64_t>(limit_of(p))};
  }
};
template <Duration D>
struct Twin<stop::Timeout<D>> : OwnTwin<stop::Timeout<D>, stop::Timeout<>> {
  [[gnu::always_inline]] static constexpr stop::Timeout<> of(const stop::Timeout<D>& p) noexcept {
    return {Trusted{}, timeout_of(p)};
  }
};
template <>
struct Twin<AnyStops> : OwnTwin<AnyStops, AnyStops> {};
template <class Indices, class... S>
struct Twin<StopList<Indices, S...>> : OwnTwin<StopList<Indices, S...>, StopList<Indices, S...>> {};

template <class... S>
struct StopsForm {
  using type = StopList<std::index_sequence_for<S...>, twin_t<S>...>;
};
template <class... S>
requires(own_stop<S>&&...) struct StopsForm<S...> {
  using type = AnyStops;
};
// The stops object of a plan, for the stop policies S... of a Retrying.
template <class... S>
using stops_form = typename StopsForm<S...>::type;

template <class... S>
[[gnu::always_inline]] constexpr stops_form<S...> stops_of(const S&... s) {
  if constexpr ((own_stop<S> && ...))
    return any_stops(s...);
  else
    return stops_form<S...>(twin_of(s)...);
}

static_assert(std::is_same_v<stops_form<stop::Attempts<3>, stop::Timeout<std::chrono::seconds(1)>, stop::Never,
                                        stop::Attempts<>, stop::Timeout<>>,
                             AnyStops>,
              "every one of grit's own stop policies maps onto AnyStops");

}  // namespace detail
}  // namespace grit
