// Driving the schedule by hand, as documented at the top of include/grit/schedule.hpp: the C++ form of stamina's
// retry_context.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using grit::testing::VirtualClock;
using grit_test::FatalError;
using grit_test::Result;
using grit_test::SwitchesReset;
using grit_test::TransientError;

struct Events {
  std::vector<std::uint64_t> retries;
  std::vector<grit::GiveUpDetails> give_ups;
  std::vector<grit::SuccessDetails> successes;
};
struct RecordingSink : grit::sink::Base {
  std::shared_ptr<Events> events = std::make_shared<Events>();
  void retry_scheduled(const grit::RetryDetails& d) const { events->retries.push_back(d.retry_num); }
  void gave_up(const grit::GiveUpDetails& d) const { events->give_ups.push_back(d); }
  void succeeded_after_retries(const grit::SuccessDetails& d) const { events->successes.push_back(d); }
};

using Retry = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::wait::Fixed<100ms>,
                             grit::jitter::None, RecordingSink, VirtualClock>;

// The documented loop: returns f()'s value, or rethrows its last exception.
template <class R, class F>
auto drive(const R& retry, F f, std::uint64_t* attempts = nullptr, nanoseconds* waited = nullptr) {
  auto schedule = retry.schedule();
  for (;;) {
    try {
      auto v = f();
      schedule.on_success();
      if (attempts) *attempts = schedule.attempt();
      if (waited) *waited = schedule.waited();
      return v;
    } catch (...) {
      if (attempts) *attempts = schedule.attempt();
      if (waited) *waited = schedule.waited();
      grit::Decision next = schedule.on_exception();
      if (attempts) *attempts = schedule.attempt();
      if (waited) *waited = schedule.waited();
      if (!next) throw;
      schedule.wait(next);
    }
  }
}

TEST(Schedule, TheDocumentedLoopGivesUpWithTheSameException) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  int calls = 0;
  const TransientError* last = nullptr;
  std::uint64_t attempts = 0;
  nanoseconds waited{};
  try {
    drive(
        retry,
        [&]() -> int {
          ++calls;
          try {
            throw TransientError("attempt " + std::to_string(calls));
          } catch (TransientError& e) {
            last = &e;
            throw;
          }
        },
        &attempts, &waited);
    FAIL() << "no exception";
  } catch (const TransientError& e) {
    EXPECT_EQ(&e, last);
    EXPECT_STREQ(e.what(), "attempt 3");
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(attempts, 3u) << "attempt() is the attempt that failed last";
  EXPECT_EQ(waited, 200ms);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{100ms, 100ms}));
  EXPECT_EQ(sink.events->retries, (std::vector<std::uint64_t>{1, 2}));
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].attempts, 3u);
  EXPECT_EQ(sink.events->give_ups[0].reason, grit::GiveUpReason::attempts);
}

TEST(Schedule, TheDocumentedLoopReturnsAValueAndReportsSuccess) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  int calls = 0;
  std::uint64_t attempts = 0;
  nanoseconds waited{};
  const int v = drive(
      retry,
      [&] {
        if (++calls < 3) throw TransientError("x");
        return calls * 10;
      },
      &attempts, &waited);
  EXPECT_EQ(v, 30);
  EXPECT_EQ(attempts, 3u);
  EXPECT_EQ(waited, 200ms);
  ASSERT_EQ(sink.events->successes.size(), 1u);
  EXPECT_EQ(sink.events->successes[0].attempts, 3u);
  EXPECT_EQ(sink.events->successes[0].waited, 200ms);
  EXPECT_TRUE(sink.events->give_ups.empty());
}

TEST(Schedule, AttemptAndWaitedStepByStep) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  auto s = retry.schedule();
  EXPECT_EQ(s.attempt(), 1u);
  EXPECT_EQ(s.waited(), 0ns);
  const grit::Decision d1 = s.on_failure(grit::Verdict::retry(), grit::Cause{});
  ASSERT_TRUE(d1);
  EXPECT_TRUE(d1.retries());
  EXPECT_EQ(d1.wait(), 100ms);
  EXPECT_EQ(s.attempt(), 2u) << "the next attempt is now running";
  EXPECT_EQ(s.waited(), 100ms) << "the decided wait counts at once";
  EXPECT_TRUE(clock.sleeps().empty()) << "deciding does not sleep";
  s.wait(d1);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{100ms}));
  const grit::Decision d2 = s.on_failure(grit::Verdict::retry_after(42ms), grit::Cause{});
  ASSERT_TRUE(d2);
  EXPECT_EQ(d2.wait(), 42ms);
  EXPECT_EQ(s.waited(), 142ms);
  const grit::Decision d3 = s.on_failure(grit::Verdict::retry(), grit::Cause{});
  EXPECT_FALSE(d3) << "Attempts<3>";
  EXPECT_EQ(s.attempt(), 3u);
  EXPECT_EQ(s.waited(), 142ms);
  s.wait(d3);  // waiting on a give-up does nothing
  EXPECT_EQ(clock.sleeps().size(), 1u);
}

TEST(Schedule, AGiveUpVerdictIsNotAFailureToCount) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  auto s = retry.schedule();
  EXPECT_FALSE(s.on_failure(grit::Verdict::give_up(), grit::Cause{}));
  EXPECT_EQ(s.attempt(), 1u);
  EXPECT_TRUE(sink.events->give_ups.empty()) << "a failure no filter retries is not a give-up event";
  EXPECT_TRUE(sink.events->retries.empty());
}

TEST(Schedule, OnExceptionIgnoresFailuresNoFilterRetries) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  auto s = retry.schedule();
  try {
    throw FatalError("fatal");
  } catch (...) {
    EXPECT_FALSE(s.on_exception());
  }
  try {
    throw 42;  // not even a std::exception
  } catch (...) {
    EXPECT_FALSE(s.on_exception());
  }
  EXPECT_EQ(s.attempt(), 1u);
  EXPECT_TRUE(sink.events->give_ups.empty());
  EXPECT_TRUE(sink.events->retries.empty());
  // A matching one after them is still the first failure.
  try {
    throw TransientError("x");
  } catch (...) {
    const grit::Decision d = s.on_exception();
    EXPECT_TRUE(d);
    EXPECT_EQ(d.wait(), 100ms);
  }
  EXPECT_EQ(sink.events->retries, (std::vector<std::uint64_t>{1}));
}

TEST(Schedule, OnExceptionNeverRetriesCancellation) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<std::exception>, VirtualClock> retry{clock};
  auto s = retry.schedule();
  try {
    throw grit::Cancelled();
  } catch (...) {
    EXPECT_FALSE(s.on_exception());
  }
  try {
    throw std::system_error(std::make_error_code(std::errc::operation_canceled));
  } catch (...) {
    EXPECT_FALSE(s.on_exception());
  }
  try {
    throw std::system_error(std::make_error_code(std::errc::timed_out));
  } catch (...) {
    EXPECT_TRUE(s.on_exception());
  }
}

// A Decision says why the schedule gave up, as the sinks heard it (the async drivers' Report reads it there).
TEST(Schedule, ADecisionCarriesTheReasonTheSinksHeard) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};  // Attempts<3>
  auto s = retry.schedule();
  const auto fail_in = [](auto& schedule) {
    try {
      throw TransientError("x");
    } catch (...) {
      return schedule.on_exception();
    }
  };
  const auto fail = [&] { return fail_in(s); };
  const grit::Decision first = fail();
  EXPECT_TRUE(first);
  EXPECT_FALSE(first.reason().has_value()) << "a retry has no give-up reason";
  EXPECT_TRUE(fail());
  const grit::Decision last = fail();
  EXPECT_FALSE(last);
  ASSERT_TRUE(last.reason().has_value());
  EXPECT_EQ(*last.reason(), grit::GiveUpReason::attempts);
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].reason, *last.reason());

  const grit::Decision cancelled = retry.schedule().cancel(grit::Cause{});
  EXPECT_EQ(cancelled.reason(), grit::GiveUpReason::cancelled);
  try {
    throw FatalError("fatal");
  } catch (...) {
    EXPECT_FALSE(retry.schedule().on_exception().reason().has_value()) << "not retryable: nothing was given up";
  }
  using Timed = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<1s>, grit::wait::Fixed<600ms>,
                               grit::jitter::None, VirtualClock>;
  const Timed timed{clock};
  auto t = timed.schedule();
  const auto fail_timed = [&] { return fail_in(t); };
  const grit::Decision wait = fail_timed();
  ASSERT_TRUE(wait);
  t.wait(wait);
  t.wait(fail_timed());  // clamped to the deadline: 400 ms
  EXPECT_EQ(fail_timed().reason(), grit::GiveUpReason::timeout);
  static_assert(sizeof(grit::Decision) == 2 * sizeof(nanoseconds));
}

struct Never {
  bool operator()(const TransientError&) const { return false; }
};
struct After7s {
  std::chrono::seconds operator()(const TransientError&) const { return 7s; }
};

TEST(Schedule, OnExceptionConsultsFiltersInOrder) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<Never>, grit::RetryIf<After7s>, grit::RetryOn<std::runtime_error>, VirtualClock>
      retry{clock};
  auto s = retry.schedule();
  try {
    throw TransientError("x");
  } catch (...) {
    const grit::Decision d = s.on_exception();
    ASSERT_TRUE(d);
    EXPECT_EQ(d.wait(), 7s) << "Never said no, After7s decided; RetryOn<runtime_error> was not asked";
  }
  try {
    throw std::runtime_error("y");
  } catch (...) {
    const grit::Decision d = s.on_exception();
    ASSERT_TRUE(d);
    EXPECT_GE(d.wait(), 200ms) << "the default jittered backoff after attempt 2";
    EXPECT_LE(d.wait(), 1200ms);
  }
}

TEST(Schedule, OnExceptionRethrowsTheSameObject) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<1>, VirtualClock> retry{clock};
  auto s = retry.schedule();
  const TransientError* thrown = nullptr;
  try {
    try {
      throw TransientError("only");
    } catch (TransientError& e) {
      thrown = &e;
      if (!s.on_exception()) throw;
    }
    FAIL() << "Attempts<1> retried";
  } catch (const TransientError& e) {
    EXPECT_EQ(&e, thrown) << "on_exception's internal rethrows leave the exception being handled intact";
  }
}

TEST(Schedule, OnResultClassifiesReturnedValues) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, grit::wait::Fixed<1s>, grit::jitter::None,
                       RecordingSink, VirtualClock>
      retry{sink, clock};
  auto s = retry.schedule();
  const auto error = Result<int, int>::fail(5);
  const auto value = Result<int, int>::ok(1);
  EXPECT_FALSE(s.on_result(value)) << "a value is not a failure: return it";
  EXPECT_EQ(s.attempt(), 1u);
  const grit::Decision d = s.on_result(error);
  ASSERT_TRUE(d);
  EXPECT_EQ(d.wait(), 1s);
  EXPECT_EQ(s.attempt(), 2u);
  EXPECT_TRUE(s.on_result(error));
  EXPECT_FALSE(s.on_result(error)) << "third failure: give up, return that error";
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].caused_by.message(), "5");
}

TEST(Schedule, TheTimeoutCountsFromTheMakingOfTheSchedule) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<1s>, grit::wait::Fixed<300ms>,
                       grit::jitter::None, RecordingSink, VirtualClock>
      retry{sink, clock};
  clock.advance(10s);  // before the schedule: not counted
  auto s = retry.schedule();
  clock.advance(800ms);
  const grit::Decision d = s.on_failure(grit::Verdict::retry(), grit::Cause{});
  ASSERT_TRUE(d);
  EXPECT_EQ(d.wait(), 200ms) << "clamped to the time left";
  s.wait(d);
  EXPECT_FALSE(s.on_failure(grit::Verdict::retry(), grit::Cause{}));
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].reason, grit::GiveUpReason::timeout);
  EXPECT_EQ(sink.events->give_ups[0].attempts, 2u);
}

TEST(Schedule, SchedulesOfOneRetryingAreIndependent) {
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  auto a = retry.schedule();
  auto b = retry.schedule();
  EXPECT_TRUE(a.on_failure(grit::Verdict::retry(), grit::Cause{}));
  EXPECT_TRUE(a.on_failure(grit::Verdict::retry(), grit::Cause{}));
  EXPECT_FALSE(a.on_failure(grit::Verdict::retry(), grit::Cause{}));
  EXPECT_EQ(b.attempt(), 1u);
  EXPECT_TRUE(b.on_failure(grit::Verdict::retry(), grit::Cause{}));
  EXPECT_EQ(b.attempt(), 2u);
}

TEST(Schedule, SeededJitterReplaysPerSchedule) {
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Never, grit::jitter::Additive<1s>,
                       grit::random::Seeded<42>, grit::sink::None>
      retry;
  std::vector<nanoseconds> first, second;
  auto a = retry.schedule();
  for (int i = 0; i < 8; ++i) first.push_back(a.on_failure(grit::Verdict::retry(), grit::Cause{}).wait());
  auto b = retry.schedule();
  for (int i = 0; i < 8; ++i) second.push_back(b.on_failure(grit::Verdict::retry(), grit::Cause{}).wait());
  EXPECT_EQ(first, second);
  EXPECT_NE(first[0], first[1] - 100ms) << "jittered, not plain doubling";
}

TEST(Schedule, TestingModeAndTheActiveSwitchApply) {
  SwitchesReset reset;
  VirtualClock clock;
  RecordingSink sink;
  const Retry retry{sink, clock};
  {
    grit::testing::Scope testing(true, {.attempts = 2});
    auto s = retry.schedule();
    const grit::Decision d = s.on_failure(grit::Verdict::retry_after(1h), grit::Cause{});
    ASSERT_TRUE(d);
    EXPECT_EQ(d.wait(), 0ns);
    EXPECT_FALSE(s.on_failure(grit::Verdict::retry(), grit::Cause{}));
  }
  grit::set_active(false);
  auto s = retry.schedule();
  EXPECT_FALSE(s.on_failure(grit::Verdict::retry(), grit::Cause{}));
  ASSERT_EQ(sink.events->give_ups.size(), 2u);
  EXPECT_EQ(sink.events->give_ups[1].reason, grit::GiveUpReason::inactive);
}

TEST(Schedule, HooksSeeTheCauseGivenToOnFailure) {
  std::vector<grit_test::SeenRetry> seen;
  grit_test::HooksReset hooks({grit_test::recording_hook(seen)});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::Name<"by_hand">, grit::wait::Fixed<5ms>, grit::jitter::None>
      retry;
  auto s = retry.schedule();
  const TransientError e("the cause");
  EXPECT_TRUE(s.on_failure(grit::Verdict::retry(), grit::Cause::of_exception(e)));
  EXPECT_TRUE(s.on_failure(grit::Verdict::retry(), grit::Cause::of_value(std::make_error_code(std::errc::timed_out))));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].name, "by_hand");
  EXPECT_EQ(seen[0].type_name, "grit_test::TransientError");
  EXPECT_EQ(seen[0].message, "the cause");
  EXPECT_EQ(seen[0].wait_for, 5ms);
  EXPECT_EQ(seen[1].type_name, "generic:" + std::to_string(int(std::errc::timed_out)));  // category and value
  EXPECT_EQ(seen[1].message, std::make_error_code(std::errc::timed_out).message());
  EXPECT_EQ(seen[1].waited_so_far, 5ms);
}

TEST(Decision, GiveUpAndRetryAfter) {
  constexpr grit::Decision none;
  static_assert(!none && !none.retries());
  static_assert(!grit::Decision::give_up());
  constexpr auto d = grit::Decision::retry_after(std::chrono::milliseconds(3));
  static_assert(d.retries() && d.wait() == std::chrono::milliseconds(3));
  EXPECT_TRUE(grit::Decision::retry_after(0ns));
}

template <class T>
concept can_make_schedule = requires {
  std::declval<T>().schedule();
};

TEST(Schedule, OnlyFromAnLvalueRetrying) {
  // A schedule refers to its Retrying: making one from a temporary would dangle.
  static_assert(can_make_schedule<const Retry&>);
  static_assert(!can_make_schedule<Retry>);
  static_assert(!can_make_schedule<const Retry&&>);
  SUCCEED();
}

}  // namespace
