// Retrying<Policies...>: policies composed into one type, and the synchronous driver.
//
//   using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<5>>;
//   User u = HttpRetry{}([&] { return fetch_user(1); });
//   auto fetch = grit::retrying<HttpRetry>(fetch_user);  // same call signature as fetch_user
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <new>
#include <optional>
#include <string_view>
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

// attempt_result, or void when f cannot be called so: Retrying's call operator then says why, in one error, instead
// of dropping out of overload resolution ("no match for call").
template <class F, class... A>
using attempt_result_or_void =
    typename std::conditional_t<std::is_invocable_v<F&, A&...>, std::invoke_result<F&, A&...>,
                                std::type_identity<void>>::type;

// The object a pointer to member is applied to: the argument itself, or what it points to (a pointer, a smart pointer).
template <class C, class T>
[[gnu::always_inline]] inline decltype(auto) object_of(T& t) {
  if constexpr (std::is_base_of_v<C, std::remove_cvref_t<T>>)
    return (t);
  else
    return (*t);
}
template <class M>
struct member_class;
template <class T, class C>
struct member_class<T C::*> {
  using type = C;
};

template <class F, class Object, class... A>
[[gnu::always_inline]] inline decltype(auto) invoke_member(F f, Object& object, A&... args) {
  using C = typename member_class<std::remove_cv_t<F>>::type;
  if constexpr (std::is_member_function_pointer_v<F>)
    return (detail::object_of<C>(object).*f)(args...);
  else
    return (detail::object_of<C>(object).*f);
}

// A pointer to member as a function object, so that the driver calls every function the same way, f(args...),
// the INVOKE way (applied to its first argument) without std::invoke's layers (a function each at -O0, and
// <functional> to compile).
template <class M>
struct MemberCall {
  M member;
  template <class Object, class... A>
  [[gnu::always_inline]] decltype(auto) operator()(Object& object, A&... args) const {
    return detail::invoke_member(member, object, args...);
  }
};

// Storage for the schedule of a call, made only when the first attempt fails: the success path builds nothing.
// Raw bytes, so that it is trivially default-constructible: nothing to construct (or to emit) on the success path.
template <class T, bool = std::is_trivially_destructible_v<T>>
class Deferred {
  alignas(T) unsigned char bytes_[sizeof(T)];

 public:
  template <class... A>
  [[gnu::always_inline]] T& emplace(A&&... a) {
    return *::new (static_cast<void*>(bytes_)) T(static_cast<A&&>(a)...);
  }
  [[gnu::always_inline]] T& get() noexcept { return *std::launder(reinterpret_cast<T*>(bytes_)); }
};
template <class T>
class Deferred<T, false> {
  std::optional<T> value_;

 public:
  template <class... A>
  T& emplace(A&&... a) {
    return value_.emplace(std::forward<A>(a)...);
  }
  T& get() noexcept { return *value_; }
};

// The flag that lets a give-up pass the outer catch clauses untouched; it exists only where there are outer clauses.
template <bool Needed>
struct PassingFlag {
  bool value = false;
  [[gnu::always_inline]] bool get() const noexcept { return value; }
  [[gnu::always_inline]] void set() noexcept { value = true; }
};
template <>
struct PassingFlag<false> {
  [[gnu::always_inline]] static constexpr bool get() noexcept { return false; }
  [[gnu::always_inline]] static constexpr void set() noexcept {}
};

// The schedule type of a Retrying: the decision core of its plan (detail/plan.hpp), which every Retrying type with
// the same kinds of policies shares. The driver works with it directly from the first failure on.
template <class Config>
using core_t = ScheduleCore<plan_t<Config>>;

// One call in progress. Nothing in it is written on the success path (bar `passing`, where it exists): the schedule
// and its first decision are made when the first attempt fails, from the start time read before it (only if a stop
// policy needs it). The decision waits here, in memory, for the retry loop: held in registers across the end of the
// catch clause it would cost callee-saved registers, saved and restored on the success path too.
template <class Core, bool Passing>
struct CallState {
  using core_type = Core;
  Deferred<Core> schedule;
  Deferred<Decision> first_decision;
  [[no_unique_address]] PassingFlag<Passing> passing;
};

// What the first attempt has instead of a schedule: the Retrying (from which a failure makes the plan and the name),
// and the start time.
template <class Config>
struct FirstState {
  const Config& config;
  typename core_t<Config>::start_point start;
  [[gnu::always_inline]] plan_t<Config> plan() const { return make_plan(config); }
  [[gnu::always_inline]] NameText name() const { return core_t<Config>::name_of(config); }
};
// The same with the plan and the name made already: for the first attempt out of line (first_attempt_out_of_line).
template <class Core>
struct PlannedFirstState {
  const typename Core::plan_type& plan_;
  NameText name_;
  typename Core::start_point start;
  [[gnu::always_inline]] const typename Core::plan_type& plan() const { return plan_; }
  [[gnu::always_inline]] NameText name() const { return name_; }
};

// The driver comes in two modes. The first attempt (`First`) runs inline in the caller with nothing but the start
// time; its catch clauses, on a retryable failure, make the schedule (out of line) and hand over to `retry_loop`,
// which runs every later attempt (`!First`) with the schedule. So the success path is the hand-written loop's.
//
// Both modes handle a caught exception the same way, called inside the catch clause (so that `throw;` rethrows the
// same object): a cancellation, or one the filter refuses, leaves at once; a give-up sets `passing` so that outer
// clauses let it through. `LeavesLoop`: a refusal also sets it, for the retry loop's outermost clause (the first
// attempt's clauses are not the retry loop's, and must not catch it again).
template <bool LeavesLoop, class Filter, class Call, class E>
[[gnu::always_inline]] inline Verdict verdict_or_rethrow(const Filter& filter, Call& call, const E& e) {
  if (detail::is_cancellation_of(e)) {
    call.passing.set();
    throw;
  }
  const Verdict verdict = filter.classify(e);
  if (!verdict.retries()) {
    if constexpr (LeavesLoop) call.passing.set();
    throw;  // an outer clause may still want it
  }
  return verdict;
}
template <class Call>
[[gnu::always_inline]] inline Decision retry_or_rethrow(Decision next, Call& call) {
  if (!next) {
    call.passing.set();
    throw;  // give up: the same exception object
  }
  return next;
}

// The first failure caught as an exception, inside the catch clause for Level: gives up (rethrowing the same
// object) or makes the schedule and its first decision. Out of line, and shared by every Retrying type with the same
// plan and catch clause.
template <class Core, class Level, class Call>
[[gnu::noinline]] void first_exception(const typename Core::plan_type& plan, NameText name,
                                       typename Core::start_point start, Call& call,
                                       const typename Level::exception& e) {
  const Verdict verdict = verdict_or_rethrow<false>(plan.template policy<typename Level::filter>(), call, e);
  call.first_decision.emplace(retry_or_rethrow(
      call.schedule.emplace(plan, name, start).on_failure(verdict, Core::cause_of_exception(e)), call));
}

template <class Call, class F, class... A>
attempt_result<F, A...> retry_loop(Call& call, Decision next, F& f, A&... args);

// The rest of a call after its first failure, with its schedule; see retry_loop.
template <class Core, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> retry_with(Core& schedule, Call& call, Decision next, F& f,
                                                                 A&... args);

// The first attempt returned a value that a result filter wants retried. No exception is in flight, so the schedule
// is made right here, in a local that the retry loop keeps using.
template <class Config, class Call, class R, class F, class... A>
[[gnu::noinline]] R first_failed_result(const Config& config, typename core_t<Config>::start_point start, Call& call,
                                        Verdict verdict, R failed, F& f, A&... args) {
  core_t<Config> schedule(make_plan(config), core_t<Config>::name_of(config), start);
  Decision next;
  {
    R result = static_cast<R&&>(failed);
    next = schedule.decide(verdict, core_t<Config>::cause_of_value(result));
    if (!next) return static_cast<R&&>(result);  // the same value, unchanged
  }                                              // the discarded result is destroyed before the wait
  return retry_with(schedule, call, next, f, args...);
}

template <class F>
using inspects_errors_only = boost::mp11::mp_bool < requires {
  requires F::inspects_errors_only;
}
> ;

// Whether every result filter looks only at errors (RetryOnError), so that a value holding none needs no verdict.
template <class ResultFilters>
inline constexpr bool errors_only = boost::mp11::mp_all_of<ResultFilters, inspects_errors_only>::value;

// The attempt itself, and the result filters.
template <bool First, class S, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> attempt_inspecting(S& state, Call& call, F& f, A&... args) {
  using R = attempt_result<F, A...>;
  using Core = typename Call::core_type;
  if constexpr (!Core::inspects_results) {
    return f(args...);
  } else if constexpr (First) {
    R result = f(args...);
    // The hand-written loop's test: a value without an error returns at once, before any verdict is made.
    if constexpr (errors_only<typename Core::result_filters>) {
      if (result.has_value()) return result;
    }
    const Verdict verdict = Core::classify_result_with(typename Core::result_filters{}, state.config, result);
    if (!verdict.retries()) return result;
    // Handed over by value: the success path never takes the result's address, so it can stay in registers.
    return first_failed_result<std::remove_cvref_t<decltype(state.config)>, Call, R>(
        state.config, state.start, call, verdict, static_cast<R&&>(result), f, args...);
  } else {
    for (;;) {
      Decision next;
      {
        R result = f(args...);
        const Verdict verdict = state.classify_result(result);
        if (!verdict.retries()) return result;
        next = state.decide(verdict, Core::cause_of_value(result));
        if (!next) return result;  // the same value, unchanged
      }                            // the discarded result is destroyed before the wait
      state.wait(next);
    }
  }
}

// The function of the retry loop, when nothing but exceptions is retried: behind a pointer, so that one retry loop
// serves every call site with the same plan, catch clauses and return type. An attempt that fails by throwing costs
// far more than the indirect call; where returned values are inspected the loop stays per call site.
template <class R>
struct Erased {
  R (*call)(const void*);
  const void* target;
  R operator()() const { return call(target); }
};
template <class R, class T>
R call_erased(const void* target) {
  return (*static_cast<T*>(const_cast<void*>(target)))();
}

// The catch clauses of a call, innermost first (none when only returned values are retried).
template <class Call>
using catch_clauses = boost::mp11::mp_reverse<catch_levels<typename Call::core_type::plan_type::filter_types>>;

// No catch clause: only returned values are retried.
template <bool First, bool Outermost, class S, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> attempt_catching(boost::mp11::mp_list<>, S& state, Call& call,
                                                                       F& f, A&... args) {
  return attempt_inspecting<First>(state, call, f, args...);
}

// One catch clause per (filter, exception type), nested so that the first filter written is the innermost.
// In the retry loop each clause loops: retrying re-enters the inner clauses. A give-up sets `passing` and rethrows,
// so that the outer clauses (the retry loop's, then the first attempt's) let the same exception object through.
template <bool First, bool Outermost, class Level, class... Outer, class S, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> attempt_catching(boost::mp11::mp_list<Level, Outer...>, S& state,
                                                                       Call& call, F& f, A&... args) {
  using R = attempt_result<F, A...>;
  using Core = typename Call::core_type;
  for (;;) {
    Decision next;
    try {
      if constexpr (sizeof...(Outer) > 0)
        return attempt_catching<First, false>(boost::mp11::mp_list<Outer...>{}, state, call, f, args...);
      else if constexpr (!Core::inspects_results)
        return f(args...);
      else
        return attempt_inspecting<First>(state, call, f, args...);
    } catch (const typename Level::exception& e) {
      if (call.passing.get()) throw;
      if constexpr (First) {
        first_exception<Core, Level>(state.plan(), state.name(), state.start, call, e);
      } else {
        const Verdict verdict = verdict_or_rethrow<Outermost>(state.template filter<typename Level::filter>(), call, e);
        next = retry_or_rethrow(state.on_failure(verdict, Core::cause_of_exception(e)), call);
      }
    }
    // The first attempt hands over to the retry loop, out of line, so that the caller's success path carries none
    // of it; the loop waits and tries again.
    if constexpr (!First) {
      state.wait(next);
    } else if constexpr (Core::inspects_results || std::is_same_v<std::remove_const_t<F>, Erased<R>>) {
      return retry_loop(call, call.first_decision.get(), f, args...);
    } else if constexpr (sizeof...(A) == 0 && std::is_object_v<F>) {
      Erased<R> erased{&call_erased<R, F>, &f};
      return retry_loop(call, call.first_decision.get(), erased);
    } else {
      const auto target = [&f, &args...]() -> R { return f(args...); };
      Erased<R> erased{&call_erased<R, const decltype(target)>, &target};
      return retry_loop(call, call.first_decision.get(), erased);
    }
  }
}

// In an unoptimized build nothing is inlined, so the inline first attempt would be all cost: its catch clauses and
// hand-over, in every call site. There the first attempt of a function that only throws runs out of line too,
// reached through one pointer like the retry loop, and shared like it by every call site with the same plan, catch
// clauses and return type. (The behaviour is the same; tests run both layouts.)
#if defined(__OPTIMIZE__)
inline constexpr bool unoptimized_build = false;
#else
inline constexpr bool unoptimized_build = true;
#endif
template <class Core, bool Passing, class R>
[[gnu::noinline]] R first_attempt_out_of_line(const typename Core::plan_type& plan, NameText name,
                                              typename Core::start_point start, const Erased<R>& f) {
  CallState<Core, Passing> call;
  PlannedFirstState<Core> first{plan, name, start};
  return attempt_catching<true, true>(catch_clauses<CallState<Core, Passing>>{}, first, call, f);
}

// The schedule is moved to a local that no opaque call can see, so that its counters can live in registers.
template <class Call, class F, class... A>
[[gnu::noinline]] attempt_result<F, A...> retry_loop(Call& call, Decision next, F& f, A&... args) {
  using Core = typename Call::core_type;
  Core schedule = static_cast<Core&&>(call.schedule.get());
  return retry_with(schedule, call, next, f, args...);
}

template <class Core, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> retry_with(Core& schedule, Call& call, Decision next, F& f,
                                                                 A&... args) {
  using R = attempt_result<F, A...>;
  schedule.wait(next);
  constexpr bool notifies_success = []<class... S>(boost::mp11::mp_list<S...>) {
    return (detail::wants_success<S> || ...);
  }(typename Core::plan_type::sink_types{});
  if constexpr (!notifies_success) {
    return attempt_catching<false, true>(catch_clauses<Call>{}, schedule, call, f, args...);
  } else if constexpr (std::is_void_v<R>) {
    attempt_catching<false, true>(catch_clauses<Call>{}, schedule, call, f, args...);
    schedule.on_success();
  } else {
    R result = attempt_catching<false, true>(catch_clauses<Call>{}, schedule, call, f, args...);
    schedule.on_success();
    if constexpr (std::is_reference_v<R>)
      return static_cast<R&&>(result);
    else
      return result;
  }
}

// Policy storage: one base per policy, each a distinct type, so that empty policies take no room and a policy is
// found by a static_cast (no std::tuple: cheaper to instantiate, and nothing to emit per type at -O0).
template <class T>
struct Holder {
  [[no_unique_address]] T value;
};
template <class... T>
struct PolicyStore : Holder<T>... {};

// A policy for Retrying's constructor: the one given (as a run-time value), else default-made.
template <class T, class G, class... Rest>
[[gnu::always_inline]] inline constexpr decltype(auto) given_of(G&& g, Rest&&... rest) noexcept {
  if constexpr (std::is_same_v<std::remove_cvref_t<G>, T>)
    return static_cast<G&&>(g);
  else
    return given_of<T>(static_cast<Rest&&>(rest)...);
}

template <class T, class... Given>
[[gnu::always_inline]] inline constexpr T pick(Given&&... given) {
  constexpr std::size_t count = (std::size_t{0} + ... + std::size_t{std::is_same_v<std::remove_cvref_t<Given>, T>});
  if constexpr (count > 1) {
    static_assert(count <= 1, "grit: the same policy is passed twice to Retrying's constructor; pass it once");
    throw;  // not reached: keeps the failed assertion the only error
  } else if constexpr (count == 1) {
    return T(given_of<T>(static_cast<Given&&>(given)...));
  } else if constexpr (std::is_default_constructible_v<T>) {
    return T{};
  } else {
    static_assert(std::is_default_constructible_v<T>,
                  "grit: a policy of this Retrying holds run-time values (it was written with grit::runtime or "
                  "takes a predicate object), so it cannot be default-made; pass the policy object to the "
                  "Retrying's constructor, e.g. Retrying<..., stop::Attempts<>>{stop::Attempts<>{5}}");
    throw;  // not reached: keeps the failed assertion the only error
  }
}

template <class... T, class... Given>
[[gnu::always_inline]] inline PolicyStore<T...> make_store(boost::mp11::mp_list<T...>, Given&&... given) {
  return PolicyStore<T...>{Holder<T>{pick<T>(static_cast<Given&&>(given)...)}...};
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
  // Made a set: a policy given twice has its own grit: error (in Resolved), and must not add "duplicate base".
  using stored_types = boost::mp11::mp_eval_if_c<resolved::distinct, all_types, boost::mp11::mp_unique, all_types>;
  using storage = boost::mp11::mp_rename<stored_types, detail::PolicyStore>;

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

  // Every policy default-made; the name defaults to the calling function. Deliberately unconstrained: a policy that
  // needs a run-time value gets a grit: message (in pick) rather than "no matching constructor".
  [[gnu::always_inline]] Retrying(detail::CallSite site = detail::CallSite::current())
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
  [[gnu::always_inline]] const P& policy() const noexcept {
    return static_cast<const detail::Holder<P>&>(policies_).value;
  }

  [[gnu::always_inline]] std::string_view name() const noexcept { return policy<name_type>().value(); }

  // A fresh schedule for a call driven by hand. It refers to this Retrying, which must outlive it.
  Schedule<Retrying> schedule() const& noexcept { return Schedule<Retrying>(*this); }
  Schedule<Retrying> schedule() const&& = delete;

  // Calls f(args...) until it succeeds or the policies give up. Every attempt gets the caller's arguments as
  // lvalues: nothing is copied, and nothing is moved from before a later attempt needs it.
  // Misuse is checked one thing at a time, and nothing is called after a failed check, so that the grit: message is
  // the only error. (Not SFINAE-friendly, on purpose: "no match for call" would not say why.)
  template <class F, class... Args>
  [[gnu::always_inline]] detail::attempt_result_or_void<F, Args...> operator()(F&& f, Args&&... args) const {
    using R = detail::attempt_result_or_void<F, Args...>;
    if constexpr (!std::is_invocable_v<F&, Args&...>) {
      static_assert(std::is_invocable_v<F&, Args&...>,
                    "grit: the function cannot be called with these arguments as lvalues. Every attempt reuses the "
                    "caller's arguments, so one that must be moved in (a by-value std::unique_ptr, say) cannot be "
                    "retried; wrap the call in a lambda that makes a fresh argument for each attempt");
      throw;  // not reached: keeps the failed assertion the only error
    } else if constexpr (inspects_results<R> && std::is_void_v<R>) {
      static_assert(!std::is_void_v<R>,
                    "grit: RetryOnError and RetryOnResult inspect a returned value, but this function returns void; "
                    "use RetryOn<E> for exceptions");
      throw;  // not reached
    } else if constexpr (inspects_results<R> &&
                         !boost::mp11::mp_all_of_q<boost::mp11::mp_copy_if<filter_types, detail::is_result_filter>,
                                                   accepts_result<R>>::value) {
      static_assert(boost::mp11::mp_all_of_q<boost::mp11::mp_copy_if<filter_types, detail::is_result_filter>,
                                             accepts_result<R>>::value,
                    "grit: a result filter cannot inspect what this function returns: RetryOnError needs an "
                    "expected-like value (has_value() and error()), RetryOnResult a predicate taking the value");
      throw;  // not reached
    } else if constexpr (std::is_member_pointer_v<std::remove_cvref_t<F>>) {
      const detail::MemberCall<std::remove_cvref_t<F>> member{f};
      return (*this)(member, args...);
    } else {
      // The call itself: inline, like the hand-written loop it replaces; the caller gets the first attempt and its
      // catch clauses, everything after a failure is out of line (in an unoptimized build the first attempt too,
      // see first_attempt_out_of_line). Only a function with two catch clauses or more, or with both catch clauses
      // and result filters, needs the flag that lets a give-up pass the outer clauses.
      constexpr bool passing =
          boost::mp11::mp_size<detail::catch_levels<filter_types>>::value + (inspects_results<R> ? 1 : 0) > 1;
      using Core = detail::core_t<Retrying>;
      if constexpr (detail::unoptimized_build && !inspects_results<R> && sizeof...(Args) == 0 &&
                    std::is_object_v<std::remove_reference_t<F>>) {
        const detail::Erased<R> erased{&detail::call_erased<R, std::remove_reference_t<F>>, &f};
        return detail::first_attempt_out_of_line<Core, passing>(detail::make_plan(*this), Core::name_of(*this),
                                                                Schedule<Retrying>::start_of_call(*this), erased);
      } else {
        detail::CallState<Core, passing> call;
        detail::FirstState<Retrying> first{*this, Schedule<Retrying>::start_of_call(*this)};
        return detail::attempt_catching<true, true>(detail::catch_clauses<decltype(call)>{}, first, call, f, args...);
      }
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
