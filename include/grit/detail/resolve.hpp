// Sorts the policies given to Retrying into categories, fills in the defaults, and rejects misuse: one grit:
// message per misuse.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/function.hpp>
#include <boost/mp11/list.hpp>
#include <boost/mp11/utility.hpp>
#include <chrono>
#include <string_view>
#include <type_traits>

#include "../attempt.hpp"
#include "../budget.hpp"
#include "../clock.hpp"
#include "../filter.hpp"
#include "../jitter.hpp"
#include "../name.hpp"
#include "../random.hpp"
#include "../sink.hpp"
#include "../stop.hpp"
#include "../wait.hpp"
#include "category.hpp"
#include "exceptions.hpp"

namespace grit::detail {

// stamina's defaults.
using default_stops = boost::mp11::mp_list<stop::Attempts<10>, stop::Timeout<std::chrono::seconds(45)>>;
using default_wait = wait::Exponential<>;
using default_jitter = jitter::Additive<>;
using default_sinks = boost::mp11::mp_list<sink::Hooks>;
using default_random = random::ThreadLocal;
using default_clock = clock::Steady;
using default_attempt = attempt::Unlimited;
using default_budget = budget::None;

template <class T>
using satisfies_filter = boost::mp11::mp_bool<FilterPolicy<T>>;
template <class T>
using satisfies_stop = boost::mp11::mp_bool<StopPolicy<T>>;
template <class T>
using satisfies_sink = boost::mp11::mp_bool<SinkPolicy<T>>;

template <class List, class Default>
using single_or = boost::mp11::mp_eval_if_c<boost::mp11::mp_empty<List>::value, Default, boost::mp11::mp_front, List>;

template <class... Policies>
struct Resolved {
  using given = boost::mp11::mp_list<Policies...>;
  static constexpr bool distinct = all_distinct<Policies...>;

  // Each member type is well-formed whatever was given, so that Retrying can name them all even after a misuse.
  using filters = of_category<category::filter, given>;
  using given_stops = of_category<category::stop, given>;
  using stops = boost::mp11::mp_if_c<boost::mp11::mp_empty<given_stops>::value, default_stops, given_stops>;
  using waits = of_category<category::wait, given>;
  using wait = single_or<waits, default_wait>;
  using jitters = of_category<category::jitter, given>;
  using jitter = single_or<jitters, default_jitter>;
  using randoms = of_category<category::random, given>;
  using random = single_or<randoms, default_random>;
  using clocks = of_category<category::clock, given>;
  using clock = single_or<clocks, default_clock>;
  using attempts = of_category<category::attempt, given>;
  using attempt = single_or<attempts, default_attempt>;
  using budgets = of_category<category::budget, given>;
  using budget = single_or<budgets, default_budget>;
  using names = of_category<category::name, given>;
  using name = single_or<names, CallSiteName>;
  using given_sinks = of_category<category::sink, given>;
  using sinks = boost::mp11::mp_if_c<boost::mp11::mp_empty<given_sinks>::value, default_sinks,
                                     boost::mp11::mp_remove<given_sinks, sink::None>>;

  // The checks, one at a time: each runs only if those before it passed, so that one misuse is one error. They sit
  // in a lambda so that a failed one leaves Resolved itself valid: clang would otherwise mark it invalid, and each
  // use of it in Retrying would be one more error after the grit: one.
  static_assert([] {
    if constexpr (!(is_policy<Policies> && ...))
      static_assert(
          (is_policy<Policies> && ...),
          "grit: every argument of Retrying must be a policy: a filter (RetryOn, RetryIf, RetryOnError, "
          "RetryOnResult), grit::stop::*, grit::wait::*, grit::jitter::*, grit::random::*, grit::sink::*, "
          "grit::attempt::*, grit::budget::*, a clock or grit::Name; a policy of your own declares its category with "
          "`using grit_category = grit::category::<name>;` (category.hpp)");
    else if constexpr (!all_distinct<Policies...>)
      static_assert(all_distinct<Policies...>, "grit: the same policy is given twice to Retrying; remove one of them");
    else if constexpr (boost::mp11::mp_empty<filters>::value)
      static_assert(!boost::mp11::mp_empty<filters>::value,
                    "grit: say which failures are transient: add a filter such as grit::RetryOn<YourError>, "
                    "grit::RetryIf<Pred>, grit::RetryOnError<> or grit::RetryOnResult<Pred>");
    else if constexpr (boost::mp11::mp_size<waits>::value > 1)
      static_assert(boost::mp11::mp_size<waits>::value <= 1,
                    "grit: a Retrying takes one wait policy; keep one of the grit::wait::*");
    else if constexpr (boost::mp11::mp_size<jitters>::value > 1)
      static_assert(boost::mp11::mp_size<jitters>::value <= 1,
                    "grit: a Retrying takes one jitter policy; keep one of the grit::jitter::*");
    else if constexpr (boost::mp11::mp_size<randoms>::value > 1)
      static_assert(boost::mp11::mp_size<randoms>::value <= 1,
                    "grit: a Retrying takes one random policy; keep one of the grit::random::*");
    else if constexpr (boost::mp11::mp_size<clocks>::value > 1)
      static_assert(boost::mp11::mp_size<clocks>::value <= 1,
                    "grit: a Retrying takes one clock policy; keep one of them");
    else if constexpr (boost::mp11::mp_size<attempts>::value > 1)
      static_assert(boost::mp11::mp_size<attempts>::value <= 1,
                    "grit: a Retrying takes one attempt policy; keep one of the grit::attempt::*");
    else if constexpr (boost::mp11::mp_size<budgets>::value > 1)
      static_assert(boost::mp11::mp_size<budgets>::value <= 1,
                    "grit: a Retrying takes one budget policy; keep one of the grit::budget::* (several Retrying "
                    "types may share one bucket)");
    else if constexpr (boost::mp11::mp_size<names>::value > 1)
      static_assert(boost::mp11::mp_size<names>::value <= 1, "grit: a Retrying takes one grit::Name; keep one of them");
    else if constexpr (boost::mp11::mp_contains<given_sinks, sink::None>::value &&
                       boost::mp11::mp_size<given_sinks>::value > 1)
      static_assert(
          !boost::mp11::mp_contains<given_sinks, sink::None>::value || boost::mp11::mp_size<given_sinks>::value == 1,
          "grit: sink::None means no instrumentation; remove it, or remove the other sinks");
    else if constexpr (!boost::mp11::mp_all_of<filters, satisfies_filter>::value)
      static_assert(boost::mp11::mp_all_of<filters, satisfies_filter>::value,
                    "grit: a type in the filter category does not satisfy grit::FilterPolicy (exception_types and "
                    "classify(), or is_result_filter and classify_result())");
    else if constexpr (!GRIT_DETAIL_EXCEPTIONS && !boost::mp11::mp_none_of<filters, is_exception_filter>::value)
      static_assert(GRIT_DETAIL_EXCEPTIONS || boost::mp11::mp_none_of<filters, is_exception_filter>::value,
                    "grit: exceptions are off (-fno-exceptions), so an exception filter (RetryOn, RetryIf) can never "
                    "see a failure; retry returned values with grit::RetryOnError<> or grit::RetryOnResult<Pred>");
    else if constexpr (!boost::mp11::mp_all_of<stops, satisfies_stop>::value)
      static_assert(boost::mp11::mp_all_of<stops, satisfies_stop>::value,
                    "grit: a type in the stop category does not satisfy grit::StopPolicy; derive it from "
                    "grit::stop::Base");
    else if constexpr (!WaitPolicy<wait>)
      static_assert(WaitPolicy<wait>, "grit: the wait policy does not satisfy grit::WaitPolicy (delay, initial, max)");
    else if constexpr (!JitterPolicy<jitter>)
      static_assert(JitterPolicy<jitter>,
                    "grit: the jitter policy does not satisfy grit::JitterPolicy (apply(delay, input, bits))");
    else if constexpr (!RandomPolicy<random>)
      static_assert(RandomPolicy<random>,
                    "grit: the random policy does not satisfy grit::RandomPolicy (state_type, start, next)");
    else if constexpr (!ClockPolicy<clock>)
      static_assert(ClockPolicy<clock>,
                    "grit: the clock policy does not satisfy grit::ClockPolicy (now, sleep_for, is_steady)");
    else if constexpr (!AttemptPolicy<attempt>)
      static_assert(AttemptPolicy<attempt>,
                    "grit: the attempt policy does not satisfy grit::AttemptPolicy (limits_attempts, timeout())");
    else if constexpr (!BudgetPolicy<budget>)
      static_assert(BudgetPolicy<budget>,
                    "grit: the budget policy does not satisfy grit::BudgetPolicy "
                    "(limits_retries, allows_retry(), noexcept on_failure() and on_success())");
    else if constexpr (!boost::mp11::mp_all_of<sinks, satisfies_sink>::value)
      static_assert(boost::mp11::mp_all_of<sinks, satisfies_sink>::value,
                    "grit: a type in the sink category does not satisfy grit::SinkPolicy; derive it from "
                    "grit::sink::Base");
    else
      static_assert(clock::is_steady || !boost::mp11::mp_apply<any_uses_clock_t, stops>::value,
                    "grit: a time-based stop policy (stop::Timeout) needs a monotonic clock; use grit::clock::Steady");
    return true;
  }());
};

}  // namespace grit::detail
