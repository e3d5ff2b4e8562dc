// The plan: what a schedule needs from a Retrying's filters and its stop, wait, jitter, sink and clock policies, in a
// form that Retrying types differing only in numbers share. grit's own policies become run-time forms that hold
// their numbers: its stops (Attempts, Timeout, Never) one AnyStops, its waits one AnyWait, its jitters one
// AnyJitter<Engine>. So `Retrying<RetryOn<E>, stop::Attempts<3>, wait::Fixed<1s>>` and
// `Retrying<RetryOn<E>, stop::Timeout<9s>, wait::Linear<1ms, 1ms, 9ms>>` make one schedule type and one copy of its
// decision code, instead of one each: the numbers move from the instructions into the plan. Filters, sinks, the
// clock and user-written policies keep their own types. Why, and what it bought: docs/design.md ("Plans").
#pragma once

#include <algorithm>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../jitter.hpp"
#include "../stop.hpp"
#include "../wait.hpp"
#include "category.hpp"

namespace grit::detail {

// The run-time twin of a policy, the form a plan holds. A policy without one is its own twin.
template <class P>
struct Twin {
  using type = P;
  static constexpr bool owned = false;
};
// grit's own policies with values: the twin holds the same values, checked already, so its checks fold away.
template <class P, class Runtime>
struct OwnTwin {
  using type = Runtime;
  static constexpr bool owned = true;
};

// grit's own stop policies, and each one's numbers, read from the template argument when it is there, so that
// using Attempts<5> in a plan instantiates nothing of Attempts<5> itself.
template <class S>
inline constexpr bool own_stop_is_attempts = false;
template <Integer N>
inline constexpr bool own_stop_is_attempts<stop::Attempts<N>> = true;
template <class S>
inline constexpr bool own_stop_is_timeout = false;
template <Duration D>
inline constexpr bool own_stop_is_timeout<stop::Timeout<D>> = true;
template <class S>
inline constexpr bool own_stop = own_stop_is_attempts<S> || own_stop_is_timeout<S> || std::is_same_v<S, stop::Never>;

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

// One by one, for a list that mixes them with a user-written stop policy (see plan_stops).
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

// grit's four wait policies in one run-time form: every Retrying with one of them shares one plan type.
class AnyWait {
 public:
  using grit_category = category::wait;
  enum class Kind : unsigned char { none, fixed, linear, exponential };

  constexpr AnyWait(Kind kind, nanoseconds initial, nanoseconds step, nanoseconds max, double base) noexcept
      : initial_(initial), step_(step), max_(max), base_(base), kind_(kind) {}

  // Inlined, like AnyJitter::apply: a call would take the address of the schedule that holds the plan.
  [[gnu::always_inline]] constexpr nanoseconds delay(std::uint64_t n) const noexcept {
    switch (kind_) {
      case Kind::exponential:
        return detail::exponential_delay(initial_, max_, base_, n);
      case Kind::linear:
        return detail::linear_delay(initial_, step_, max_, n);
      default:
        return initial_;  // fixed: the one wait; none: zero
    }
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

// grit's five jitter policies in one run-time form, for one engine.
template <class Engine>
class AnyJitter : public jitter::Drawing<Engine> {
 public:
  enum class Kind : unsigned char { none, additive, full, equal, decorrelated };

  constexpr AnyJitter(Kind kind, nanoseconds max, Engine engine) noexcept(std::is_nothrow_move_constructible_v<Engine>)
      : jitter::Drawing<Engine>(std::move(engine)), max_(max), kind_(kind) {}

  // Inlined: a call would take the addresses of the schedule's plan and jitter state, and the schedule's counters
  // would then live in memory for the whole retry loop.
  [[gnu::always_inline]] nanoseconds apply(nanoseconds delay, const JitterInput& in,
                                           typename jitter::Drawing<Engine>::state_type& s) const noexcept {
    const auto draw = [&] { return this->draw(s); };
    switch (kind_) {
      case Kind::additive:
        return detail::additive_jitter(delay, in, max_, draw);
      case Kind::full:
        return detail::full_jitter(delay, draw);
      case Kind::equal:
        return detail::equal_jitter(delay, draw);
      case Kind::decorrelated:
        return detail::decorrelated_jitter(in, draw);
      default:
        return delay;
    }
  }

 private:
  nanoseconds max_;
  Kind kind_;
};

// grit's own stop policies (Attempts, Timeout, Never) together in one run-time form: the least attempt limit, the
// least timeout. A Retrying whose stops are all grit's own has this one stop in its plan, whichever they are.
class AnyStops {
 public:
  using grit_category = category::stop;
  static constexpr bool uses_clock = true;  // only if has_timeout(): the schedule asks before reading the clock
  static constexpr GiveUpReason reason = GiveUpReason::attempts;  // the schedule asks reason_for()

  constexpr AnyStops(std::uint64_t limit, nanoseconds timeout, bool timeout_first) noexcept
      : limit_(limit), timeout_(timeout), timeout_first_(timeout_first) {}

  constexpr bool has_timeout() const noexcept { return timeout_ != nanoseconds::max(); }
  constexpr std::uint64_t attempt_limit() const noexcept { return limit_; }
  [[gnu::always_inline]] constexpr bool should_stop(const StopContext& c) const noexcept {
    return by_attempts(c) || by_time(c);
  }
  // As the separate policies would say: the first written among those that say stop.
  [[gnu::always_inline]] constexpr GiveUpReason reason_for(const StopContext& c) const noexcept {
    if (by_attempts(c) && !(timeout_first_ && by_time(c))) return GiveUpReason::attempts;
    return GiveUpReason::timeout;
  }
  [[gnu::always_inline]] constexpr nanoseconds time_left(const StopContext& c) const noexcept {
    return has_timeout() ? timeout_ - c.elapsed : nanoseconds::max();
  }

 private:
  constexpr bool by_attempts(const StopContext& c) const noexcept { return c.attempt >= limit_; }
  constexpr bool by_time(const StopContext& c) const noexcept { return has_timeout() && c.elapsed >= timeout_; }

  std::uint64_t limit_;
  nanoseconds timeout_;
  bool timeout_first_;
};

template <class... S>
[[gnu::always_inline]] constexpr AnyStops any_stops(const S&... s) noexcept {
  std::uint64_t limit = stop::no_limit;
  nanoseconds timeout = nanoseconds::max();
  bool attempts_seen = false;
  bool timeout_first = false;  // a Timeout is written before any Attempts
  ((limit = std::min(limit, limit_of(s)), timeout = std::min(timeout, timeout_of(s)),
    timeout_first = timeout_first || (own_stop_is_timeout<S> && !attempts_seen),
    attempts_seen = attempts_seen || own_stop_is_attempts<S>),
   ...);
  return {limit, timeout, timeout_first};
}

// The run-time forms are their own twins, and held by value.
template <>
struct Twin<AnyWait> : OwnTwin<AnyWait, AnyWait> {};
template <>
struct Twin<AnyStops> : OwnTwin<AnyStops, AnyStops> {};
template <class Engine>
struct Twin<AnyJitter<Engine>> : OwnTwin<AnyJitter<Engine>, AnyJitter<Engine>> {};

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

template <Duration M, class Engine>
struct Twin<jitter::Additive<M, Engine>> : OwnTwin<jitter::Additive<M, Engine>, AnyJitter<Engine>> {
  [[gnu::always_inline]] static constexpr AnyJitter<Engine> of(const jitter::Additive<M, Engine>& p) {
    return {AnyJitter<Engine>::Kind::additive, M.is_runtime ? p.max() : M.value(), p.engine()};
  }
};
template <class Engine>
struct Twin<jitter::Full<Engine>> : OwnTwin<jitter::Full<Engine>, AnyJitter<Engine>> {
  [[gnu::always_inline]] static constexpr AnyJitter<Engine> of(const jitter::Full<Engine>& p) {
    return {AnyJitter<Engine>::Kind::full, nanoseconds::zero(), p.engine()};
  }
};
template <class Engine>
struct Twin<jitter::Equal<Engine>> : OwnTwin<jitter::Equal<Engine>, AnyJitter<Engine>> {
  [[gnu::always_inline]] static constexpr AnyJitter<Engine> of(const jitter::Equal<Engine>& p) {
    return {AnyJitter<Engine>::Kind::equal, nanoseconds::zero(), p.engine()};
  }
};
template <class Engine>
struct Twin<jitter::Decorrelated<Engine>> : OwnTwin<jitter::Decorrelated<Engine>, AnyJitter<Engine>> {
  [[gnu::always_inline]] static constexpr AnyJitter<Engine> of(const jitter::Decorrelated<Engine>& p) {
    return {AnyJitter<Engine>::Kind::decorrelated, nanoseconds::zero(), p.engine()};
  }
};
// No jitter draws nothing, so it joins the plans of the default engine.
template <>
struct Twin<jitter::None> : OwnTwin<jitter::None, AnyJitter<jitter::ThreadLocalEngine>> {
  [[gnu::always_inline]] static constexpr AnyJitter<jitter::ThreadLocalEngine> of(const jitter::None&) noexcept {
    return {AnyJitter<jitter::ThreadLocalEngine>::Kind::none, nanoseconds::zero(), {}};
  }
};

template <class P>
using twin_t = typename Twin<P>::type;

// One policy of a plan, at position I: a copy if it is a twin (plain values) or has no state at all; otherwise a
// pointer to the Retrying's own object, which outlives every schedule made from it.
template <class P>
inline constexpr bool held_by_value = std::is_empty_v<P>&& std::is_trivially_copyable_v<P>;

template <std::size_t I, class P, bool ByValue>
struct Slot {
  [[no_unique_address]] P value;
  [[gnu::always_inline]] constexpr explicit Slot(const P& p) : value(p) {}
  [[gnu::always_inline]] constexpr const P& get() const noexcept { return value; }
};
template <std::size_t I, class P>
struct Slot<I, P, false> {
  const P* pointer;
  [[gnu::always_inline]] explicit Slot(const P& p) noexcept : pointer(&p) {}
  [[gnu::always_inline]] const P& get() const noexcept { return *pointer; }
};

template <std::size_t I, class P>
using slot_t = Slot<I, P, (held_by_value<P> || Twin<P>::owned)>;

template <class Indices, class Policies>
struct Slots;
template <std::size_t... I, class... P>
struct Slots<std::index_sequence<I...>, boost::mp11::mp_list<P...>> : slot_t<I, P>... {
  [[gnu::always_inline]] constexpr explicit Slots(const P&... p) : slot_t<I, P>(p)... {}
};

// A policy in the form a plan holds it: its twin, or itself (by reference: a slot may point to it).
template <class P>
[[gnu::always_inline]] constexpr decltype(auto) twin_of(const P& p) {
  if constexpr (std::is_same_v<twin_t<P>, P>)
    return (p);
  else
    return Twin<P>::of(p);
}

// The policies of a plan, in a fixed order: the filters, the stops, the wait, the jitter, the sinks, the clock.
template <class Filters, class Stops, class Wait, class Jitter, class Sinks, class Clock>
class Plan {
  using policies =
      boost::mp11::mp_append<Filters, Stops, boost::mp11::mp_list<Wait, Jitter>, Sinks, boost::mp11::mp_list<Clock>>;
  using slots = Slots<std::make_index_sequence<boost::mp11::mp_size<policies>::value>, policies>;

 public:
  using filter_types = Filters;
  using stop_types = Stops;
  using wait_type = Wait;
  using jitter_type = Jitter;
  using sink_types = Sinks;
  using clock_type = Clock;
  static constexpr std::size_t stops_index = boost::mp11::mp_size<Filters>::value;
  static constexpr std::size_t wait_index = stops_index + boost::mp11::mp_size<Stops>::value;
  static constexpr std::size_t jitter_index = wait_index + 1;
  static constexpr std::size_t sinks_index = wait_index + 2;
  static constexpr std::size_t clock_index = boost::mp11::mp_size<policies>::value - 1;

  // From the twins of a Retrying's policies (twin_of), in the same order.
  template <class... Twins>
  [[gnu::always_inline]] constexpr explicit Plan(const Twins&... p) : slots_(p...) {}

  template <std::size_t I>
  [[gnu::always_inline]] const boost::mp11::mp_at_c<policies, I>& get() const noexcept {
    return static_cast<const slot_t<I, boost::mp11::mp_at_c<policies, I>>&>(slots_).get();
  }
  // A filter, by its type, as Retrying::policy finds it (filters have no twins).
  template <class Filter>
  [[gnu::always_inline]] const Filter& policy() const noexcept {
    return get<boost::mp11::mp_find<Filters, Filter>::value>();
  }

 private:
  slots slots_;
};

// The stops of a plan: AnyStops when they are all grit's own, else each one's twin (in order: a user-written stop
// policy keeps its place among the others).
template <class... S>
constexpr bool all_own_stops_of(boost::mp11::mp_list<S...>) {
  return (own_stop<S> && ...);
}
template <class Stops>
inline constexpr bool all_own_stops = all_own_stops_of(Stops{});
template <class Stops>
using plan_stops =
    std::conditional_t<all_own_stops<Stops>, boost::mp11::mp_list<AnyStops>, boost::mp11::mp_transform<twin_t, Stops>>;

template <class Config>
using plan_t =
    Plan<typename Config::filter_types, plan_stops<typename Config::stop_types>, twin_t<typename Config::wait_type>,
         twin_t<typename Config::jitter_type>, boost::mp11::mp_transform<twin_t, typename Config::sink_types>,
         twin_t<typename Config::clock_type>>;

// Whether the plan of a Retrying is known at compile time: every policy it holds is empty (stateless), so the
// Retrying's own objects and default-made ones behave alike. The plan is then a constant, not code.
template <class P>
concept ConstantPolicy = std::is_empty_v<P> && requires {
  typename std::bool_constant<(static_cast<void>(P{}), true)>;  // default-made in a constant expression
};
template <class... P>
inline constexpr bool all_constant = (ConstantPolicy<P> && ...);
template <class Config, class... F, class... S, class... K>
inline constexpr bool constant_plan_of(boost::mp11::mp_list<F...>, boost::mp11::mp_list<S...>,
                                       boost::mp11::mp_list<K...>) {
  return all_constant<F..., S..., typename Config::wait_type, typename Config::jitter_type, K...,
                      typename Config::clock_type>;
}
template <class Config>
inline constexpr bool constant_plan = constant_plan_of<Config>(typename Config::filter_types{},
                                                               typename Config::stop_types{},
                                                               typename Config::sink_types{});

template <class Config, class... F, class... S, class... K>
[[gnu::always_inline]] constexpr plan_t<Config> make_plan(const Config& config, boost::mp11::mp_list<F...>,
                                                          boost::mp11::mp_list<S...>, boost::mp11::mp_list<K...>) {
  if constexpr (all_own_stops<boost::mp11::mp_list<S...>>)
    return plan_t<Config>(config.template policy<F>()..., any_stops(config.template policy<S>()...),
                          twin_of(config.template policy<typename Config::wait_type>()),
                          twin_of(config.template policy<typename Config::jitter_type>()),
                          twin_of(config.template policy<K>())...,
                          twin_of(config.template policy<typename Config::clock_type>()));
  else
    return plan_t<Config>(config.template policy<F>()..., twin_of(config.template policy<S>())...,
                          twin_of(config.template policy<typename Config::wait_type>()),
                          twin_of(config.template policy<typename Config::jitter_type>()),
                          twin_of(config.template policy<K>())...,
                          twin_of(config.template policy<typename Config::clock_type>()));
}
template <class Config, class... F, class... S, class... K>
consteval plan_t<Config> make_constant_plan(boost::mp11::mp_list<F...>, boost::mp11::mp_list<S...>,
                                            boost::mp11::mp_list<K...>) {
  if constexpr (all_own_stops<boost::mp11::mp_list<S...>>)
    return plan_t<Config>(F{}..., any_stops(S{}...), twin_of(typename Config::wait_type{}),
                          twin_of(typename Config::jitter_type{}), twin_of(K{})...,
                          twin_of(typename Config::clock_type{}));
  else
    return plan_t<Config>(F{}..., twin_of(S{})..., twin_of(typename Config::wait_type{}),
                          twin_of(typename Config::jitter_type{}), twin_of(K{})...,
                          twin_of(typename Config::clock_type{}));
}

// The plan of a Retrying (or of anything with its policy types and policy<P>()).
template <class Config>
[[gnu::always_inline]] inline plan_t<Config> make_plan(const Config& config) {
  if constexpr (constant_plan<Config>) {
    return make_constant_plan<Config>(typename Config::filter_types{}, typename Config::stop_types{},
                                      typename Config::sink_types{});
  } else {
    return make_plan(config, typename Config::filter_types{}, typename Config::stop_types{},
                     typename Config::sink_types{});
  }
}

}  // namespace grit::detail
