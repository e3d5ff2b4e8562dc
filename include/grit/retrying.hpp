// Retrying<Policies...>: policies composed into one type, and the synchronous driver.
//
//   using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<5>>;
//   User u = HttpRetry{}([&] { return fetch_user(1); });
//   auto fetch = grit::retrying<HttpRetry>(fetch_user);  // same call signature as fetch_user
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "detail/policies.hpp"
#include "schedule.hpp"

namespace grit {

template <class... Policies>
class Retrying;

namespace detail {

template <class F, class... A>
using attempt_result = std::invoke_result_t<F&, A&...>;

// One call in progress: the schedule, plus the flag that lets a give-up pass the outer catch clauses untouched.
template <class Config>
struct CallState {
  Schedule<Config> schedule;
  bool passing = false;
};

// The attempt itself, and the result filters.
template <class Config, class F, class... A>
attempt_result<F, A...> attempt_inspecting(CallState<Config>& call, F& f, A&... args) {
  using R = attempt_result<F, A...>;
  if constexpr (!Config::template inspects_results<R>) {
    return std::invoke(f, args...);
  } else {
    for (;;) {
      Decision next;
      {
        R result = std::invoke(f, args...);
        const Verdict verdict = call.schedule.classify_result(result);
        if (!verdict.retries()) return result;
        next = call.schedule.on_failure(verdict, Cause::of_value(result));
        if (!next) return result;  // the same value, unchanged
      }  // the discarded result is destroyed before the wait
      call.schedule.wait(next);
    }
  }
}

// One catch clause per (filter, exception type), nested so that the first filter written is the innermost.
// Each clause loops: retrying re-enters the inner clauses. A give-up sets `passing` and rethrows, so that the
// outer clauses let the same exception object through.
template <class Level, class... Outer, class Config, class F, class... A>
attempt_result<F, A...> attempt_catching(boost::mp11::mp_list<Level, Outer...>, CallState<Config>& call, F& f,
                                         A&... args) {
  for (;;) {
    Decision next;
    try {
      if constexpr (sizeof...(Outer) == 0)
        return attempt_inspecting(call, f, args...);
      else
        return attempt_catching(boost::mp11::mp_list<Outer...>{}, call, f, args...);
    } catch (const typename Level::exception& e) {
      if (call.passing) throw;
      if (detail::is_cancellation_of(e)) {
        call.passing = true;
        throw;
      }
      const Verdict verdict = call.schedule.template classify<Level>(e);
      if (!verdict.retries()) throw;  // an outer clause may still want it
      next = call.schedule.on_failure(verdict, Cause::of_exception(e));
      if (!next) {
        call.passing = true;
        throw;
      }
    }
    call.schedule.wait(next);
  }
}

template <class Config, class F, class... A>
attempt_result<F, A...> attempt(CallState<Config>& call, F& f, A&... args) {
  using levels = boost::mp11::mp_reverse<catch_levels<typename Config::filter_types>>;
  if constexpr (boost::mp11::mp_empty<levels>::value)
    return attempt_inspecting(call, f, args...);
  else
    return attempt_catching(levels{}, call, f, args...);
}

template <class T>
struct is_retrying : std::false_type {};
template <class... P>
struct is_retrying<Retrying<P...>> : std::true_type {};

}  // namespace detail

template <class... Policies>
class Retrying {
  using resolved = detail::Resolved<Policies...>;
  using all_types = boost::mp11::mp_append<typename resolved::filters, typename resolved::stops,
                                           boost::mp11::mp_list<typename resolved::wait, typename resolved::jitter>,
                                           typename resolved::sinks,
                                           boost::mp11::mp_list<typename resolved::clock, typename resolved::name>>;
  using storage = boost::mp11::mp_rename<all_types, std::tuple>;

  template <class T, class... Given>
  static constexpr T pick(Given&&... given) {
    constexpr std::size_t count = (std::size_t{0} + ... + std::size_t{std::is_same_v<std::remove_cvref_t<Given>, T>});
    static_assert(count <= 1, "grit: the same policy is passed twice to Retrying's constructor; pass it once");
    if constexpr (count == 1) {
      constexpr std::size_t index = boost::mp11::mp_find<boost::mp11::mp_list<std::remove_cvref_t<Given>...>, T>::value;
      return T(std::get<index>(std::forward_as_tuple(std::forward<Given>(given)...)));
    } else {
      static_assert(std::is_default_constructible_v<T>,
                    "grit: a policy of this Retrying holds run-time values (it was written with grit::runtime or "
                    "takes a predicate object); pass the policy object to the Retrying's constructor");
      return T{};
    }
  }

 public:
  using filter_types = typename resolved::filters;
  using stop_types = typename resolved::stops;
  using wait_type = typename resolved::wait;
  using jitter_type = typename resolved::jitter;
  using sink_types = typename resolved::sinks;
  using clock_type = typename resolved::clock;
  using name_type = typename resolved::name;

  // Whether a function returning R gets its results inspected by result filters.
  template <class R>
  static constexpr bool inspects_results =
      !boost::mp11::mp_empty<boost::mp11::mp_copy_if<filter_types, detail::is_result_filter>>::value;

  // Every policy default-made; the name defaults to the calling function.
  Retrying(detail::CallSite site = detail::CallSite::current())
    requires(std::is_default_constructible_v<Policies> && ...)
      : policies_(make(site)) {}

  // From the policies that hold run-time values (in any order); the others are default-made.
  template <class... Given>
    requires(sizeof...(Given) > 0 && (boost::mp11::mp_contains<all_types, std::remove_cvref_t<Given>>::value && ...))
  explicit Retrying(Given&&... given) : policies_(make(detail::CallSite{}, std::forward<Given>(given)...)) {}

  template <class P>
  const P& policy() const noexcept {
    return std::get<P>(policies_);
  }

  std::string_view name() const noexcept { return policy<name_type>().value(); }

  // A fresh schedule for a call driven by hand. It refers to this Retrying, which must outlive it.
  Schedule<Retrying> schedule() const& noexcept { return Schedule<Retrying>(*this); }
  Schedule<Retrying> schedule() const&& = delete;

  // Calls f(args...) until it succeeds or the policies give up. Every attempt gets the caller's arguments as
  // lvalues: nothing is copied, and nothing is moved from before a later attempt needs it.
  template <class F, class... Args>
  detail::attempt_result<F, Args...> operator()(F&& f, Args&&... args) const {
    static_assert(std::is_invocable_v<F&, Args&...>,
                  "grit: the function cannot be called with these arguments as lvalues. Every attempt reuses the "
                  "caller's arguments, so one that must be moved in (a by-value std::unique_ptr, say) cannot be "
                  "retried; wrap the call in a lambda that makes a fresh argument for each attempt");
    using R = detail::attempt_result<F, Args...>;
    if constexpr (inspects_results<R>) {
      static_assert(!std::is_void_v<R>,
                    "grit: RetryOnError and RetryOnResult inspect a returned value, but this function returns void; "
                    "use RetryOn<E> for exceptions");
      static_assert(boost::mp11::mp_all_of_q<boost::mp11::mp_copy_if<filter_types, detail::is_result_filter>,
                                             accepts_result<R>>::value,
                    "grit: a result filter cannot inspect what this function returns: RetryOnError needs an "
                    "expected-like value (has_value() and error()), RetryOnResult a predicate taking the value");
    }
    detail::CallState<Retrying> call{Schedule<Retrying>(*this)};
    if constexpr (notifies_success) {
      if constexpr (std::is_void_v<R>) {
        detail::attempt(call, f, args...);
        call.schedule.on_success();
      } else {
        R result = detail::attempt(call, f, args...);
        call.schedule.on_success();
        return static_cast<R>(result);
      }
    } else {
      return detail::attempt(call, f, args...);
    }
  }

 private:
  template <class R>
  struct accepts_result {
    template <class F>
    using fn = boost::mp11::mp_bool<F::template accepts<R>>;
  };

  static constexpr bool notifies_success = []<class... S>(boost::mp11::mp_list<S...>) {
    return (detail::wants_success<S> || ...);
  }(sink_types{});

  template <class... Given>
  static storage make(detail::CallSite site, Given&&... given) {
    return [&]<class... T>(boost::mp11::mp_list<T...>) {
      return storage([&]() -> T {
        if constexpr (std::is_same_v<T, detail::CallSiteName>) return T{site};
        else return pick<T>(std::forward<Given>(given)...);
      }()...);
    }(all_types{});
  }

  [[no_unique_address]] storage policies_;
};

template <class... P>
Retrying(P...) -> Retrying<P...>;

// A callable with the same call signature as f that retries it with R.
template <class R, class F>
class Retried {
 public:
  Retried(R retry, F f) : retry_(std::move(retry)), f_(std::move(f)) {}

  template <class... Args>
  decltype(auto) operator()(Args&&... args) const {
    return retry_(f_, std::forward<Args>(args)...);
  }
  template <class... Args>
  decltype(auto) operator()(Args&&... args) {
    return retry_(f_, std::forward<Args>(args)...);
  }

 private:
  R retry_;
  F f_;
};

template <class R, class F>
  requires detail::is_retrying<R>::value
Retried<R, std::decay_t<F>> retrying(F&& f, detail::CallSite site = detail::CallSite::current()) {
  return {R(site), std::forward<F>(f)};
}

template <class... P, class F>
Retried<Retrying<P...>, std::decay_t<F>> retrying(Retrying<P...> retry, F&& f) {
  return {std::move(retry), std::forward<F>(f)};
}

}  // namespace grit
