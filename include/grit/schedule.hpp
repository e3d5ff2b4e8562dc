// The schedule: the one place where the retry decision is made. One schedule lives for one call; every driver
// (the call operator, and the async ones) asks it "this attempt failed: give up, or retry after how long?" and only
// carries out the answer. Drive it by hand, the C++ form of stamina's retry_context:
//
//   HttpRetry retry;
//   auto schedule = retry.schedule();   // the call starts now (a Timeout counts from here)
//   for (;;) {
//     try {
//       return fetch_user(1);
//     } catch (...) {
//       grit::Decision next = schedule.on_exception();  // classified by the filters, inside the catch block
//       if (!next) throw;                                // give up: the same exception object
//       schedule.wait(next);                             // the clock policy's sleep
//     }
//   }
//
// A returned failure goes to `schedule.on_result(value)`; a failure classified by other means to
// `schedule.on_failure(verdict, cause)`; after a success, `schedule.on_success()` tells the sinks.
#pragma once

#include <algorithm>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <stop_token>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/category.hpp"
#include "detail/exceptions.hpp"
#include "detail/plan.hpp"
#include "filter.hpp"
#include "name.hpp"
#include "random.hpp"
#include "sink.hpp"
#include "stop.hpp"
#include "switches.hpp"

namespace grit {

// The schedule's answer: give up (for reason()), or retry after wait().
class Decision {
 public:
  constexpr Decision() noexcept = default;  // give up: the verdict did not retry
  static constexpr Decision give_up() noexcept { return {}; }
  static constexpr Decision give_up(GiveUpReason reason) noexcept { return Decision(reason); }
  static constexpr Decision retry_after(nanoseconds wait) noexcept { return Decision(wait); }

  constexpr explicit operator bool() const noexcept { return retry_; }
  constexpr bool retries() const noexcept { return retry_; }
  constexpr nanoseconds wait() const noexcept { return wait_; }
  // Why a retryable failure was not retried (the reason the sinks heard); empty when it retries, and when the verdict
  // did not retry. It sits in the padding after retry_: a Decision is still two words, returned in registers.
  constexpr std::optional<GiveUpReason> reason() const noexcept { return reason_; }

 private:
  constexpr explicit Decision(nanoseconds wait) noexcept : retry_(true), wait_(wait) {}
  constexpr explicit Decision(GiveUpReason reason) noexcept : reason_(reason) {}
  bool retry_ = false;
  std::optional<GiveUpReason> reason_;
  nanoseconds wait_{};
};
static_assert(sizeof(Decision) == 2 * sizeof(nanoseconds), "grit: a Decision is returned in two registers");

namespace detail {

// What a schedule asks "was a stop requested?": nothing, for the call operator without a token (a constant false,
// so that it costs nothing), or a std::stop_token.
struct NeverStopped {
  static constexpr bool can_stop = false;
  static constexpr bool stop_requested() noexcept { return false; }
};
struct StopTokenRef {
  static constexpr bool can_stop = true;
  const std::stop_token* token;
  bool stop_requested() const noexcept { return token->stop_requested(); }
};

// The scope slots of a schedule, one per sink (ScheduleCore::scope_slot): a plain aggregate rather than std::tuple,
// whose layers would each be a function at -O0.
template <std::size_t K, class T>
struct ScopeSlotAt {
  [[no_unique_address]] T slot;
};
template <class Indices, class... T>
struct ScopeSlotsOf;
template <std::size_t... K, class... T>
struct ScopeSlotsOf<std::index_sequence<K...>, T...> : ScopeSlotAt<K, T>... {};
template <class Indices, class... T>
using ScopeSlots = ScopeSlotsOf<Indices, T...>;
template <std::size_t K, class T>
[[gnu::always_inline]] inline T& slot_at(ScopeSlotAt<K, T>& slots) noexcept {
  return slots.slot;
}

// The decision, made from a plan (detail/plan.hpp): every Retrying type with the same kinds of policies shares one
// copy of it, whatever the numbers in their types. In order: the switches, a requested stop, the budget's token,
// the stops, the budget's answer, the wait, the jitter, the deadline clamp, the sinks.
template <class Plan, class Stop = NeverStopped>
class ScheduleCore {
  using stops_type = typename Plan::stops_type;
  using sink_types = typename Plan::sink_types;
  static constexpr bool has_budget = Plan::budget_type::limits_retries;
  using time_point = std::conditional_t<stops_type::uses_clock,
                                        decltype(std::declval<const typename Plan::clock_type&>().now()), Empty>;

 public:
  using plan_type = Plan;
  using start_point = time_point;
  using result_filters = result_filters_of<typename Plan::filter_types>;
  static constexpr bool inspects_results = !boost::mp11::mp_empty<result_filters>::value;
  // Whether any sink reads a failure's Cause (else drivers pass an empty one, and a returned failure's address is
  // never taken), or hears of anything at all (else the schedule needs no name).
  static constexpr bool reads_causes = any_wants<RetryDetails>(sink_types{}) || any_wants<GiveUpDetails>(sink_types{});
  static constexpr bool notifies_success = any_wants<SuccessDetails>(sink_types{});
  static constexpr bool hears_anything = reads_causes || notifies_success;
  // Whether a success does anything: tell the sinks, or refill the budget.
  static constexpr bool acts_on_success = notifies_success || has_budget;

  ScheduleCore(const Plan& plan, NameText name, start_point start, Stop stop = {})
      : plan_(plan),
        name_(name.view()),
        start_(start),
        random_state_(plan_.random().start()),
        stop_(stop),
        active_(is_active()) {
    const testing::State testing = testing::state();
    testing_ = testing.enabled;
    if (testing_) {
      const std::uint64_t limit = plan_.stops().attempt_limit();
      testing_limit_ = testing.settings.cap ? std::min(testing.settings.attempts, limit) : testing.settings.attempts;
    }
  }

  // The attempt now running (before a failure is reported) or just failed, from 1.
  [[gnu::always_inline]] std::uint64_t attempt() const noexcept { return attempt_; }
  // The sum of the waits decided so far.
  [[gnu::always_inline]] nanoseconds waited() const noexcept { return waited_; }

  // The heart of grit: a failure that a filter judged retryable (`verdict`) happened; give up or retry, and after
  // how long. Notifies the sinks. `cause` must refer to the live failure. Out of line: shared by every call site.
  Decision on_failure(Verdict verdict, const Cause& cause) { return decide(verdict, cause); }

  // The same decision, inlined into the caller: for a driver whose failures cost little (returned values), so that
  // a plan known at compile time folds into its loop.
  [[gnu::always_inline]] Decision decide(Verdict verdict, const Cause& cause) {
    if (!verdict.retries()) return Decision::give_up();
    // The switches as they were when the schedule was made (for the call operator: when the first attempt failed),
    // as stamina reads them once at the start of its loop; the retry loop then keeps them in registers.
    if (!active_) return give_up(GiveUpReason::inactive, cause);
    if (stop_.stop_requested()) [[unlikely]]
      return give_up(GiveUpReason::cancelled, cause);

    nanoseconds time_left = nanoseconds::max();
    [[maybe_unused]] nanoseconds decided_at{};
    if (testing_) {
      // A shared budget is left alone: tests in testing mode make exactly the attempts they ask for.
      if (attempt_ >= testing_limit_) return give_up(GiveUpReason::attempts, cause);
    } else {
      if constexpr (has_budget) plan_.budget().on_failure();
      decided_at = elapsed();
      const StopAnswer stops = plan_.stops().ask(StopContext{attempt_, decided_at});
      // Unlikely: keeps the retry loop's body together (docs/performance.md §1.2: 1.16 x against 1.80 x).
      if (stops.stop) [[unlikely]]
        return give_up(stops.reason, cause);
      time_left = stops.time_left;
      if (time_left <= nanoseconds::zero()) return give_up(GiveUpReason::timeout, cause);
      if constexpr (has_budget) {
        if (!plan_.budget().allows_retry()) return give_up(GiveUpReason::budget, cause);
      }
    }

    nanoseconds wait = testing_ ? nanoseconds::zero() : verdict.has_exact_wait() ? verdict.exact_wait() : backoff();
    if (wait > time_left) wait = time_left;  // no wait ends after a deadline

    if constexpr (any_wants<RetryDetails>(sink_types{})) {
      const RetryDetails details{name_, attempt_, wait, waited_, Cause(Cause::View{}, cause)};
      notify(details);
      if constexpr (opens_scopes) open_scopes(details, sink_indices{});
      // Time spent in the sinks (a slow hook) comes off the wait: the deadline stays where it was. Whether there is
      // a deadline is the stops' to say (reads_clock), not time_left's: a Timeout of nanoseconds::max() leaves
      // exactly that much at the start (fuzz: regressions/hook_time_before_a_deadline_at_nanoseconds_max).
      if constexpr (stops_type::uses_clock) {
        if (plan_.stops().reads_clock()) {
          const nanoseconds spent = detail::saturating_sub(elapsed(), decided_at);
          if (spent > nanoseconds::zero())
            wait = std::clamp(detail::saturating_sub(time_left, spent), nanoseconds::zero(), wait);
        }
      }
    }
    waited_ = detail::saturating_add(waited_, wait);
    previous_wait_ = wait;
    if (attempt_ != std::numeric_limits<std::uint64_t>::max()) ++attempt_;
    return Decision::retry_after(wait);
  }

  // Inside a catch block: classifies the exception being handled with the filters, then decides.
  Decision on_exception() {
    Decision decision;
    classify_current<catch_levels<typename Plan::filter_types>>(decision);
    return decision;
  }

  // Classifies a returned value with the result filters, then decides. Give up means: return that value.
  template <class R>
  Decision on_result(const R& result) {
    return on_failure(classify_result(result), Cause::of_value(result));
  }

  // The verdict of the result filters on a returned value.
  template <class R>
  [[gnu::always_inline]] Verdict classify_result(const R& result) const {
    return result_verdict(result_filters{}, plan_, result);
  }

  // The filter of a catch clause.
  template <class Filter>
  [[gnu::always_inline]] const Filter& filter() const noexcept {
    return plan_.template policy<Filter>();
  }

  // Carries out a retry decision with the clock policy. The scopes sinks opened for the wait end with it, however
  // it ends.
  [[gnu::always_inline]] void wait(Decision decision) const {
    if constexpr (opens_scopes) {
      const ScopesEnd end{*this};
      if (decision) plan_.clock().sleep_for(decision.wait());
    } else {
      if (decision) plan_.clock().sleep_for(decision.wait());
    }
  }
  // The same, ended early by a requested stop: whether the wait ran its course (else the caller cancels).
  bool wait_unless_stopped(Decision decision, const std::stop_token& token) const {
    [[maybe_unused]] const ScopesEnd end{*this};
    if (!decision) return true;
    if constexpr (requires { plan_.clock().sleep_for(decision.wait(), token); }) {
      return plan_.clock().sleep_for(decision.wait(), token);
    } else {
      plan_.clock().sleep_for(decision.wait());  // a clock of your own that cannot be interrupted
      return !token.stop_requested();
    }
  }

  // A wait carried out by other means (an Asio timer) is over: the scopes sinks opened for it end.
  [[gnu::always_inline]] void wait_ended() const noexcept {
    if constexpr (opens_scopes) close_scopes(sink_indices{});
  }

  // The call ends by cancellation (a stop requested during a wait, an Asio cancellation): sinks hear gave_up with
  // GiveUpReason::cancelled about `cause`, the failure the caller receives.
  Decision cancel(const Cause& cause) const { return give_up(GiveUpReason::cancelled, cause); }

  // The time left until a stop policy's deadline (stop::Timeout), or none when no stop reads the clock.
  std::optional<nanoseconds> time_left() const {
    if constexpr (stops_type::uses_clock) {
      if (plan_.stops().reads_clock() && !testing_)
        // Asked as if no attempt had been made: the time part only (an attempt limit reached is not "no time").
        return std::max(plan_.stops().ask(StopContext{0, elapsed()}).time_left, nanoseconds::zero());
    }
    return std::nullopt;
  }

  // Reports success: the budget gets its tokens back, and sinks hear of it if retries were needed.
  void on_success() {
    if constexpr (has_budget) plan_.budget().on_success();
    if constexpr (notifies_success) {
      if (attempt_ > 1) notify(SuccessDetails{name_, attempt_, waited_});
    }
  }

 private:
  using sink_indices = std::make_index_sequence<boost::mp11::mp_size<sink_types>::value>;

  // The scopes sinks open for a wait (sink.hpp's wait_scope): a slot per sink, empty for those without one.
  // The hooks' scopes as a plain pointer, so that the default schedule stays trivially destructible (nothing to
  // construct or destroy on the success path, detail/driver.hpp's Deferred): every wait ends them (wait, wait_ended,
  // the hand-driven Schedule's destructor).
  struct HookScopesSlot {
    ScopeBox* head = nullptr;
    HookScopesSlot() = default;
    HookScopesSlot(const HookScopesSlot&) noexcept {}  // a copied schedule has no scopes open
    HookScopesSlot(HookScopesSlot&& other) noexcept : head(std::exchange(other.head, nullptr)) {}
    HookScopesSlot& operator=(const HookScopesSlot& other) noexcept {
      if (this != &other) reset();
      return *this;
    }
    HookScopesSlot& operator=(HookScopesSlot&& other) noexcept {
      if (this != &other) {
        reset();
        head = std::exchange(other.head, nullptr);
      }
      return *this;
    }
    [[gnu::always_inline]] void emplace(HookScopes&& scopes) noexcept { head = scopes.release(); }
    [[gnu::always_inline]] void reset() noexcept { HookScopes::destroy(std::exchange(head, nullptr)); }
  };
  template <class S, bool = has_wait_scope<S>>
  struct ScopeSlotOf {
    using type = Empty;
  };
  template <class S>
  struct ScopeSlotOf<S, true> {
    using type =
        std::conditional_t<std::is_same_v<wait_scope_t<S>, HookScopes>, HookScopesSlot, std::optional<wait_scope_t<S>>>;
  };
  template <class S>
  using scope_slot = typename ScopeSlotOf<S>::type;
  using scope_slots = boost::mp11::mp_apply<
      ScopeSlots, boost::mp11::mp_push_front<boost::mp11::mp_transform<scope_slot, sink_types>, sink_indices>>;
  template <class S>
  using opens_scope = boost::mp11::mp_bool<has_wait_scope<S>>;
  static constexpr bool opens_scopes = boost::mp11::mp_any_of<sink_types, opens_scope>::value;

  template <std::size_t... K>
  [[gnu::always_inline]] void open_scopes(const RetryDetails& details, std::index_sequence<K...>) const noexcept {
    (open_scope<K>(details), ...);
  }
  template <std::size_t K>
  [[gnu::always_inline]] void open_scope(const RetryDetails& details) const noexcept {
    if constexpr (has_wait_scope<boost::mp11::mp_at_c<sink_types, K>>) {
      GRIT_DETAIL_TRY {
        slot_at<K>(scopes_).reset();  // one scope per sink at a time
        slot_at<K>(scopes_).emplace(plan_.template sink<K>().wait_scope(details));
      }
      GRIT_DETAIL_CATCH_ALL {
        // A scope that cannot be made is no scope; the retry goes on.
      }
    }
  }
  // In the reverse order of opening.
  template <std::size_t... K>
  [[gnu::always_inline]] void close_scopes(std::index_sequence<K...>) const noexcept {
    constexpr std::size_t n = sizeof...(K);
    ((close_scope<n - 1 - K>()), ...);
  }
  template <std::size_t K>
  [[gnu::always_inline]] void close_scope() const noexcept {
    if constexpr (has_wait_scope<boost::mp11::mp_at_c<sink_types, K>>) slot_at<K>(scopes_).reset();
  }
  struct ScopesEnd {
    const ScheduleCore& schedule;
    [[gnu::always_inline]] ~ScopesEnd() { schedule.wait_ended(); }
  };

  template <class Details>
  [[gnu::always_inline]] void notify(const Details& details) const noexcept {
    notify_each(sink_indices{}, details);
  }
  // A fold over the sinks, not mp_for_each: no lambda, and nothing default-made (a sink may hold run-time state).
  template <std::size_t... K, class Details>
  void notify_each(std::index_sequence<K...>, const Details& details) const noexcept {
    (notify_one<K>(details), ...);
  }
  template <std::size_t K, class Details>
  [[gnu::always_inline]] void notify_one(const Details& details) const noexcept {
    if constexpr (wants<boost::mp11::mp_at_c<sink_types, K>, Details>()) {
      GRIT_DETAIL_TRY { deliver(plan_.template sink<K>(), details); }
      GRIT_DETAIL_CATCH_ALL {
        // An instrumentation failure never replaces the user's failure or result.
      }
    }
  }

  Decision give_up(GiveUpReason reason, const Cause& cause) const {
    if constexpr (any_wants<GiveUpDetails>(sink_types{}))
      notify(GiveUpDetails{name_, attempt_, waited_, reason, Cause(Cause::View{}, cause)});
    return Decision::give_up(reason);
  }

  [[gnu::always_inline]] nanoseconds elapsed() const {
    if constexpr (stops_type::uses_clock) {
      if (!plan_.stops().reads_clock()) return nanoseconds::zero();
      // Saturated, and never negative: a clock of your own that jumps centuries, or steps back, stays defined.
      return std::max(detail::to_nanoseconds(plan_.clock().now() - start_), nanoseconds::zero());
    } else {
      return nanoseconds::zero();
    }
  }

  [[gnu::always_inline]] nanoseconds backoff() {
    const auto& wait_policy = plan_.wait();
    const nanoseconds cap = wait_policy.max();
    if (cap <= nanoseconds::zero()) return nanoseconds::zero();  // nothing to draw for
    const nanoseconds delay = wait_policy.delay(attempt_);
    const JitterInput input{attempt_, wait_policy.initial(), attempt_ == 1 ? wait_policy.initial() : previous_wait_,
                            cap};
    return std::clamp(jittered(delay, input), nanoseconds::zero(), cap);
  }
  // grit's own jitters (and any that take a generic draw) draw inline; another one through random::Bits.
  [[gnu::always_inline]] nanoseconds jittered(nanoseconds delay, const JitterInput& input) {
    auto draw = [this] { return plan_.random().next(random_state_); };
    if constexpr (requires { plan_.jitter().apply(delay, input, draw); }) {
      return plan_.jitter().apply(delay, input, draw);
    } else {
      random::Bits bits(plan_.random(), random_state_);
      return plan_.jitter().apply(delay, input, bits);
    }
  }

  // Tries each filter's catch clause in order by rethrowing the exception being handled.
  template <class Remaining>
  void classify_current(Decision& decision) {
    if constexpr (!boost::mp11::mp_empty<Remaining>::value) {
      using L = boost::mp11::mp_front<Remaining>;
      GRIT_DETAIL_TRY { GRIT_DETAIL_RETHROW; }
      GRIT_DETAIL_CATCH(const typename L::exception& e) {
        if (detail::is_cancellation_of(e)) return;
        const Verdict verdict = filter<typename L::filter>().classify(e);
        if (verdict.retries()) {
          decision = on_failure(verdict, Cause::of_exception(e));
          return;
        }
      }
      GRIT_DETAIL_CATCH_ALL {}
      classify_current<boost::mp11::mp_pop_front<Remaining>>(decision);
    }
  }

  Plan plan_;
  std::string_view name_;
  std::uint64_t attempt_ = 1;
  nanoseconds waited_{};
  nanoseconds previous_wait_{};
  [[no_unique_address]] time_point start_{};
  [[no_unique_address]] typename Plan::random_type::state_type random_state_;
  [[no_unique_address]] Stop stop_;
  [[no_unique_address]] mutable scope_slots scopes_;
  bool active_;
  bool testing_ = false;  // testing mode, and then its attempt limit
  std::uint64_t testing_limit_ = 0;
};

// The schedule type of a Retrying: the decision of its plan, which every Retrying type with the same kinds of
// policies shares.
template <class Config>
using core_t = ScheduleCore<plan_t<Config>>;

// When a call starts: read from the clock only if one of the Retrying's own stop policies needs it (its plan may
// be shared with Retrying types that do, and then holds a start it never reads).
template <class Config>
[[gnu::always_inline]] inline typename core_t<Config>::start_point start_of_call(const Config& config) noexcept(
    noexcept(config.template policy<typename Config::clock_type>().now())) {
  if constexpr (boost::mp11::mp_apply<any_uses_clock_t, typename Config::stop_types>::value)
    return config.template policy<typename Config::clock_type>().now();
  else
    return {};
}

// The name a schedule needs from its Retrying: none when no sink hears of anything. Handed over unmeasured
// (name.hpp's NameText).
template <class Core, class Config>
[[gnu::always_inline]] inline NameText name_for(const Config& config) noexcept {
  if constexpr (Core::hears_anything)
    return name_text(config.template policy<typename Config::name_type>());
  else
    return {};
}

// A first attempt that succeeds makes no schedule, and a success event needs retries: only a budget hears of it, as
// it would from the schedule's on_success(). Every driver's first success ends here.
template <class Config>
[[gnu::always_inline]] inline void first_attempt_succeeded([[maybe_unused]] const Config& config) noexcept {
  if constexpr (Config::budget_type::limits_retries)
    config.template policy<typename Config::budget_type>().on_success();
}

}  // namespace detail

// The schedule of one call of a Retrying of type Config, driven by hand (see the top of this file). It refers to
// the Retrying, which must outlive it.
template <class Config>
class Schedule {
  using core = detail::core_t<Config>;

 public:
  explicit Schedule(const Config& config) noexcept(noexcept(detail::start_of_call(config)))
      : core_(detail::make_plan(config), detail::name_for<core>(config), detail::start_of_call(config)) {}
  Schedule(const Schedule&) = default;  // a copy starts with no scopes open: they stay the original's
  Schedule(Schedule&&) noexcept = default;
  Schedule& operator=(const Schedule&) = default;
  Schedule& operator=(Schedule&&) noexcept = default;
  ~Schedule() { core_.wait_ended(); }  // a scope still open when a call driven by hand ends

  // The attempt now running (before a failure is reported) or just failed, from 1.
  std::uint64_t attempt() const noexcept { return core_.attempt(); }
  // The sum of the waits decided so far.
  nanoseconds waited() const noexcept { return core_.waited(); }

  // Inside a catch block: the exception being handled, classified by the filters. Give up means: `throw;`.
  Decision on_exception() { return core_.on_exception(); }
  // A returned value, classified by the result filters. Give up means: return that value.
  template <class R>
  Decision on_result(const R& result) {
    return core_.on_result(result);
  }
  // A failure classified by other means; `cause` describes it to the sinks (`grit::Cause{}`: nothing to say).
  Decision on_failure(Verdict verdict, const Cause& cause) { return core_.on_failure(verdict, cause); }

  // Carries out a retry decision with the clock policy.
  void wait(Decision decision) const { core_.wait(decision); }
  // After a success: the budget gets its tokens back; sinks hear of it if retries were needed.
  void on_success() { core_.on_success(); }
  // The call ends by cancellation: sinks hear gave_up with GiveUpReason::cancelled about `cause`.
  Decision cancel(const Cause& cause) const { return core_.cancel(cause); }
  // For a driver that waits by other means (a timer): the wait is over, and the scopes sinks opened for it end.
  [[gnu::always_inline]] void wait_ended() const noexcept { core_.wait_ended(); }
  // The time left until a stop::Timeout's deadline; none when no stop reads the clock (or in testing mode).
  std::optional<nanoseconds> time_left() const { return core_.time_left(); }

 private:
  core core_;
};

}  // namespace grit
