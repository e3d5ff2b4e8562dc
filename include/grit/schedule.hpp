// The schedule: the one place where the retry decision is made. One Schedule lives for one call; every driver
// (the call operator, and later the async ones) asks it "this attempt failed: give up, or retry after how long?"
// and only carries out the answer. Drive it by hand, the C++ form of stamina's retry_context:
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
#pragma once

#include <algorithm>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/plan.hpp"
#include "detail/policies.hpp"
#include "filter.hpp"
#include "sink.hpp"
#include "stop.hpp"
#include "switches.hpp"

namespace grit {

// The schedule's answer: give up, or retry after wait().
class Decision {
 public:
  constexpr Decision() noexcept = default;  // give up
  static constexpr Decision give_up() noexcept { return {}; }
  static constexpr Decision retry_after(nanoseconds wait) noexcept { return Decision(wait); }

  constexpr explicit operator bool() const noexcept { return retry_; }
  constexpr bool retries() const noexcept { return retry_; }
  constexpr nanoseconds wait() const noexcept { return wait_; }

 private:
  constexpr explicit Decision(nanoseconds wait) noexcept : retry_(true), wait_(wait) {}
  bool retry_ = false;
  nanoseconds wait_{};
};

namespace detail {

// The decision itself, made from a plan (detail/plan.hpp): every Retrying type with the same kinds of policies
// shares one copy of it, whatever the numbers in their types. Schedule<Config> makes it from a Retrying.
template <class Plan>
class ScheduleCore {
  using stop_types = typename Plan::stop_types;
  using sink_types = typename Plan::sink_types;
  using jitter_type = typename Plan::jitter_type;
  using clock_type = typename Plan::clock_type;
  static constexpr bool uses_clock = boost::mp11::mp_any_of<stop_types, detail::uses_clock>::value;
  using time_point = std::conditional_t<uses_clock, decltype(std::declval<const clock_type&>().now()), detail::Empty>;

 public:
  using plan_type = Plan;
  using start_point = time_point;
  // The filters that inspect returned values; a driver with none has no result to look at.
  using result_filters = boost::mp11::mp_copy_if<typename Plan::filter_types, detail::is_result_filter>;
  static constexpr bool inspects_results = !boost::mp11::mp_empty<result_filters>::value;

  ScheduleCore(const Plan& plan, NameText name, start_point start)
      : plan_(plan), name_(name.view()), start_(start), jitter_state_(jitter().start()), active_(is_active()) {
    const testing::State testing = testing::state();
    testing_ = testing.enabled;
    testing_limit_ =
        testing.settings.cap ? std::min(testing.settings.attempts, attempt_limit()) : testing.settings.attempts;
  }

  // The attempt now running (before a failure is reported) or just failed, from 1.
  [[gnu::always_inline]] std::uint64_t attempt() const noexcept { return attempt_; }
  // The sum of the waits decided so far.
  [[gnu::always_inline]] nanoseconds waited() const noexcept { return waited_; }

  // The heart of grit: a failure that a filter judged retryable (`verdict`) happened; give up or retry, and after
  // how long. Notifies the sinks. `cause` must refer to the live failure.
  Decision on_failure(Verdict verdict, const Cause& cause) { return decide(verdict, cause); }

  // The same decision, inlined into the caller: for a driver whose failures cost little (returned values), so that
  // a plan known at compile time folds into its loop. Out of line (on_failure) it is shared by every call site.
  [[gnu::always_inline]] Decision decide(Verdict verdict, const Cause& cause) {
    if (!verdict.retries()) return Decision::give_up();
    // The switches as they were when the schedule was made (for the call operator: when the first attempt failed),
    // as stamina reads them once at the start of its loop; the retry loop then keeps them in registers.
    if (!active_) return give_up(GiveUpReason::inactive, cause);

    nanoseconds time_left = nanoseconds::max();
    if (testing_) {
      if (attempt_ >= testing_limit_) return give_up(GiveUpReason::attempts, cause);
    } else {
      const StopContext context{attempt_, elapsed()};
      bool stop = false;
      GiveUpReason reason{};
      ask_stops(stop_indices{}, context, stop, reason, time_left);
      if (stop) [[unlikely]]
        return give_up(reason, cause);
      if (time_left <= nanoseconds::zero()) return give_up(GiveUpReason::timeout, cause);
    }

    nanoseconds wait = testing_ ? nanoseconds::zero() : verdict.has_exact_wait() ? verdict.exact_wait() : backoff();
    if (wait > time_left) wait = time_left;  // no wait ends after a deadline

    if constexpr (any_sink_wants<retry_event>) {
      const RetryDetails details{name_, attempt_, wait, waited_, cause};
      notify<retry_event>(details);
    }
    waited_ = detail::saturating_add(waited_, wait);
    previous_wait_ = wait;
    if (attempt_ != std::numeric_limits<std::uint64_t>::max()) ++attempt_;
    return Decision::retry_after(wait);
  }

  // Inside a catch block: classifies the exception being handled with the filters, then decides.
  Decision on_exception() {
    Decision decision;
    classify_current<levels>(decision);
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
    return classify_result_with(result_filters{}, plan_, result);
  }
  // The first result filter that says "retry" decides. (A fold, not a capturing lambda: the result's address is
  // never taken, so a small result stays in registers.)
  template <class... F, class Policies, class R>
  [[gnu::always_inline]] static Verdict classify_result_with(boost::mp11::mp_list<F...>, const Policies& policies,
                                                             const R& result) {
    Verdict verdict = Verdict::give_up();
    (void)(((verdict = policies.template policy<F>().classify_result(result)).retries() || ...));
    return verdict;
  }

  // The filter of a catch clause.
  template <class Filter>
  [[gnu::always_inline]] const Filter& filter() const noexcept {
    return plan_.template policy<Filter>();
  }

  // Carries out a retry decision with the clock policy.
  [[gnu::always_inline]] void wait(Decision decision) const {
    if (decision) plan_.template get<Plan::clock_index>().sleep_for(decision.wait());
  }

  // Whether any sink reads a failure's Cause; a driver passes an empty Cause otherwise, so that a returned failure
  // never has its address taken (and can stay in registers).
  static constexpr bool reads_causes() { return any_sink_wants<retry_event> || any_sink_wants<give_up_event>; }
  // A failure's Cause, or an empty one when no sink reads it: then a returned failure's address is never taken.
  template <class E>
  [[gnu::always_inline]] static Cause cause_of_exception(const E& e) noexcept {
    if constexpr (reads_causes())
      return Cause::of_exception(e);
    else
      return Cause{};
  }
  template <class R>
  [[gnu::always_inline]] static Cause cause_of_value(const R& result) noexcept {
    if constexpr (reads_causes())
      return Cause::of_value(result);
    else
      return Cause{};
  }

  // The name a schedule needs from its Retrying: none when no sink hears of anything. Handed over unmeasured
  // (NameText): a default name is measured in the schedule, not at the call site.
  template <class Config>
  [[gnu::always_inline]] static NameText name_of(const Config& config) noexcept {
    if constexpr (any_sink_wants<retry_event> || any_sink_wants<give_up_event> || any_sink_wants<success_event>)
      return name_text(config.template policy<typename Config::name_type>());
    else
      return {};
  }

  // Reports success; sinks hear of it if retries were needed.
  void on_success() {
    if constexpr (any_sink_wants<success_event>) {
      if (attempt_ > 1) notify<success_event>(SuccessDetails{name_, attempt_, waited_});
    }
  }

 private:
  using levels = detail::catch_levels<typename Plan::filter_types>;
  using stop_indices = std::make_index_sequence<boost::mp11::mp_size<stop_types>::value>;
  using sink_indices = std::make_index_sequence<boost::mp11::mp_size<sink_types>::value>;

  struct retry_event {};
  struct give_up_event {};
  struct success_event {};

  template <class S, class Event>
  static constexpr bool wants() {
    if constexpr (std::is_same_v<Event, retry_event>)
      return detail::wants_retry_scheduled<S>;
    else if constexpr (std::is_same_v<Event, give_up_event>)
      return detail::wants_gave_up<S>;
    else
      return detail::wants_success<S>;
  }
  template <class Event, class... S>
  static constexpr bool any_wants(boost::mp11::mp_list<S...>) {
    return (wants<S, Event>() || ...);
  }
  template <class Event>
  static constexpr bool any_sink_wants = any_wants<Event>(sink_types{});

  [[gnu::always_inline]] const jitter_type& jitter() const noexcept { return plan_.template get<Plan::jitter_index>(); }

  template <class Event, class Details>
  [[gnu::always_inline]] void notify(const Details& details) const noexcept {
    notify_each<Event>(sink_indices{}, details);
  }
  // A fold over the sinks, not mp_for_each: no lambda, and nothing default-made (a sink may hold run-time state).
  template <class Event, std::size_t... K, class Details>
  void notify_each(std::index_sequence<K...>, const Details& details) const noexcept {
    (notify_one<Event, K>(details), ...);
  }
  template <class Event, std::size_t K, class Details>
  [[gnu::always_inline]] void notify_one(const Details& details) const noexcept {
    using S = boost::mp11::mp_at_c<sink_types, K>;
    if constexpr (wants<S, Event>()) {
      try {
        const S& sink = plan_.template get<Plan::sinks_index + K>();
        if constexpr (std::is_same_v<Event, retry_event>)
          sink.retry_scheduled(details);
        else if constexpr (std::is_same_v<Event, give_up_event>)
          sink.gave_up(details);
        else
          sink.succeeded_after_retries(details);
      } catch (...) {
        // An instrumentation failure never replaces the user's failure or result.
      }
    }
  }

  Decision give_up(GiveUpReason reason, const Cause& cause) const {
    if constexpr (any_sink_wants<give_up_event>)
      notify<give_up_event>(GiveUpDetails{name_, attempt_, waited_, reason, cause});
    return Decision::give_up();
  }

  // Every stop policy is asked, in order: the first that says stop gives the reason; the time left is the least.
  template <std::size_t... I>
  [[gnu::always_inline]] void ask_stops(std::index_sequence<I...>, const StopContext& context, bool& stop,
                                        GiveUpReason& reason, nanoseconds& time_left) const {
    ((!stop && plan_.template get<Plan::stops_index + I>().should_stop(context)
          ? (void)(stop = true, reason = reason_of<I>(context))
          : (void)0,
      time_left = std::min(time_left, plan_.template get<Plan::stops_index + I>().time_left(context))),
     ...);
  }

  // A stop's reason: its own, or, for one that stands for several (detail::AnyStops), the one that applies.
  template <std::size_t I>
  [[gnu::always_inline]] GiveUpReason reason_of(const StopContext& context) const {
    const auto& s = plan_.template get<Plan::stops_index + I>();
    if constexpr (requires { s.reason_for(context); })
      return s.reason_for(context);
    else
      return boost::mp11::mp_at_c<stop_types, I>::reason;
  }
  // Whether a stop reads the time now: one that may (detail::AnyStops) says so at run time.
  template <std::size_t... I>
  [[gnu::always_inline]] bool reads_clock(std::index_sequence<I...>) const {
    return (... || reads_clock_at<I>());
  }
  template <std::size_t I>
  [[gnu::always_inline]] bool reads_clock_at() const {
    const auto& s = plan_.template get<Plan::stops_index + I>();
    if constexpr (requires { s.has_timeout(); })
      return s.has_timeout();
    else
      return boost::mp11::mp_at_c<stop_types, I>::uses_clock;
  }

  template <std::size_t... I>
  [[gnu::always_inline]] std::uint64_t attempt_limit_of(std::index_sequence<I...>) const {
    std::uint64_t limit = stop::no_limit;
    ((limit = std::min(limit, plan_.template get<Plan::stops_index + I>().attempt_limit())), ...);
    return limit;
  }
  [[gnu::always_inline]] std::uint64_t attempt_limit() const { return attempt_limit_of(stop_indices{}); }

  [[gnu::always_inline]] nanoseconds elapsed() const {
    if constexpr (uses_clock) {
      if (!reads_clock(stop_indices{})) return nanoseconds::zero();
      return std::chrono::duration_cast<nanoseconds>(plan_.template get<Plan::clock_index>().now() - start_);
    } else {
      return nanoseconds::zero();
    }
  }

  [[gnu::always_inline]] nanoseconds backoff() {
    const auto& wait_policy = plan_.template get<Plan::wait_index>();
    const nanoseconds cap = wait_policy.max();
    if (cap <= nanoseconds::zero()) return nanoseconds::zero();  // nothing to draw for
    const nanoseconds delay = wait_policy.delay(attempt_);
    const JitterInput input{attempt_, wait_policy.initial(), attempt_ == 1 ? wait_policy.initial() : previous_wait_,
                            cap};
    const nanoseconds jittered = jitter().apply(delay, input, jitter_state_);
    return std::clamp(jittered, nanoseconds::zero(), cap);
  }

  // Tries each filter's catch clause in order by rethrowing the exception being handled.
  template <class Remaining>
  void classify_current(Decision& decision) {
    if constexpr (!boost::mp11::mp_empty<Remaining>::value) {
      using L = boost::mp11::mp_front<Remaining>;
      try {
        throw;
      } catch (const typename L::exception& e) {
        if (detail::is_cancellation_of(e)) return;
        const Verdict verdict = filter<typename L::filter>().classify(e);
        if (verdict.retries()) {
          decision = on_failure(verdict, cause_of_exception(e));
          return;
        }
      } catch (...) {
      }
      classify_current<boost::mp11::mp_pop_front<Remaining>>(decision);
    }
  }

  Plan plan_;
  std::string_view name_;
  std::uint64_t attempt_ = 1;
  nanoseconds waited_{};
  nanoseconds previous_wait_{};
  [[no_unique_address]] time_point start_{};
  [[no_unique_address]] typename jitter_type::state_type jitter_state_;
  bool active_;
  bool testing_ = false;  // testing mode, and then its attempt limit
  std::uint64_t testing_limit_ = 0;
};

}  // namespace detail

// The schedule of one call of a Retrying of type Config: the decision core of its plan, made from its policies.
template <class Config>
class Schedule : public detail::ScheduleCore<detail::plan_t<Config>> {
  using core = detail::ScheduleCore<detail::plan_t<Config>>;
  using clock_type = typename Config::clock_type;
  static constexpr bool uses_clock = boost::mp11::mp_any_of<typename Config::stop_types, detail::uses_clock>::value;

 public:
  // When a call starts: read from the clock only if a stop policy needs it, otherwise nothing at all.
  using start_point = typename core::start_point;
  [[gnu::always_inline]] static start_point start_of_call(const Config& config) noexcept(
      noexcept(config.template policy<clock_type>().now())) {
    if constexpr (uses_clock)
      return config.template policy<clock_type>().now();
    else
      return {};
  }

  explicit Schedule(const Config& config) noexcept(noexcept(config.template policy<clock_type>().now()))
      : Schedule(config, start_of_call(config)) {}
  // For drivers that read the start time before the first attempt and make the schedule only if it fails.
  Schedule(const Config& config, start_point start) : core(detail::make_plan(config), core::name_of(config), start) {}

  using core::classify_result;
  // The verdict of the result filters, before a schedule exists (a driver's first attempt).
  template <class R>
  [[gnu::always_inline]] static Verdict classify_result(const Config& config, const R& result) {
    return core::classify_result_with(typename core::result_filters{}, config, result);
  }
};

}  // namespace grit
