// What the two Asio flavours of the async drivers (grit/asio.hpp, grit/boost_asio.hpp) share and that depends on no
// Asio at all: the schedule an asynchronous call keeps once its first attempt has failed, the give-up reason it
// hears from the schedule, the completion signatures it accepts, and the views through which filters see a
// completion. The drivers decide nothing: every decision comes from the schedule (detail::ScheduleCore, the decision
// behind grit::Schedule<R>), as in the sync driver.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../filter.hpp"
#include "../schedule.hpp"
#include "../sink.hpp"
#include "../stop.hpp"
#include "../switches.hpp"
#include "plan.hpp"

namespace grit::detail::async {

// The schedule of one asynchronous call, made when its first attempt fails, at an address that does not move (Asio
// moves a composed operation's state at every step; the schedule's plan points into its own copy of the Retrying).
template <class Config>
class CallSchedule {
 public:
  using core_type = core_t<Config>;
  using start_point = typename core_type::start_point;

  CallSchedule(const Config& config, start_point start)
      : config_(config), core_(make_plan(config_), name_for<core_type>(config_), start) {}
  CallSchedule(const CallSchedule&) = delete;
  CallSchedule& operator=(const CallSchedule&) = delete;
  // A wait's scopes end with the call, however it ends (an io_context destroyed during a wait included).
  ~CallSchedule() { core_.wait_ended(); }

  core_type& core() noexcept { return core_; }
  const core_type& core() const noexcept { return core_; }
  // The call ends by cancellation: the sinks hear gave_up(cancelled) with the last failure.
  void cancel(const Cause& cause) { core_.cancel(cause); }

 private:
  Config config_;
  core_type core_;
};

// The time left until the earliest stop::Timeout deadline, measured on the Retrying's clock from the start of the
// call; nullopt when no stop reads the clock, and in testing mode (which ignores timeouts).
template <class Config, class Start>
std::optional<nanoseconds> time_left(const Config& config, const Start& start) {
  if constexpr (!boost::mp11::mp_apply<any_uses_clock_t, typename Config::stop_types>::value) {
    return std::nullopt;
  } else {
    if (testing::is_enabled()) return std::nullopt;
    const auto plan = make_plan(config);
    if (!plan.stops().reads_clock()) return std::nullopt;
    const auto elapsed = std::chrono::duration_cast<nanoseconds>(plan.clock().now() - start);
    const StopAnswer answer = plan.stops().ask(StopContext{0, elapsed});
    if (answer.stop) return nanoseconds::zero();
    if (answer.time_left == nanoseconds::max()) return std::nullopt;
    return std::max(answer.time_left, nanoseconds::zero());
  }
}

// --- Completion signatures ------------------------------------------------------------------------------------
template <class T>
concept error_code_like = !std::is_same_v<T, std::exception_ptr> && requires(const T& e) {
  e.category();
  e.value();
  static_cast<bool>(e);
};

enum class Kind { errors, exceptions, values, unsupported };

template <class Sig>
struct completion {
  static constexpr Kind kind = Kind::unsupported;
  static constexpr std::size_t arity = 0;
};
template <class R, class... A>
struct completion<R(A...)> {
  using args = std::tuple<std::decay_t<A>...>;
  static constexpr std::size_t arity = sizeof...(A);
  template <std::size_t I>
  using arg = std::tuple_element_t<I, args>;
  static constexpr Kind kind = [] {
    if constexpr (sizeof...(A) == 0 || !std::is_void_v<R>) {
      return Kind::unsupported;
    } else if constexpr (std::is_same_v<std::tuple_element_t<0, args>, std::exception_ptr>) {
      return Kind::exceptions;
    } else if constexpr (error_code_like<std::tuple_element_t<0, args>>) {
      return Kind::errors;
    } else {
      return Kind::values;
    }
  }();
};

// The values a result filter sees: those after the error slot (or all of them without one), as one value when
// there is one, else as a tuple.
template <std::size_t From, class Tuple, std::size_t... I>
auto values_view_of(const Tuple& t, std::index_sequence<I...>) {
  return std::tuple<const std::tuple_element_t<From + I, Tuple>&...>(std::get<From + I>(t)...);
}
template <std::size_t From, class Tuple>
decltype(auto) values_view(const Tuple& t) {
  constexpr std::size_t n = std::tuple_size_v<Tuple> - From;
  if constexpr (n == 1)
    return static_cast<const std::tuple_element_t<From, Tuple>&>(std::get<From>(t));
  else
    return values_view_of<From>(t, std::make_index_sequence<n>{});
}

// An error code as RetryOnError sees it: an expected-like value that holds the error.
template <class E>
struct ErrorView {
  const E& e;
  constexpr bool has_value() const noexcept { return false; }
  const E& error() const noexcept { return e; }
};

// The verdict of the result filters F... that accept a V (the others cannot see it), the first that retries wins.
template <class Config, class V, class... F>
Verdict result_verdict_of(boost::mp11::mp_list<F...>, const Config& config, const V& value) {
  Verdict verdict = Verdict::give_up();
  (void)((F::template accepts<V> && (verdict = config.template policy<F>().classify_result(value)).retries()) || ...);
  return verdict;
}
template <class F>
using is_errors_filter = inspects_errors_only<F>;
template <class F>
using is_values_filter = boost::mp11::mp_not<inspects_errors_only<F>>;

template <class Config>
using result_filters_t = result_filters_of<typename Config::filter_types>;
template <class Config>
using error_filters_t = boost::mp11::mp_copy_if<result_filters_t<Config>, is_errors_filter>;
template <class Config>
using value_filters_t = boost::mp11::mp_copy_if<result_filters_t<Config>, is_values_filter>;
template <class Config>
inline constexpr bool has_exception_filters =
    !boost::mp11::mp_empty<catch_levels<typename Config::filter_types>>::value;

// Whether any result filter can see the values of a completion (a void(error_code) one has none).
template <class Config, class V>
constexpr bool any_accepts(boost::mp11::mp_list<>) {
  return false;
}
template <class Config, class V, class F, class... Rest>
constexpr bool any_accepts(boost::mp11::mp_list<F, Rest...>) {
  return F::template accepts<V> || any_accepts<Config, V>(boost::mp11::mp_list<Rest...>{});
}

// The exception being handled, classified by the exception filters' catch clauses in order (as the schedule's
// on_exception does), and handed to `on_retryable(verdict, cause)` inside its catch clause while it is alive. Returns
// what that returned, or `refused` when no filter retries it (a cancellation included).
// `is_cancel` recognises the cancellations of the driver's Asio flavour too.
template <class Remaining, class Config, class R, class OnRetryable, class IsCancel>
R classify_current(const Config& config, R refused, OnRetryable& on_retryable, const IsCancel& is_cancel) {
  if constexpr (boost::mp11::mp_empty<Remaining>::value) {
    return refused;
  } else {
    using L = boost::mp11::mp_front<Remaining>;
    try {
      throw;
    } catch (const typename L::exception& e) {
      if (is_cancel(e)) return refused;
      const Verdict verdict = config.template policy<typename L::filter>().classify(e);
      if (verdict.retries()) return on_retryable(verdict, Cause::of_exception(e));
    } catch (...) {
    }
    return classify_current<boost::mp11::mp_pop_front<Remaining>>(config, refused, on_retryable, is_cancel);
  }
}

// A coroutine driver catches the first level's exception in its own catch clause, which saves the rethrow that
// classify_current needs to find the type: the usual Retrying has one exception filter, and a rethrow costs more
// than the rest of a failed attempt (bench/callgrind/asio_driver.cpp, failing_coroutine). NeverThrown stands for
// the first level when there is none; rest_levels_t are the levels classify_current still has to try.
struct NeverThrown {};
template <class Levels>
using front_exception_t = typename boost::mp11::mp_front<Levels>::exception;
template <class Levels>
using first_exception_t =
    boost::mp11::mp_eval_if<boost::mp11::mp_empty<Levels>, NeverThrown, front_exception_t, Levels>;
template <class Levels>
using rest_levels_t =
    boost::mp11::mp_eval_if<boost::mp11::mp_empty<Levels>, boost::mp11::mp_list<>, boost::mp11::mp_pop_front, Levels>;

// The same as classify_current, for an exception already caught as the first level's type.
template <class Levels, class Config, class R, class OnRetryable, class IsCancel>
R classify_first(const Config& config, const first_exception_t<Levels>& e, R refused, OnRetryable& on_retryable,
                 const IsCancel& is_cancel) {
  if (is_cancel(e)) return refused;
  const Verdict verdict = config.template policy<typename boost::mp11::mp_front<Levels>::filter>().classify(e);
  if (verdict.retries()) return on_retryable(verdict, Cause::of_exception(e));
  return classify_current<rest_levels_t<Levels>>(config, refused, on_retryable, is_cancel);
}

// The Cause of a stored exception, for an event delivered after its catch clause has ended.
template <class F>
void with_exception_cause(const std::exception_ptr& p, F&& f) {
  try {
    std::rethrow_exception(p);
  } catch (const std::exception& e) {
    f(Cause::of_exception(e));
  } catch (...) {
    f(Cause{});
  }
}

}  // namespace grit::detail::async
