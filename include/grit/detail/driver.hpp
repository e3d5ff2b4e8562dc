// The synchronous driver: runs the attempts of one call, asks the schedule (schedule.hpp) after each failure and
// carries out its answer. It decides nothing; what it adds is how the work is laid out in machine code, so that a
// Retrying costs what a hand-written `for (;;) try { return f(); } catch (...) {...}` loop costs.
//
// The boundary, fmt's vformat_to behind format_to: retry_call (the entry, below, inlined into the caller) holds the
// first attempt and its catch clauses; everything after a failure is in functions shared by every call site with
// the same plan: first_exception / first_failed_result (the first failure), retry_loop (every later attempt).
//
// Every code-generation device here and in the layers below: why, what it bought (docs/performance.md §4), and the
// test that fails without it ("codegen.*" are CTest tests in tests/codegen/, run on both compilers; "callgrind" is
// tools/callgrind.sh, run by .ci/run). Anything not listed here is plain code.
// clang-format off
//   device                                   why                                       bought                 guard
//   inline first attempt + shared back end   success path = the hand loop's            9 vs 11 instr. (GCC)   codegen.success_path
//     (first_exception, retry_loop)
//   CallState::first_decision in memory      no callee-saved registers across the      Retry{}(f): 12 -> 8    codegen.success_path
//                                            end of the first catch clause             instructions (GCC)     (made at the call)
//   NameText (name.hpp)                      no strlen call in the caller's catch      by reference: 13 -> 9  codegen.success_path
//                                            clause                                    instructions (GCC)     (by reference)
//   CallSite: one std::source_location       a Retrying made at the call stores one    made at the call:      codegen.success_path
//     word, passed by value (name.hpp)       word; its address is never taken          16 -> 8 (GCC)          (made at the call)
//   hook scopes as a raw pointer             the default schedule stays trivially      (part of Deferred)     codegen.success_path
//     (schedule.hpp's HookScopesSlot)        destructible
//   Deferred<T>: raw bytes                   nothing constructed on the success path   (part of the above)    codegen.success_path
//   plans and twins (detail/plan.hpp,        one schedule type per kind of policies    20 types: 1 decision,  codegen.shared_code,
//     detail/twin.hpp, each family header)                                             not 20                 policies_test
//   Erased<R>: the loop behind a pointer     one retry loop per (plan, clauses, R)     20 types: 1 loop       codegen.shared_code
//   constant plans (consteval)               a stateless Retrying's plan is data       -O0 1.71 x, not 2.20 x codegen.shared_code
//   always_inline on the layers              -O0: one function per call site           -O0 215 -> 337 kB      codegen.shared_code
//                                                                                      without (driver)       (-O0 ratio)
//   decide inlined for returned failures     the counters stay in registers            Clang 1029 -> 225 Ir   callgrind returned_k10
//   empty Cause unless a sink reads one      a returned failure's address never taken  (part of the above)    callgrind success_expected
//   Cause reads lazily (sink.hpp)            no demangler, no std::string code where   object -1.2 kB         codegen.shared_code
//                                            only retrying happens
//   hook_delivery pointer (sink.hpp)         the hook registry compiled only where     -97 M compiler instr.  codegen.shared_code
//                                            hooks are set
//   RetryHook, detail::Shared, MemberCall    <functional>, <memory> not compiled       headers 0.23 -> 0.03 s compile_fail.02_header_diet
//   [[unlikely]] on the stop give-up         the retry loop's body stays together      1.16 x vs 1.80 x timed none: layout, which no count
//     (schedule.hpp)                                                                                          sees; bench/overhead.cpp only
// clang-format on
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <exception>
#include <new>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "../filter.hpp"
#include "../schedule.hpp"
#include "exceptions.hpp"
#include "plan.hpp"

namespace grit::detail {

template <class F, class... A>
using attempt_result = std::invoke_result_t<F&, A&...>;

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

// A failure's Cause, or an empty one when no sink reads it: then a returned failure's address is never taken.
template <class Core, class E>
[[gnu::always_inline]] inline Cause exception_cause(const E& e) noexcept {
  if constexpr (Core::reads_causes)
    return Cause::of_exception(e);
  else
    return Cause{};
}
template <class Core, class R>
[[gnu::always_inline]] inline Cause value_cause(const R& result) noexcept {
  if constexpr (Core::reads_causes)
    return Cause::of_value(result);
  else
    return Cause{};
}

// One call in progress. Nothing in it is written on the success path (bar `passing`, where it exists): the schedule
// and its first decision are made when the first attempt fails, from the start time read before it (only if a stop
// policy needs it). The decision waits here, in memory, for the retry loop: held in registers across the end of the
// catch clause it would cost callee-saved registers, saved and restored on the success path too.
template <class Core, bool Passing>
struct CallState {
  using core_type = Core;
  static constexpr bool has_outer_clauses = Passing;
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
  [[gnu::always_inline]] NameText name() const { return name_for<core_t<Config>>(config); }
  // A first attempt that succeeds: only a budget hears of it (first_attempt_succeeded).
  static constexpr bool acts_on_success = Config::budget_type::limits_retries;
  [[gnu::always_inline]] void on_success() const noexcept { first_attempt_succeeded(config); }
};

// Whether a returned value that no filter retries is a success (what a budget and a success event count): a value
// without an error, or any value that is not expected-like.
template <class R>
[[gnu::always_inline]] inline bool is_success(const R& result) noexcept {
  if constexpr (requires { result.has_value(); })
    return static_cast<bool>(result.has_value());
  else
    return true;
}

// f(args...), then the success reported to `state` (the schedule, or the first attempt's state) if that does
// anything. Only exceptions are failures here.
template <class S, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> call_reporting_success(S& state, F& f, A&... args) {
  using R = attempt_result<F, A...>;
  if constexpr (!S::acts_on_success) {
    return f(args...);
  } else if constexpr (std::is_void_v<R>) {
    f(args...);
    state.on_success();
  } else {
    R result = f(args...);
    state.on_success();
    if constexpr (std::is_reference_v<R>)
      return static_cast<R&&>(result);
    else
      return result;
  }
}

// The driver comes in two modes. The first attempt (`First`) runs inline in the caller with nothing but the start
// time; its catch clauses, on a retryable failure, make the schedule (out of line) and hand over to `retry_loop`,
// which runs every later attempt (`!First`) with the schedule. So the success path is the hand-written loop's.
//
// Both modes handle a caught exception the same way, called inside the catch clause (so that `throw;` rethrows the
// same object): a cancellation, or one the filter refuses, leaves at once; a give-up sets `passing` so that outer
// clauses let it through. `LeavesLoop`: a refusal also sets it, for the retry loop's outermost clause (the first
// attempt's clauses are not the retry loop's, and must not catch it again).
// An exception from grit's own steps inside the catch clauses (a filter's predicate, the clock's wait) is not an
// attempt's failure: it leaves the call at once, unclassified, past every outer clause (which `passing` tells).
#define GRIT_DETAIL_LEAVING_ON_THROW(call, ...)                                 \
  do {                                                                          \
    if constexpr (std::remove_reference_t<decltype(call)>::has_outer_clauses) { \
      GRIT_DETAIL_TRY { __VA_ARGS__; }                                          \
      GRIT_DETAIL_CATCH_ALL {                                                   \
        (call).passing.set();                                                   \
        GRIT_DETAIL_RETHROW;                                                    \
      }                                                                         \
    } else {                                                                    \
      __VA_ARGS__;                                                              \
    }                                                                           \
  } while (false)

template <bool LeavesLoop, class Filter, class Call, class E>
[[gnu::always_inline]] inline Verdict verdict_or_rethrow(const Filter& filter, Call& call, const E& e) {
  if (detail::is_cancellation_of(e)) {
    call.passing.set();
    GRIT_DETAIL_RETHROW;
  }
  Verdict verdict = Verdict::give_up();
  GRIT_DETAIL_LEAVING_ON_THROW(call, verdict = filter.classify(e));
  if (!verdict.retries()) {
    if constexpr (LeavesLoop) call.passing.set();
    GRIT_DETAIL_RETHROW;  // an outer clause may still want it
  }
  return verdict;
}
template <class Call>
[[gnu::always_inline]] inline Decision retry_or_rethrow(Decision next, Call& call) {
  if (!next) {
    call.passing.set();
    GRIT_DETAIL_RETHROW;  // give up: the same exception object
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
  call.first_decision.emplace(
      retry_or_rethrow(call.schedule.emplace(plan, name, start).on_failure(verdict, exception_cause<Core>(e)), call));
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
  core_t<Config> schedule(make_plan(config), name_for<core_t<Config>>(config), start);
  Decision next;
  {
    R result = static_cast<R&&>(failed);
    next = schedule.decide(verdict, value_cause<core_t<Config>>(result));
    if (!next) return static_cast<R&&>(result);  // the same value, unchanged
  }                                              // the discarded result is destroyed before the wait
  return retry_with(schedule, call, next, f, args...);
}

// The attempt itself, and the result filters.
template <bool First, class S, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> attempt_inspecting(S& state, Call& call, F& f, A&... args) {
  using R = attempt_result<F, A...>;
  using Core = typename Call::core_type;
  if constexpr (!Core::inspects_results) {
    return call_reporting_success(state, f, args...);
  } else if constexpr (First) {
    R result = f(args...);
    // The hand-written loop's test: a value without an error returns at once, before any verdict is made.
    if constexpr (errors_only<typename Core::result_filters>) {
      if (result.has_value()) {
        state.on_success();
        return result;
      }
    }
    Verdict verdict = Verdict::give_up();
    GRIT_DETAIL_LEAVING_ON_THROW(call, verdict = result_verdict(typename Core::result_filters{}, state.config, result));
    if (!verdict.retries()) {
      if (detail::is_success(result)) state.on_success();
      return result;
    }
    // Handed over by value: the success path never takes the result's address, so it can stay in registers.
    return first_failed_result<std::remove_cvref_t<decltype(state.config)>, Call, R>(
        state.config, state.start, call, verdict, static_cast<R&&>(result), f, args...);
  } else {
    for (;;) {
      Decision next;
      {
        R result = f(args...);
        if constexpr (errors_only<typename Core::result_filters>) {
          if (result.has_value()) {
            state.on_success();
            return result;
          }
        }
        Verdict verdict = Verdict::give_up();
        GRIT_DETAIL_LEAVING_ON_THROW(call, verdict = state.classify_result(result));
        if (!verdict.retries()) {
          if (detail::is_success(result)) state.on_success();
          return result;
        }
        next = state.decide(verdict, value_cause<Core>(result));
        if (!next) return result;  // the same value, unchanged
      }                            // the discarded result is destroyed before the wait
      GRIT_DETAIL_LEAVING_ON_THROW(call, state.wait(next));
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
    GRIT_DETAIL_TRY {
      if constexpr (sizeof...(Outer) > 0)
        return attempt_catching<First, false>(boost::mp11::mp_list<Outer...>{}, state, call, f, args...);
      else
        return attempt_inspecting<First>(state, call, f, args...);
    }
    GRIT_DETAIL_CATCH(const typename Level::exception& e) {
      if (call.passing.get()) GRIT_DETAIL_RETHROW;
      if constexpr (First) {
        first_exception<Core, Level>(state.plan(), state.name(), state.start, call, e);
      } else {
        const Verdict verdict = verdict_or_rethrow<Outermost>(state.template filter<typename Level::filter>(), call, e);
        next = retry_or_rethrow(state.on_failure(verdict, exception_cause<Core>(e)), call);
      }
    }
    // The first attempt hands over to the retry loop, out of line, so that the caller's success path carries none
    // of it; the loop waits and tries again.
    if constexpr (!First) {
      GRIT_DETAIL_LEAVING_ON_THROW(call, state.wait(next));
    } else if constexpr (Core::inspects_results || std::is_same_v<std::remove_const_t<F>, Erased<R>>) {
      return retry_loop(call, call.first_decision.get(), f, args...);
    } else if constexpr (sizeof...(A) == 0 && std::is_object_v<F>) {
      Erased<R> erased{&call_erased<R, F>, __builtin_addressof(f)};
      return retry_loop(call, call.first_decision.get(), erased);
    } else {
      const auto target = [&f, &args...]() -> R { return f(args...); };
      Erased<R> erased{&call_erased<R, const decltype(target)>, &target};
      return retry_loop(call, call.first_decision.get(), erased);
    }
  }
}

// The schedule is moved to a local that no opaque call can see, so that its counters can live in registers.
template <class Call, class F, class... A>
[[gnu::noinline]] attempt_result<F, A...> retry_loop(Call& call, Decision next, F& f, A&... args) {
  using Core = typename Call::core_type;
  Core schedule = static_cast<Core&&>(call.schedule.get());
  return retry_with(schedule, call, next, f, args...);
}

// Every success is reported where it happens (attempt_inspecting): a value returned here may be a give-up.
template <class Core, class Call, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> retry_with(Core& schedule, Call& call, Decision next, F& f,
                                                                 A&... args) {
  schedule.wait(next);
  return attempt_catching<false, true>(catch_clauses<Call>{}, schedule, call, f, args...);
}

// The entry: one call of f(args...) with a Retrying. Only a function with two catch clauses or more, or with both
// catch clauses and result filters, needs the flag that lets a give-up pass the outer clauses.
template <class Config, class F, class... A>
[[gnu::always_inline]] inline attempt_result<F, A...> retry_call(const Config& config, F& f, A&... args) {
  using Core = core_t<Config>;
  constexpr bool passing =
      boost::mp11::mp_size<catch_levels<typename Config::filter_types>>::value + (Core::inspects_results ? 1 : 0) > 1;
  CallState<Core, passing> call;
  FirstState<Config> first{config, start_of_call(config)};
  return attempt_catching<true, true>(catch_clauses<decltype(call)>{}, first, call, f, args...);
}

// --- The call operator with a std::stop_token -------------------------------------------------------------------
// The same decisions from the same schedule, with two differences: a stop requested during a wait ends it at once,
// and one seen after a failure ends the call without a wait; either way the caller gets the last failure unchanged
// and the sinks hear GiveUpReason::cancelled. Laid out plainly, not like retry_call: such a call waits on real time,
// where a few instructions are nothing; but its success path, like retry_call's, reads no token and no switch.

// f(token, args...) when f takes the token first (the std::jthread convention), else f(args...).
template <class F, class... A>
[[gnu::always_inline]] inline decltype(auto) call_with_token(F& f, const std::stop_token& token, A&... args) {
  if constexpr (std::is_invocable_v<F&, const std::stop_token&, A&...>)
    return f(token, args...);
  else
    return f(args...);
}
template <class F, class... A>
using stoppable_result = decltype(detail::call_with_token(std::declval<F&>(), std::declval<const std::stop_token&>(),
                                                          std::declval<A&>()...));

// A returned value kept across a wait (a reference as a pointer): the failure the caller gets if a stop ends it.
template <class R>
struct Kept {
  std::optional<R> value;
  void keep(R&& r) { value.emplace(static_cast<R&&>(r)); }
  R& get() noexcept { return *value; }
  R take() { return static_cast<R&&>(*value); }
};
template <class R>
struct Kept<R&> {
  R* value = nullptr;
  void keep(R& r) noexcept { value = __builtin_addressof(r); }
  R& get() noexcept { return *value; }
  R& take() noexcept { return *value; }
};
template <>
struct Kept<void> {};

template <class Config, class F, class... A>
stoppable_result<F, A...> retry_call_until_stopped(const Config& config, const std::stop_token& token, F& f,
                                                   A&... args) {
  using Core = ScheduleCore<plan_t<Config>, StopTokenRef>;
  using R = stoppable_result<F, A...>;
  const typename Core::start_point start = start_of_call(config);
  std::optional<Core> schedule;  // made when the first attempt fails
  const auto failed = [&]() -> Core& {
    if (!schedule) schedule.emplace(make_plan(config), name_for<Core>(config), start, StopTokenRef{&token});
    return *schedule;
  };
  const auto succeeded = [&] {
    if (schedule)
      schedule->on_success();
    else
      first_attempt_succeeded(config);
  };
  for (;;) {
    Decision next;
    std::exception_ptr failure;  // the failed attempt's exception, kept while its wait runs
    [[maybe_unused]] Kept<R> kept;
    GRIT_DETAIL_TRY {
      if constexpr (Core::inspects_results) {
        kept.keep(call_with_token(f, token, args...));
      } else if constexpr (std::is_void_v<R>) {
        call_with_token(f, token, args...);
        succeeded();
        return;
      } else {
        R result = call_with_token(f, token, args...);
        succeeded();
        if constexpr (std::is_reference_v<R>)
          return static_cast<R&&>(result);
        else
          return result;
      }
    }
    GRIT_DETAIL_CATCH_ALL {
      next = failed().on_exception();
      if (!next) GRIT_DETAIL_RETHROW;  // not retried, or given up: the same exception object
      failure = std::current_exception();
    }
    if constexpr (Core::inspects_results) {
      if (!failure) {  // outside the try block: a result predicate's exception leaves the call at once
        const Verdict verdict = result_verdict(typename Core::result_filters{}, config, kept.get());
        if (!verdict.retries()) {
          if (detail::is_success(kept.get())) succeeded();
          return kept.take();
        }
        next = failed().decide(verdict, value_cause<Core>(kept.get()));
        if (!next) return kept.take();  // the same value, unchanged
      }
    }
    if (schedule->wait_unless_stopped(next, token)) continue;
    if (failure) {
      GRIT_DETAIL_TRY { std::rethrow_exception(failure); }
      GRIT_DETAIL_CATCH(const std::exception& e) {
        schedule->cancel(exception_cause<Core>(e));
        GRIT_DETAIL_RETHROW;  // the same exception object
      }
      GRIT_DETAIL_CATCH_ALL {
        schedule->cancel(Cause{});
        GRIT_DETAIL_RETHROW;
      }
    }
    if constexpr (Core::inspects_results) {
      schedule->cancel(value_cause<Core>(kept.get()));
      return kept.take();
    }
  }
}

}  // namespace grit::detail

#undef GRIT_DETAIL_LEAVING_ON_THROW
