// The plan: what a schedule needs from a Retrying's policies, each in its twin's form (detail/twin.hpp), so that
// Retrying types that differ only in numbers share one plan type, one schedule type and one copy of the decision:
// `Retrying<RetryOn<E>, stop::Attempts<3>, wait::Fixed<1s>>` and
// `Retrying<RetryOn<E>, stop::Timeout<9s>, wait::Linear<1ms, 1ms, 9ms>>` make one schedule type, not two. Nothing
// here knows any particular policy: each family header declares its twins. Why, and what it bought:
// docs/design.md ("Plans").
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "../stop.hpp"
#include "twin.hpp"

namespace grit::detail {

template <class Indices, class Policies>
struct Slots;
template <std::size_t... I, class... P>
struct Slots<std::index_sequence<I...>, boost::mp11::mp_list<P...>> : slot_t<I, P>... {
  [[gnu::always_inline]] constexpr explicit Slots(const P&... p) : slot_t<I, P>(p)... {}
};

// The policies of a plan, in a fixed order: the filters, the stops (one object), the wait, the jitter, the random
// policy, the budget, the sinks, the clock. (The attempt policy is not the schedule's: the driver that can cancel an
// attempt reads it from the Retrying.)
template <class Filters, class Stops, class Wait, class Jitter, class Random, class Budget, class Sinks, class Clock>
class Plan {
  using policies = boost::mp11::mp_append<Filters, boost::mp11::mp_list<Stops, Wait, Jitter, Random, Budget>, Sinks,
                                          boost::mp11::mp_list<Clock>>;
  using slots = Slots<std::make_index_sequence<boost::mp11::mp_size<policies>::value>, policies>;
  static constexpr std::size_t stops_index = boost::mp11::mp_size<Filters>::value;
  static constexpr std::size_t sinks_index = stops_index + 5;

  template <std::size_t I>
  [[gnu::always_inline]] constexpr const boost::mp11::mp_at_c<policies, I>& get() const noexcept {
    return static_cast<const slot_t<I, boost::mp11::mp_at_c<policies, I>>&>(slots_).get();
  }

 public:
  using filter_types = Filters;
  using stops_type = Stops;
  using wait_type = Wait;
  using jitter_type = Jitter;
  using random_type = Random;
  using budget_type = Budget;
  using sink_types = Sinks;
  using clock_type = Clock;

  // From the twins of a Retrying's policies (twin_of), in the same order.
  template <class... Twins>
  [[gnu::always_inline]] constexpr explicit Plan(const Twins&... p) : slots_(p...) {}

  // A filter, by its type, as Retrying::policy finds it (filters have no twins).
  template <class Filter>
  [[gnu::always_inline]] const Filter& policy() const noexcept {
    return get<boost::mp11::mp_find<Filters, Filter>::value>();
  }
  [[gnu::always_inline]] const Stops& stops() const noexcept { return get<stops_index>(); }
  [[gnu::always_inline]] const Wait& wait() const noexcept { return get<stops_index + 1>(); }
  [[gnu::always_inline]] const Jitter& jitter() const noexcept { return get<stops_index + 2>(); }
  [[gnu::always_inline]] const Random& random() const noexcept { return get<stops_index + 3>(); }
  [[gnu::always_inline]] const Budget& budget() const noexcept { return get<stops_index + 4>(); }
  template <std::size_t K>
  [[gnu::always_inline]] const boost::mp11::mp_at_c<Sinks, K>& sink() const noexcept {
    return get<sinks_index + K>();
  }
  [[gnu::always_inline]] const Clock& clock() const noexcept {
    return get<boost::mp11::mp_size<policies>::value - 1>();
  }

 private:
  slots slots_;
};

template <class Config>
using plan_t =
    Plan<typename Config::filter_types, boost::mp11::mp_rename<typename Config::stop_types, stops_form>,
         twin_t<typename Config::wait_type>, twin_t<typename Config::jitter_type>, twin_t<typename Config::random_type>,
         twin_t<typename Config::budget_type>, boost::mp11::mp_transform<twin_t, typename Config::sink_types>,
         twin_t<typename Config::clock_type>>;

// Whether the plan of a Retrying is known at compile time: every policy it holds is empty (stateless), so the
// Retrying's own objects and default-made ones behave alike. The plan is then a constant, not code.
template <class P>
concept ConstantPolicy = std::is_empty_v<P> && requires {
  typename std::bool_constant<(static_cast<void>(P{}), true)>;  // default-made in a constant expression
};
template <class Config, class... F, class... S, class... K>
constexpr bool constant_plan_of(boost::mp11::mp_list<F...>, boost::mp11::mp_list<S...>, boost::mp11::mp_list<K...>) {
  return (ConstantPolicy<F> && ...) && (ConstantPolicy<S> && ...) && (ConstantPolicy<K> && ...) &&
         ConstantPolicy<typename Config::wait_type> && ConstantPolicy<typename Config::jitter_type> &&
         ConstantPolicy<typename Config::random_type> && ConstantPolicy<typename Config::budget_type> &&
         ConstantPolicy<typename Config::clock_type>;
}
template <class Config>
inline constexpr bool constant_plan = constant_plan_of<Config>(typename Config::filter_types{},
                                                               typename Config::stop_types{},
                                                               typename Config::sink_types{});

// Where a plan's policies come from: the Retrying's own objects, or default-made ones (for a constant plan).
template <class Config>
struct FromRetrying {
  const Config& config;
  template <class P>
  [[gnu::always_inline]] constexpr const P& get() const noexcept {
    return config.template policy<P>();
  }
};
struct DefaultMade {
  template <class P>
  [[gnu::always_inline]] static constexpr P get() noexcept {
    return P{};
  }
};

template <class Config, class Source, class... F, class... S, class... K>
[[gnu::always_inline]] constexpr plan_t<Config> plan_from(const Source& source, boost::mp11::mp_list<F...>,
                                                          boost::mp11::mp_list<S...>, boost::mp11::mp_list<K...>) {
  return plan_t<Config>(source.template get<F>()..., stops_of(source.template get<S>()...),
                        twin_of(source.template get<typename Config::wait_type>()),
                        twin_of(source.template get<typename Config::jitter_type>()),
                        twin_of(source.template get<typename Config::random_type>()),
                        twin_of(source.template get<typename Config::budget_type>()),
                        twin_of(source.template get<K>())...,
                        twin_of(source.template get<typename Config::clock_type>()));
}
// consteval, and returned straight from here: the constant is built by the compiler, not by code at the call site.
template <class Config>
consteval plan_t<Config> make_constant_plan() {
  return plan_from<Config>(DefaultMade{}, typename Config::filter_types{}, typename Config::stop_types{},
                           typename Config::sink_types{});
}

// The plan of a Retrying (or of anything with its policy types and policy<P>()).
template <class Config>
[[gnu::always_inline]] inline plan_t<Config> make_plan(const Config& config) {
  if constexpr (constant_plan<Config>)
    return make_constant_plan<Config>();
  else
    return plan_from<Config>(FromRetrying<Config>{config}, typename Config::filter_types{},
                             typename Config::stop_types{}, typename Config::sink_types{});
}

}  // namespace grit::detail
