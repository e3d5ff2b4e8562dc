// The concepts are usable: a policy of every category written by a user, checked against its concept, plugged into a
// Retrying and exercised. Time is virtual (testing::VirtualClock, a user-written clock, or no wait at all).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/mp11/list.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <grit/grit.hpp>

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using std::chrono::milliseconds;

struct Flaky : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --- stop: a circuit breaker, and a deadline on the Retrying's clock ---------------------------------------------

// Gives up as soon as a shared "circuit open" flag is set, by anyone. Holds run-time state, so it is passed to the
// Retrying's constructor. Derives from stop::Base for the defaults it does not change (time_left, attempt_limit,
// uses_clock, reason = GiveUpReason::stopped).
class CircuitBreaker : public grit::stop::Base {
 public:
  explicit CircuitBreaker(std::shared_ptr<std::atomic<bool>> open) : open_(std::move(open)) {}
  bool should_stop(const grit::StopContext&) const noexcept { return open_->load(); }

 private:
  std::shared_ptr<std::atomic<bool>> open_;
};
static_assert(grit::StopPolicy<CircuitBreaker>);
static_assert(!std::is_default_constructible_v<CircuitBreaker>);

// A deadline with its own reason and the same compile-time parameter type as grit's own policies: reads the clock.
template <grit::Duration Limit>
struct Deadline : grit::stop::Base {
  static constexpr bool uses_clock = true;
  static constexpr grit::GiveUpReason reason = grit::GiveUpReason::timeout;
  static constexpr bool should_stop(const grit::StopContext& c) noexcept { return c.elapsed >= Limit.value(); }
  static constexpr nanoseconds time_left(const grit::StopContext& c) noexcept { return Limit.value() - c.elapsed; }
};
static_assert(grit::StopPolicy<Deadline<1s>>);
static_assert(std::is_empty_v<Deadline<1s>>);
static_assert(Deadline<1s>::should_stop({2, 1s}) && !Deadline<1s>::should_stop({2, 999ms}));

// --- wait: Fibonacci -----------------------------------------------------------------------------------------------

// Unit * fib(n): 1, 1, 2, 3, 5, 8 ... units, capped at Max. Constexpr like grit's own waits.
template <grit::Duration Unit, grit::Duration Max>
struct Fibonacci {
  using grit_category = grit::category::wait;
  constexpr nanoseconds delay(std::uint64_t n) const noexcept {
    std::int64_t a = 1, b = 1;
    for (std::uint64_t k = 1; k < n; ++k) {
      if (a > Max.ns / Unit.ns) return max();  // saturates: no overflow at any n
      const std::int64_t next = a + b;
      a = b;
      b = next;
    }
    return a <= Max.ns / Unit.ns ? nanoseconds(a * Unit.ns) : max();
  }
  constexpr nanoseconds initial() const noexcept { return Unit.value(); }
  constexpr nanoseconds max() const noexcept { return Max.value(); }
};
using Fib = Fibonacci<10ms, 100ms>;
static_assert(grit::WaitPolicy<Fib>);
static_assert(Fib{}.delay(1) == 10ms && Fib{}.delay(2) == 10ms && Fib{}.delay(3) == 20ms && Fib{}.delay(4) == 30ms);
static_assert(Fib{}.delay(5) == 50ms && Fib{}.delay(6) == 80ms && Fib{}.delay(7) == 100ms);
static_assert(Fib{}.delay(1'000'000'000) == 100ms);

// --- jitter and random: a user jitter with a user random policy, and a shipped jitter with a user random policy -----

// U[delay/2, delay], drawing through grit::random::Bits (the type-erased draw a non-generic jitter is given).
struct HalfJitter {
  using grit_category = grit::category::jitter;
  nanoseconds apply(nanoseconds delay, const grit::JitterInput&, grit::random::Bits& bits) const {
    const auto half = static_cast<std::uint64_t>(delay.count() / 2);
    return nanoseconds(
        static_cast<std::int64_t>(half + bits() % (static_cast<std::uint64_t>(delay.count()) - half + 1)));
  }
};
static_assert(grit::JitterPolicy<HalfJitter>);

// 64 random bits from a std::minstd_rand seeded at the start of each call: reproducible per call.
struct MinstdRandom {
  using grit_category = grit::category::random;
  using state_type = std::minstd_rand;
  std::uint_fast32_t seed = 2024;
  state_type start() const { return state_type(seed); }
  std::uint64_t next(state_type& engine) const { return (std::uint64_t{engine()} << 32) ^ engine(); }
};
static_assert(grit::RandomPolicy<MinstdRandom>);

// A random policy whose first draw is the lowest and every later one the highest.
struct LowThenHigh {
  using grit_category = grit::category::random;
  struct state_type {
    std::uint64_t draws = 0;
  };
  static constexpr state_type start() noexcept { return {}; }
  static std::uint64_t next(state_type& s) noexcept { return s.draws++ == 0 ? 0 : ~std::uint64_t{0}; }
};
static_assert(grit::RandomPolicy<LowThenHigh>);

// --- sink: counts events ---------------------------------------------------------------------------------------------

struct Events {
  std::vector<std::uint64_t> retry_nums;
  std::vector<nanoseconds> waits;
  std::vector<nanoseconds> waited_before;
  std::vector<std::string> causes;
  std::string name;
  int give_ups = 0;
  int successes = 0;
  std::uint64_t final_attempts = 0;
  nanoseconds final_waited{};
  grit::GiveUpReason reason{};
};

// Overrides all three events; sink::Base supplies the category.
class CountingSink : public grit::sink::Base {
 public:
  explicit CountingSink(std::shared_ptr<Events> events) : events_(std::move(events)) {}

  void retry_scheduled(const grit::RetryDetails& d) const {
    events_->name = d.name;
    events_->retry_nums.push_back(d.retry_num);
    events_->waits.push_back(d.wait_for);
    events_->waited_before.push_back(d.waited_so_far);
    events_->causes.push_back(d.caused_by.type_name() + ": " + d.caused_by.message());
  }
  void gave_up(const grit::GiveUpDetails& d) const {
    ++events_->give_ups;
    events_->final_attempts = d.attempts;
    events_->final_waited = d.waited;
    events_->reason = d.reason;
  }
  void succeeded_after_retries(const grit::SuccessDetails& d) const {
    ++events_->successes;
    events_->final_attempts = d.attempts;
    events_->final_waited = d.waited;
  }

 private:
  std::shared_ptr<Events> events_;
};
static_assert(grit::SinkPolicy<CountingSink>);

// --- clock: its own time_point type --------------------------------------------------------------------------------

// Microsecond ticks that move only when something sleeps: a monotonic clock a test drives. Copies share the ticks.
struct TickClock {
  using grit_category = grit::category::clock;
  static constexpr bool is_steady = true;
  using time_point = std::chrono::time_point<std::chrono::steady_clock, std::chrono::microseconds>;
  struct Ticks {
    std::chrono::microseconds now{};
    std::vector<nanoseconds> sleeps;
  };
  std::shared_ptr<Ticks> ticks = std::make_shared<Ticks>();

  time_point now() const { return time_point(ticks->now); }
  void sleep_for(nanoseconds d) const {
    ticks->now += std::chrono::duration_cast<std::chrono::microseconds>(d);
    ticks->sleeps.push_back(d);
  }
};
static_assert(grit::ClockPolicy<TickClock>);

// --- filters: an exception filter class, and a result filter class --------------------------------------------------

struct RateLimited : std::runtime_error {
  explicit RateLimited(milliseconds after) : std::runtime_error("rate limited"), retry_after(after) {}
  milliseconds retry_after;
};

// Every std::system_error is transient except "permission denied"; a RateLimited error is retried after exactly the
// time it asks for (stamina's backoff hook).
struct TransientSystemErrors {
  using grit_category = grit::category::filter;
  using exception_types = boost::mp11::mp_list<std::system_error, RateLimited>;

  grit::Verdict classify(const std::system_error& e) const noexcept {
    return e.code() == std::errc::permission_denied ? grit::Verdict::give_up() : grit::Verdict::retry();
  }
  grit::Verdict classify(const RateLimited& e) const noexcept { return grit::Verdict::retry_after(e.retry_after); }
};
static_assert(grit::FilterPolicy<TransientSystemErrors> && grit::ExceptionFilter<TransientSystemErrors>);

// Retries while a poll comes back empty: any returned value with empty().
struct RetryWhileEmpty {
  using grit_category = grit::category::filter;
  static constexpr bool is_result_filter = true;
  template <class R>
  static constexpr bool accepts = requires(const R& r) {
    r.empty();
  };
  template <class R>
  grit::Verdict classify_result(const R& r) const {
    return r.empty() ? grit::Verdict::retry() : grit::Verdict::give_up();
  }
};
static_assert(grit::FilterPolicy<RetryWhileEmpty> && grit::ResultFilter<RetryWhileEmpty>);

// --- tests -----------------------------------------------------------------------------------------------------------

TEST(ConceptUserPolicies, StopCircuitBreaker) {
  auto open = std::make_shared<std::atomic<bool>>(false);
  auto events = std::make_shared<Events>();
  using Retry =
      grit::Retrying<grit::RetryOn<Flaky>, CircuitBreaker, grit::wait::None, CountingSink, grit::Name<"breaker">>;
  const Retry retry{CountingSink{events}, CircuitBreaker{open}};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 if (++calls == 3) open->store(true);  // someone opens the circuit during the third attempt
                 throw Flaky("down");
               }),
               Flaky);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(events->retry_nums, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(events->give_ups, 1);
  EXPECT_EQ(events->final_attempts, 3u);
  EXPECT_EQ(events->reason, grit::GiveUpReason::stopped);
  EXPECT_EQ(events->name, "breaker");

  // Open from the start: one attempt, no retry.
  calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw Flaky("down");
               }),
               Flaky);
  EXPECT_EQ(calls, 1);
}

TEST(ConceptUserPolicies, StopDeadlineReadsTheClock) {
  grit::testing::VirtualClock clock;
  auto events = std::make_shared<Events>();
  using Retry = grit::Retrying<grit::RetryOn<Flaky>, Deadline<100ms>, grit::wait::Fixed<40ms>, grit::jitter::None,
                               CountingSink, grit::testing::VirtualClock>;
  const Retry retry{clock, CountingSink{events}};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 clock.advance(5ms);  // each attempt takes 5 ms
                 throw Flaky("slow");
               }),
               Flaky);
  // t=5 fail, wait 40; t=50 fail, wait 40; t=95 fail, wait clamped to the 5 ms left; t=105 fail: past the deadline.
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{40ms, 40ms, 5ms}));
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(events->reason, grit::GiveUpReason::timeout);
}

TEST(ConceptUserPolicies, WaitFibonacci) {
  grit::testing::VirtualClock clock;
  using Retry = grit::Retrying<grit::RetryOn<Flaky>, grit::stop::Attempts<9>, Fib, grit::jitter::None, grit::sink::None,
                               grit::testing::VirtualClock>;
  const Retry retry{clock};
  EXPECT_THROW(retry([] { throw Flaky("down"); }), Flaky);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{10ms, 10ms, 20ms, 30ms, 50ms, 80ms, 100ms, 100ms}));
}

TEST(ConceptUserPolicies, UserJitterWithAUserRandomPolicy) {
  grit::testing::VirtualClock clock;
  using Retry = grit::Retrying<grit::RetryOn<Flaky>, grit::stop::Attempts<6>, grit::wait::Fixed<100ms>, HalfJitter,
                               MinstdRandom, grit::sink::None, grit::testing::VirtualClock>;
  const Retry retry{clock};
  EXPECT_THROW(retry([] { throw Flaky("down"); }), Flaky);
  const auto first = clock.sleeps();
  ASSERT_EQ(first.size(), 5u);
  bool any_below_delay = false;
  for (nanoseconds wait : first) {
    EXPECT_GE(wait, 50ms);
    EXPECT_LE(wait, 100ms);
    any_below_delay = any_below_delay || wait < 100ms;
  }
  EXPECT_TRUE(any_below_delay);

  // Seeded at the start of every call: the next call draws the same waits.
  EXPECT_THROW(retry([] { throw Flaky("down"); }), Flaky);
  const auto both = clock.sleeps();
  EXPECT_EQ(std::vector<nanoseconds>(both.begin() + 5, both.end()), first);

  // Another seed, other waits.
  grit::testing::VirtualClock other_clock;
  const Retry reseeded{other_clock, MinstdRandom{7}};
  EXPECT_THROW(reseeded([] { throw Flaky("down"); }), Flaky);
  EXPECT_NE(other_clock.sleeps(), first);
}

TEST(ConceptUserPolicies, ShippedJitterWithAUserRandomPolicy) {
  grit::testing::VirtualClock clock;
  using Retry = grit::Retrying<grit::RetryOn<Flaky>, grit::stop::Attempts<4>, grit::wait::Fixed<100ms>,
                               grit::jitter::Full, LowThenHigh, grit::sink::None, grit::testing::VirtualClock>;
  const Retry retry{clock};
  EXPECT_THROW(retry([] { throw Flaky("down"); }), Flaky);
  // Full jitter is U[0, delay]: the lowest draw gives 0, the highest the whole delay.
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{0ms, 100ms, 100ms}));
}

// An exception's message is read through its std::exception base, wherever that base sits in the object; a failure
// that is not a std::exception has a type but no message.
struct Tagged {
  virtual ~Tagged() = default;
  int tag = 7;
};
struct TaggedFailure : Tagged, std::runtime_error {
  TaggedFailure() : std::runtime_error("tagged failure") {}
};
struct PlainFailure {};
TEST(ConceptUserPolicies, SinkReadsTheMessageThroughTheStdExceptionBase) {
  auto events = std::make_shared<Events>();
  using Retry = grit::Retrying<grit::RetryOn<TaggedFailure, PlainFailure>, grit::stop::Attempts<3>, grit::wait::None,
                               CountingSink>;
  const Retry retry{CountingSink{events}};
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls == 1) throw TaggedFailure();
              if (calls == 2) throw PlainFailure{};
              return 1;
            }),
            1);
  ASSERT_EQ(events->causes.size(), 2u);
  EXPECT_TRUE(events->causes[0].ends_with("TaggedFailure: tagged failure")) << events->causes[0];
  EXPECT_TRUE(events->causes[1].ends_with("PlainFailure: ")) << events->causes[1];
}

TEST(ConceptUserPolicies, SinkCountsEvents) {
  grit::testing::VirtualClock clock;
  auto events = std::make_shared<Events>();
  using Retry = grit::Retrying<grit::RetryOn<Flaky>, grit::stop::Attempts<5>, grit::wait::Linear<10ms, 10ms, 1s>,
                               grit::jitter::None, CountingSink, grit::testing::VirtualClock, grit::Name<"count">>;
  const Retry retry{CountingSink{events}, clock};

  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 3) throw Flaky("attempt " + std::to_string(calls));
              return 42;
            }),
            42);
  EXPECT_EQ(events->retry_nums, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(events->waits, (std::vector<nanoseconds>{10ms, 20ms}));
  EXPECT_EQ(events->waited_before, (std::vector<nanoseconds>{0ms, 10ms}));
  ASSERT_EQ(events->causes.size(), 2u);
  EXPECT_NE(events->causes[0].find("Flaky"), std::string::npos) << events->causes[0];
  EXPECT_NE(events->causes[1].find("attempt 2"), std::string::npos) << events->causes[1];
  EXPECT_EQ(events->name, "count");
  EXPECT_EQ(events->successes, 1);
  EXPECT_EQ(events->give_ups, 0);
  EXPECT_EQ(events->final_attempts, 3u);
  EXPECT_EQ(events->final_waited, 30ms);

  // A first-attempt success is no event at all.
  *events = Events{};
  EXPECT_EQ(retry([] { return 1; }), 1);
  EXPECT_EQ(events->successes, 0);
  EXPECT_TRUE(events->retry_nums.empty());

  // Giving up on attempts.
  EXPECT_THROW(retry([] { throw Flaky("always"); }), Flaky);
  EXPECT_EQ(events->retry_nums.size(), 4u);
  EXPECT_EQ(events->give_ups, 1);
  EXPECT_EQ(events->final_attempts, 5u);
  EXPECT_EQ(events->reason, grit::GiveUpReason::attempts);
}

TEST(ConceptUserPolicies, ClockWithItsOwnTimePoint) {
  TickClock clock;
  using Retry = grit::Retrying<grit::RetryOn<Flaky>, grit::stop::Timeout<100ms>, grit::wait::Fixed<30ms>,
                               grit::jitter::None, grit::sink::None, TickClock>;
  const Retry retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw Flaky("down");
               }),
               Flaky);
  // The timeout is measured on this clock: three full waits, a fourth clamped to the 10 ms left, then the deadline.
  EXPECT_EQ(clock.ticks->sleeps, (std::vector<nanoseconds>{30ms, 30ms, 30ms, 10ms}));
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(clock.ticks->now, 100ms);
}

TEST(ConceptUserPolicies, ExceptionFilterClass) {
  grit::testing::VirtualClock clock;
  using Retry = grit::Retrying<TransientSystemErrors, grit::stop::Attempts<5>, grit::wait::Fixed<10ms>,
                               grit::jitter::None, grit::sink::None, grit::testing::VirtualClock>;
  const Retry retry{clock};

  int calls = 0;
  EXPECT_EQ(retry([&] {
              switch (++calls) {
                case 1:
                  throw std::system_error(std::make_error_code(std::errc::timed_out));
                case 2:
                  throw RateLimited(250ms);
                default:
                  return calls;
              }
            }),
            3);
  // The backoff after the timed-out error, then exactly what the rate limit asked for.
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{10ms, 250ms}));

  // Not transient: reaches the caller at once, unchanged.
  calls = 0;
  try {
    retry([&] {
      ++calls;
      throw std::system_error(std::make_error_code(std::errc::permission_denied));
    });
    ADD_FAILURE() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied);
  }
  EXPECT_EQ(calls, 1);

  // Cancellation is never retried, whatever the filter says.
  calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw std::system_error(std::make_error_code(std::errc::operation_canceled));
               }),
               std::system_error);
  EXPECT_EQ(calls, 1);
}

TEST(ConceptUserPolicies, ResultFilterClass) {
  using Retry = grit::Retrying<RetryWhileEmpty, grit::stop::Attempts<5>, grit::wait::None, grit::sink::None>;
  const Retry retry;
  int polls = 0;
  EXPECT_EQ(retry([&] { return ++polls < 3 ? std::string() : std::string("ready"); }), "ready");
  EXPECT_EQ(polls, 3);

  // Still empty after the last attempt: that same value.
  polls = 0;
  EXPECT_EQ(retry([&] {
              ++polls;
              return std::string();
            }),
            "");
  EXPECT_EQ(polls, 5);
}

TEST(ConceptUserPolicies, AllTogether) {
  auto open = std::make_shared<std::atomic<bool>>(false);
  auto events = std::make_shared<Events>();
  TickClock clock;
  using Retry = grit::Retrying<grit::Name<"everything">, TickClock, CountingSink, HalfJitter, Fib, CircuitBreaker,
                               Deadline<1s>, TransientSystemErrors>;
  static_assert(std::is_same_v<Retry::stop_types, boost::mp11::mp_list<CircuitBreaker, Deadline<1s>>>);
  static_assert(std::is_same_v<Retry::sink_types, boost::mp11::mp_list<CountingSink>>);
  const Retry retry{CircuitBreaker{open}, CountingSink{events}, clock};

  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 4) throw std::system_error(std::make_error_code(std::errc::connection_reset));
              return calls;
            }),
            4);
  ASSERT_EQ(clock.ticks->sleeps.size(), 3u);
  // Fibonacci 10, 10, 20 ms, each halved at most by the jitter.
  const nanoseconds fib[] = {10ms, 10ms, 20ms};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_GE(clock.ticks->sleeps[i], fib[i] / 2);
    EXPECT_LE(clock.ticks->sleeps[i], fib[i]);
  }
  EXPECT_EQ(events->retry_nums, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(events->successes, 1);
  EXPECT_EQ(events->name, "everything");

  open->store(true);
  calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw RateLimited(1ms);
               }),
               RateLimited);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(events->reason, grit::GiveUpReason::stopped);
}

}  // namespace
