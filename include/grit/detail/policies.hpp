// Sorts the policies given to Retrying into categories, fills in the defaults, and rejects misuse.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/bind.hpp>
#include <boost/mp11/function.hpp>
#include <boost/mp11/list.hpp>
#include <boost/mp11/set.hpp>
#include <boost/mp11/utility.hpp>
#include <chrono>
#include <string_view>
#include <type_traits>

#include "../clock.hpp"
#include "../filter.hpp"
#include "../jitter.hpp"
#include "../name.hpp"
#include "../sink.hpp"
#include "../stop.hpp"
#include "../wait.hpp"
#include "category.hpp"

namespace grit::detail {

using namespace boost::mp11;

// stamina's defaults.
using default_stops = mp_list<stop::Attempts<10>, stop::Timeout<std::chrono::seconds(45)>>;
using default_wait = wait::Exponential<>;
using default_jitter = jitter::Additive<>;
using default_sinks = mp_list<sink::Hooks>;
using default_clock = clock::Steady;

// The name when no grit::Name is given: the function that made the Retrying.
struct CallSiteName {
  using grit_category = category::name;
  CallSite site{};
  constexpr const char* text() const noexcept { return site.function ? site.function : "<unnamed>"; }
  constexpr std::string_view value() const noexcept { return text(); }
};

// A name as the schedule takes it: a default name is measured there, out of line, not at every call site.
struct NameText {
  static constexpr std::size_t unmeasured = static_cast<std::size_t>(-1);
  const char* data = nullptr;
  std::size_t size = 0;
  std::string_view view() const noexcept {
    return size == unmeasured ? std::string_view(data) : std::string_view(data, size);
  }
};
inline NameText name_text(const CallSiteName& name) noexcept { return {name.text(), NameText::unmeasured}; }
template <class N>
NameText name_text(const N& name) noexcept {
  const std::string_view v = name.value();
  return {v.data(), v.size()};
}

template <class T>
using satisfies_filter = mp_bool<FilterPolicy<T>>;
template <class T>
using satisfies_stop = mp_bool<StopPolicy<T>>;
template <class T>
using satisfies_sink = mp_bool<SinkPolicy<T>>;
template <class T>
using uses_clock = mp_bool<T::uses_clock>;

template <class List, class Default>
using single_or = mp_eval_if_c<mp_empty<List>::value, Default, mp_front, List>;

template <class... Policies>
struct Resolved {
  using given = mp_list<Policies...>;
  static constexpr bool distinct = all_distinct<Policies...>;

  // Each member type is well-formed whatever was given, so that Retrying can name them all even after a misuse.
  using filters = of_category<category::filter, given>;
  using given_stops = of_category<category::stop, given>;
  using stops = mp_if_c<mp_empty<given_stops>::value, default_stops, given_stops>;
  using waits = of_category<category::wait, given>;
  using wait = single_or<waits, default_wait>;
  using jitters = of_category<category::jitter, given>;
  using jitter = single_or<jitters, default_jitter>;
  using clocks = of_category<category::clock, given>;
  using clock = single_or<clocks, default_clock>;
  using names = of_category<category::name, given>;
  using name = single_or<names, CallSiteName>;
  using given_sinks = of_category<category::sink, given>;
  using sinks = mp_if_c<mp_empty<given_sinks>::value, default_sinks, mp_remove<given_sinks, sink::None>>;

  // The checks, one at a time: each runs only if those before it passed, so that one misuse is one error. They sit
  // in a lambda so that a failed one leaves Resolved itself valid: clang would otherwise mark it invalid, and each
  // use of it in Retrying would be one more error after the grit: one.
  static_assert([] {
    if constexpr (!(is_policy<Policies> && ...))
      static_assert((is_policy<Policies> && ...),
                    "grit: every argument of Retrying must be a policy: a filter (RetryOn, RetryIf, RetryOnError, "
                    "RetryOnResult), grit::stop::*, grit::wait::*, grit::jitter::*, grit::sink::*, a clock or "
                    "grit::Name");
    else if constexpr (!all_distinct<Policies...>)
      static_assert(all_distinct<Policies...>, "grit: the same policy is given twice to Retrying; remove one of them");
    else if constexpr (mp_empty<filters>::value)
      static_assert(!mp_empty<filters>::value,
                    "grit: say which failures are transient: add a filter such as grit::RetryOn<YourError>, "
                    "grit::RetryIf<Pred>, grit::RetryOnError<> or grit::RetryOnResult<Pred>");
    else if constexpr (mp_size<waits>::value > 1)
      static_assert(mp_size<waits>::value <= 1,
                    "grit: a Retrying takes one wait policy; keep one of the grit::wait::*");
    else if constexpr (mp_size<jitters>::value > 1)
      static_assert(mp_size<jitters>::value <= 1,
                    "grit: a Retrying takes one jitter policy; keep one of the grit::jitter::*");
    else if constexpr (mp_size<clocks>::value > 1)
      static_assert(mp_size<clocks>::value <= 1, "grit: a Retrying takes one clock policy; keep one of them");
    else if constexpr (mp_size<names>::value > 1)
      static_assert(mp_size<names>::value <= 1, "grit: a Retrying takes one grit::Name; keep one of them");
    else if constexpr (mp_contains<given_sinks, sink::None>::value && mp_size<given_sinks>::value > 1)
      static_assert(!mp_contains<given_sinks, sink::None>::value || mp_size<given_sinks>::value == 1,
                    "grit: sink::None means no instrumentation; remove it, or remove the other sinks");
    else if constexpr (!mp_all_of<filters, satisfies_filter>::value)
      static_assert(mp_all_of<filters, satisfies_filter>::value,
                    "grit: a type in the filter category does not satisfy grit::FilterPolicy (exception_types and "
                    "classify(), or is_result_filter and classify_result())");
    else if constexpr (!mp_all_of<stops, satisfies_stop>::value)
      static_assert(mp_all_of<stops, satisfies_stop>::value,
                    "grit: a type in the stop category does not satisfy grit::StopPolicy; derive it from "
                    "grit::stop::Base");
    else if constexpr (!WaitPolicy<wait>)
      static_assert(WaitPolicy<wait>, "grit: the wait policy does not satisfy grit::WaitPolicy (delay, initial, max)");
    else if constexpr (!JitterPolicy<jitter>)
      static_assert(JitterPolicy<jitter>,
                    "grit: the jitter policy does not satisfy grit::JitterPolicy (state_type, start, apply)");
    else if constexpr (!ClockPolicy<clock>)
      static_assert(ClockPolicy<clock>,
                    "grit: the clock policy does not satisfy grit::ClockPolicy (now, sleep_for, is_steady)");
    else if constexpr (!mp_all_of<sinks, satisfies_sink>::value)
      static_assert(mp_all_of<sinks, satisfies_sink>::value,
                    "grit: a type in the sink category does not satisfy grit::SinkPolicy; derive it from "
                    "grit::sink::Base");
    else
      static_assert(clock::is_steady || mp_none_of<stops, uses_clock>::value,
                    "grit: a time-based stop policy (stop::Timeout) needs a monotonic clock; use grit::clock::Steady");
    return true;
  }());
};

template <class T>
using is_exception_filter = mp_bool<ExceptionFilter<T>>;
template <class T>
using is_result_filter = mp_bool<ResultFilter<T>>;

// One catch clause of the sync driver: filter F catching E.
template <class F, class E>
struct Level {
  using filter = F;
  using exception = E;
};

template <class F>
using levels_of = mp_transform_q<mp_bind_front<Level, F>, typename F::exception_types>;

template <class Filters>
using catch_levels = mp_apply<mp_append, mp_transform<levels_of, mp_copy_if<Filters, is_exception_filter>>>;

}  // namespace grit::detail
