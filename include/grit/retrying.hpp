// Retrying<Policies...>: policies composed into one type. The call operator hands each call to the sync driver
// (detail/driver.hpp); schedule() gives a schedule to drive by hand (schedule.hpp).
//
//   using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<5>>;
//   User u = HttpRetry{}([&] { return fetch_user(1); });
//   auto fetch = grit::retrying<HttpRetry>(fetch_user);  // same call signature as fetch_user
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <stop_token>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/driver.hpp"
#include "detail/exceptions.hpp"
#include "detail/resolve.hpp"
#include "detail/store.hpp"
#include "schedule.hpp"

namespace grit {

template <class... Policies>
class Retrying;

namespace detail {
template <class T>
struct is_retrying : std::false_type {};
template <class... P>
struct is_retrying<Retrying<P...>> : std::true_type {};

template <class Attempt>
constexpr void reject_attempt_timeout() {
  static_assert(!Attempt::limits_attempts,
                "grit: attempt::Timeout needs a driver that can cancel an attempt in progress: call through "
                "grit::asio::async_retry or co_retry (grit/asio.hpp); the call operator cannot interrupt a call");
}

// What a call that cannot be made returns: a type that converts to anything (never called: the call has a grit:
// error), so that `int x = retry(f, bad)` and `return retry(f, bad);` show that message alone, not a "void value not
// ignored" before it.
struct Uncallable {
  template <class T>
  operator T() const noexcept;
};

// What calling F with the caller's arguments as lvalues returns, or Uncallable.
template <class F, class... A>
using call_result = typename std::conditional_t<std::is_invocable_v<F&, A&...>, std::invoke_result<F&, A&...>,
                                                std::type_identity<Uncallable>>::type;

}  // namespace detail

template <class... Policies>
class Retrying {
  using resolved = detail::Resolved<Policies...>;
  using all_types = boost::mp11::mp_append<
      typename resolved::filters, typename resolved::stops,
      boost::mp11::mp_list<typename resolved::wait, typename resolved::jitter, typename resolved::random,
                           typename resolved::attempt, typename resolved::budget>,
      typename resolved::sinks, boost::mp11::mp_list<typename resolved::clock, typename resolved::name>>;
  // Made a set: a policy given twice has its own grit: error (in Resolved), and must not add "duplicate base".
  using stored_types = boost::mp11::mp_eval_if_c<resolved::distinct, all_types, boost::mp11::mp_unique, all_types>;
  using storage = boost::mp11::mp_rename<stored_types, detail::PolicyStore>;

 public:
  using filter_types = typename resolved::filters;
  using stop_types = typename resolved::stops;
  using wait_type = typename resolved::wait;
  using jitter_type = typename resolved::jitter;
  using random_type = typename resolved::random;
  using attempt_type = typename resolved::attempt;
  using budget_type = typename resolved::budget;
  using sink_types = typename resolved::sinks;
  using clock_type = typename resolved::clock;
  using name_type = typename resolved::name;

  // Whether returned values are inspected (by result filters), not only exceptions.
  static constexpr bool inspects_results = detail::core_t<Retrying>::inspects_results;

  // Every policy default-made; the name defaults to the calling function. Deliberately unconstrained: a policy that
  // needs a run-time value gets a grit: message (in pick) rather than "no matching constructor".
  // constexpr, so that a Retrying of compile-time policies can be a constant: `inline constexpr HttpRetry retry{};`.
  [[gnu::always_inline]] constexpr Retrying(detail::CallSite site = detail::CallSite::current())
      : policies_(detail::make_store(stored_types{})) {
    // Written in afterwards rather than passed to every policy's making (at -O0, a copy per policy per call site).
    if constexpr (std::is_same_v<name_type, detail::CallSiteName>)
      static_cast<detail::Holder<detail::CallSiteName>&>(policies_).value.site = site;
  }

  // From the policies that hold run-time values (in any order); the others are default-made. Constrained only so as
  // not to take the place of the copy and move constructors (a class derived from Retrying included): an argument
  // that is not one of the policies gets a grit: message rather than "no matching constructor".
  template <class... Given>
  requires(sizeof...(Given) > 0 &&
           !(sizeof...(Given) == 1 &&
             (std::is_base_of_v<Retrying, std::remove_cvref_t<Given>> && ...))) explicit Retrying(Given&&... given)
      : policies_(detail::make_store(stored_types{}, static_cast<Given&&>(given)...)) {
    static_assert((boost::mp11::mp_contains<all_types, std::remove_cvref_t<Given>>::value && ...),
                  "grit: an argument of Retrying's constructor is not one of its policies; pass objects of the policy "
                  "types written in Retrying<...>, e.g. Retrying<RetryOn<E>, stop::Attempts<>>{stop::Attempts<>{5}}");
  }

  template <class P>
  [[gnu::always_inline]] constexpr const P& policy() const noexcept {
    return static_cast<const detail::Holder<P>&>(policies_).value;
  }

  constexpr std::string_view name() const { return policy<name_type>().value(); }

  // A fresh schedule for a call driven by hand. It refers to this Retrying, which must outlive it.
  Schedule<Retrying> schedule() const& noexcept { return Schedule<Retrying>(*this); }
  Schedule<Retrying> schedule() const&& = delete;

  // Calls f(args...) until it succeeds or the policies give up. Every attempt gets the caller's arguments as
  // lvalues: nothing is copied, and nothing is moved from before a later attempt needs it.
  // Misuse is checked one thing at a time, and nothing is called after a failed check, so that the grit: message is
  // the only error; a call that cannot be made returns Uncallable, so using its result adds no error either. (Not
  // SFINAE-friendly, on purpose: "no match for call" would not say why.)
  template <class F, class... Args>
  requires(!std::is_same_v<std::remove_cvref_t<F>, std::stop_token>)
      [[gnu::always_inline]] detail::call_result<F, Args...>
      operator()(F&& f, Args&&... args) const {
    using R = detail::call_result<F, Args...>;
    using Fn = std::remove_cvref_t<F>;
    if constexpr (attempt_type::limits_attempts) {
      detail::reject_attempt_timeout<attempt_type>();
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (!std::is_invocable_v<F&, Args&...> && std::is_invocable_v<Fn&, Args&...>) {
      static_assert(std::is_invocable_v<F&, Args&...>,
                    "grit: the function is a mutable callable (a lambda marked mutable, a non-const operator()) "
                    "reached through a const object, as in `const auto g = grit::retrying<R>(f)`; drop that const, "
                    "or make the call operator const");
      GRIT_DETAIL_RETHROW;  // not reached: keeps the failed assertion the only error
    } else if constexpr (!std::is_invocable_v<F&, Args&...> &&
                         std::is_invocable_v<Fn&, std::remove_reference_t<Args>&&...>) {
      static_assert(std::is_invocable_v<F&, Args&...>,
                    "grit: the function can be called only with moved (rvalue) arguments, and every attempt reuses "
                    "the caller's arguments; make a fresh one per attempt in a lambda: "
                    "retry([] { return consume(std::make_unique<int>(1)); })");
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (!std::is_invocable_v<F&, Args&...>) {
      static_assert(std::is_invocable_v<F&, Args&...>,
                    "grit: the function is not callable with these argument types; check them against its "
                    "parameters");
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (inspects_results && std::is_void_v<R>) {
      static_assert(!std::is_void_v<R>,
                    "grit: RetryOnError and RetryOnResult inspect a returned value, but this function returns void; "
                    "use RetryOn<E> for exceptions");
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (inspects_results &&
                         !boost::mp11::mp_all_of_q<detail::result_filters_of<filter_types>, accepts_result<R>>::value) {
      static_assert(boost::mp11::mp_all_of_q<detail::result_filters_of<filter_types>, accepts_result<R>>::value,
                    "grit: a result filter cannot inspect what this function returns: RetryOnError needs an "
                    "expected-like value (has_value() and error()), RetryOnResult a predicate taking the value");
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (std::is_member_pointer_v<std::remove_cvref_t<F>>) {
      const detail::MemberCall<std::remove_cvref_t<F>> member{f};
      return (*this)(member, args...);
    } else {
      // The call itself: inline, like the hand-written loop it replaces (detail/driver.hpp).
      return detail::retry_call(*this, f, args...);
    }
  }

  // The same, cancellable: a stop requested on `token` ends a wait at once, and the caller gets the last failure
  // unchanged (sinks hear GiveUpReason::cancelled). f is called as f(token, args...) if it takes the token first.
  // The success path does not read the token.
  template <class F, class... Args>
  decltype(auto) operator()(std::stop_token token, F&& f, Args&&... args) const {
    if constexpr (attempt_type::limits_attempts) {
      detail::reject_attempt_timeout<attempt_type>();
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (!std::is_invocable_v<F&, Args&...> && !std::is_invocable_v<F&, std::stop_token&, Args&...>) {
      static_assert(std::is_invocable_v<F&, Args&...>,
                    "grit: the function cannot be called with these arguments as lvalues, with or without the "
                    "std::stop_token first");
      GRIT_DETAIL_RETHROW;  // not reached
    } else if constexpr (std::is_member_pointer_v<std::remove_cvref_t<F>>) {
      const detail::MemberCall<std::remove_cvref_t<F>> member{f};
      return (*this)(static_cast<std::stop_token&&>(token), member, args...);
    } else {
      return detail::retry_call_until_stopped(*this, token, f, args...);
    }
  }

 private:
  template <class R>
  struct accepts_result {
    template <class F>
    using fn = boost::mp11::mp_bool<F::template accepts<R>>;
  };

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
  // Cancellable (Retrying's operator() with a std::stop_token).
  template <class... Args>
  decltype(auto) operator()(std::stop_token token, Args&&... args) const {
    return retry_(std::move(token), f_, std::forward<Args>(args)...);
  }
  template <class... Args>
  decltype(auto) operator()(std::stop_token token, Args&&... args) {
    return retry_(std::move(token), f_, std::forward<Args>(args)...);
  }

 private:
  R retry_;
  F f_;
};

template <class R, class F>
requires detail::is_retrying<R>::value Retried<R, std::decay_t<F>> retrying(
    F&& f, detail::CallSite site = detail::CallSite::current()) {
  return {R(site), std::forward<F>(f)};
}

template <class... P, class F>
Retried<Retrying<P...>, std::decay_t<F>> retrying(Retrying<P...> retry, F&& f) {
  return {std::move(retry), std::forward<F>(f)};
}

}  // namespace grit
