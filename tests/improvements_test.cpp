// Where grit deliberately differs from stamina (architecture.md, "Semantics"): waits clamped to a Timeout's
// deadline, jitter before the cap, saturating arithmetic, instrumentation that never replaces the user's failure,
// and cancellation that is never retried.
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "test_support.hpp"

namespace grit_test_cancel {

// A user exception that knows whether it is a cancellation, told to grit by an ADL function.
struct RpcError : std::runtime_error {
  bool cancelled;
  RpcError(const char* what, bool c) : std::runtime_error(what), cancelled(c) {}
};
bool grit_is_cancellation(const RpcError& e) { return e.cancelled; }

// A user error value, same idea.
struct RpcStatus {
  int code;  // 1 = CANCELLED, as in gRPC
};
bool grit_is_cancellation(const RpcStatus& s) { return s.code == 1; }

}  // namespace grit_test_cancel

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using grit::testing::VirtualClock;
using grit_test::calls_until_thrown;
using grit_test::HooksReset;
using grit_test::Result;
using grit_test::SwitchesReset;
using grit_test::TransientError;

constexpr nanoseconds ns_max = nanoseconds::max();

// Records the give-up events of a call.
struct GiveUpLog {
  std::vector<grit::GiveUpDetails> events;
};
struct GiveUpSink : grit::sink::Base {
  std::shared_ptr<GiveUpLog> log = std::make_shared<GiveUpLog>();
  void gave_up(const grit::GiveUpDetails& d) const { log->events.push_back(d); }
};

// --- no wait ends after a Timeout's deadline --------------------------------------------------------------------

TEST(ImprovementTimeout, TheLastWaitIsClampedToTheTimeLeft) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<1s>, grit::wait::Fixed<700ms>,
                       grit::jitter::None, VirtualClock>
      retry{clock};
  std::vector<nanoseconds> starts;
  EXPECT_THROW(retry([&] {
                 starts.push_back(clock.now());
                 clock.advance(100ms);  // each attempt takes 100 ms
                 throw TransientError("x");
               }),
               TransientError);
  // 0: attempt, 100: wait 700, 800: attempt, 900: 100 ms left, wait clamped to 100, 1000: attempt, 1100: over.
  // stamina would wait 700 ms again at 900 ms and run a third attempt at 1600 ms.
  EXPECT_EQ(starts, (std::vector<nanoseconds>{0ms, 800ms, 1000ms}));
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{700ms, 100ms}));
  EXPECT_EQ(clock.now(), 1100ms) << "at most the timeout plus one attempt";
}

TEST(ImprovementTimeout, AnExactWaitFromAPredicateIsClampedToo) {
  struct RetryAfterAnHour {
    std::chrono::hours operator()(const TransientError&) const { return std::chrono::hours(1); }
  };
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryAfterAnHour>, grit::stop::Timeout<10s>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("429"); }), 2);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{10s}));
}

TEST(ImprovementTimeout, NoRetryOnceTheDeadlineHasPassed) {
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<1s>, grit::stop::Attempts<100>,
                       grit::wait::Fixed<10ms>, VirtualClock>
      retry{clock};
  for (nanoseconds attempt_time : {nanoseconds(1s), nanoseconds(2s)}) {
    int calls = 0;
    const nanoseconds start = clock.now();
    EXPECT_THROW(retry([&] {
                   ++calls;
                   clock.advance(attempt_time);
                   throw TransientError("slow");
                 }),
                 TransientError);
    EXPECT_EQ(calls, 1) << "an attempt of " << attempt_time.count() << "ns";
    EXPECT_EQ(clock.now() - start, attempt_time);
  }
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(hook_calls, 0);
}

TEST(ImprovementTimeout, TotalTimeIsAtMostTheTimeoutPlusOneAttempt) {
  // Random attempt durations, stamina's jittered exponential waits: no wait may end after the deadline, and the
  // call ends within one attempt of it.
  std::mt19937_64 rng(1234);
  std::uniform_int_distribution<std::int64_t> attempt_ms(0, 2000);
  using Retry = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<5s>, VirtualClock>;
  for (int run = 0; run < 300; ++run) {
    VirtualClock clock;
    const Retry retry{clock};
    std::vector<nanoseconds> starts;
    nanoseconds longest{};
    EXPECT_THROW(retry([&] {
                   starts.push_back(clock.now());
                   const nanoseconds d = std::chrono::milliseconds(attempt_ms(rng));
                   longest = std::max(longest, d);
                   clock.advance(d);
                   throw TransientError("x");
                 }),
                 TransientError);
    for (nanoseconds s : starts) ASSERT_LE(s, 5s) << "an attempt started after the deadline (run " << run << ")";
    ASSERT_LE(clock.now(), 5s + longest) << "run " << run;
    ASSERT_GE(clock.now(), 5s) << "gave up before the budget was spent (run " << run << ")";
  }
}

// A stop policy that only reports the time left and never says stop: the schedule still gives up at the deadline.
struct LenientDeadline : grit::stop::Base {
  static constexpr bool uses_clock = true;
  static constexpr nanoseconds time_left(const grit::StopContext& c) noexcept { return 2s - c.elapsed; }
};

TEST(ImprovementTimeout, NoRetryWhenAStopPolicyReportsNoTimeLeft) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, LenientDeadline, grit::wait::Fixed<500ms>, grit::jitter::None,
                       GiveUpSink, VirtualClock>
      retry{clock};
  const GiveUpSink& sink = retry.policy<GiveUpSink>();
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 clock.advance(300ms);
                 throw TransientError("x");
               }),
               TransientError);
  // 0-300, wait 500, 800-1100, wait 500, 1600-1900, wait 100 (clamped), 2000-2300: nothing left.
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{500ms, 500ms, 100ms}));
  ASSERT_EQ(sink.log->events.size(), 1u);
  EXPECT_EQ(sink.log->events[0].reason, grit::GiveUpReason::timeout);
  EXPECT_EQ(sink.log->events[0].attempts, 4u);
}

// --- jitter before the cap: no wait exceeds Max -----------------------------------------------------------------

// reaches_cap: whether the capped value itself must show up (jitter above the cap), or only values near it.
template <class Jitter>
void expect_no_wait_above_max(bool reaches_cap) {
  std::vector<nanoseconds> all;
  for (int run = 0; run < 200; ++run) {
    VirtualClock clock;
    const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<12>, grit::wait::Exponential<100ms, 1s>,
                         Jitter, VirtualClock>
        retry{clock};
    EXPECT_THROW(retry([] { throw TransientError("x"); }), TransientError);
    const auto sleeps = clock.sleeps();
    ASSERT_EQ(sleeps.size(), 11u);
    all.insert(all.end(), sleeps.begin(), sleeps.end());
  }
  for (nanoseconds w : all) ASSERT_LE(w, 1s);
  if (reaches_cap) {
    EXPECT_GT(std::count(all.begin(), all.end(), nanoseconds(1s)), 0) << "the cap is reached";
  }
  EXPECT_GT(std::count_if(all.begin(), all.end(), [](nanoseconds w) { return w > 900ms; }), 0);
  EXPECT_GT(std::count_if(all.begin(), all.end(), [](nanoseconds w) { return w < 1s; }), 0);
}

TEST(ImprovementJitterBeforeCap, AdditiveJitterLargerThanMaxNeverExceedsMax) {
  expect_no_wait_above_max<grit::jitter::Additive<10s>>(true);
}

TEST(ImprovementJitterBeforeCap, DecorrelatedJitterNeverExceedsMax) {
  expect_no_wait_above_max<grit::jitter::Decorrelated>(true);
}

TEST(ImprovementJitterBeforeCap, FullAndEqualJitterNeverExceedMax) {
  expect_no_wait_above_max<grit::jitter::Full>(false);
  expect_no_wait_above_max<grit::jitter::Equal>(false);
}

TEST(ImprovementJitterBeforeCap, FirstWaitKeepsItsJitterBelowTheCap) {
  // Exponential<100ms, 1s> + Additive<10s>: the first wait is 100 ms + U[0, 10 s], capped: below 1 s about 9% of
  // the time, exactly 1 s otherwise. Once the delay reaches the cap, the wait is exactly the cap.
  int below = 0, exactly = 0;
  for (int run = 0; run < 500; ++run) {
    VirtualClock clock;
    const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<6>, grit::wait::Exponential<100ms, 1s>,
                         grit::jitter::Additive<10s>, VirtualClock>
        retry{clock};
    EXPECT_THROW(retry([] { throw TransientError("x"); }), TransientError);
    const auto sleeps = clock.sleeps();
    ASSERT_EQ(sleeps.size(), 5u);
    ASSERT_GE(sleeps[0], 100ms);
    ASSERT_LE(sleeps[0], 1s);
    (sleeps[0] < 1s ? below : exactly)++;
    EXPECT_EQ(sleeps[4], 1s) << "delay 1.6 s is over the cap";
  }
  EXPECT_GT(below, 10);
  EXPECT_GT(exactly, 350);
}

// --- saturating arithmetic --------------------------------------------------------------------------------------

TEST(ImprovementSaturation, WaitPoliciesAtTheTopOfTheAttemptRange) {
  for (std::uint64_t n : {static_cast<std::uint64_t>(INT_MAX), static_cast<std::uint64_t>(INT_MAX) + 1,
                          std::numeric_limits<std::uint64_t>::max()}) {
    EXPECT_EQ((grit::wait::Exponential<100ms, 5s, 2>{}.delay(n)), 5s);
    EXPECT_EQ((grit::wait::Exponential<100ms, 5s, 1.5>{}.delay(n)), 5s);
    EXPECT_EQ((grit::wait::Exponential<1ns, ns_max, 3>{}.delay(n)), ns_max);
    EXPECT_EQ((grit::wait::Exponential<1ns, ns_max, 1.01>{}.delay(n)), ns_max);
    EXPECT_EQ((grit::wait::Linear<100ms, 1s, 1h>{}.delay(n)), 1h);
    EXPECT_EQ((grit::wait::Linear<1ns, 1h, ns_max>{}.delay(n)), ns_max);
  }
}

TEST(ImprovementSaturation, ScheduleDrivenByHandKeepsCountingSanely) {
  // stop::Never: nothing stops it; 100 000 failures, every wait is exactly the capped exponential.
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Never, grit::jitter::None, grit::sink::None> retry;
  auto s = retry.schedule();
  nanoseconds total{};
  for (std::uint64_t n = 1; n <= 100'000; ++n) {
    ASSERT_EQ(s.attempt(), n);
    const grit::Decision d = s.on_failure(grit::Verdict::retry(), grit::Cause{});
    ASSERT_TRUE(d);
    ASSERT_EQ(d.wait(), grit::wait::Exponential<>{}.delay(n)) << n;
    total += d.wait();
  }
  EXPECT_EQ(s.attempt(), 100'001u);
  EXPECT_EQ(s.waited(), total);
}

TEST(ImprovementSaturation, WaitedSoFarSaturatesInsteadOfWrapping) {
  std::vector<grit_test::SeenRetry> seen;
  HooksReset hooks({grit_test::recording_hook(seen)});
  // A wait of 3 million hours is already more than int64 nanoseconds hold.
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Never,
                       grit::wait::Fixed<std::chrono::hours(3'000'000)>, grit::jitter::Additive<1s>>
      retry;
  auto s = retry.schedule();
  for (int i = 0; i < 3; ++i) {
    const grit::Decision d = s.on_failure(grit::Verdict::retry(), grit::Cause{});
    ASSERT_TRUE(d);
    EXPECT_EQ(d.wait(), ns_max);
    EXPECT_EQ(s.waited(), ns_max);
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].waited_so_far, 0ns);
  EXPECT_EQ(seen[1].waited_so_far, ns_max);
  EXPECT_EQ(seen[2].waited_so_far, ns_max);
  // The virtual clock saturates too.
  VirtualClock clock;
  clock.sleep_for(ns_max);
  clock.sleep_for(ns_max);
  EXPECT_EQ(clock.now(), ns_max);
  EXPECT_EQ(clock.slept(), ns_max);
}

// A stop policy with the largest possible limit, and a testing-mode cap over it.
struct HugeLimit : grit::stop::Base {
  static constexpr grit::GiveUpReason reason = grit::GiveUpReason::attempts;
  static constexpr std::uint64_t attempt_limit() noexcept { return std::numeric_limits<std::uint64_t>::max(); }
  static constexpr bool should_stop(const grit::StopContext& c) noexcept {
    return c.attempt >= std::numeric_limits<std::uint64_t>::max();
  }
};

TEST(ImprovementSaturation, LimitsAtTheTopOfTheRange) {
  SwitchesReset reset;
  const grit::Retrying<grit::RetryOn<TransientError>, HugeLimit, grit::stop::Attempts<INT_MAX>, grit::wait::None> retry;
  {
    // cap: min(testing attempts, configured) where configured is INT_MAX.
    grit::testing::Scope testing(true, {.attempts = 5, .cap = true});
    EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("x"); }), 5);
  }
  {
    // Testing attempts too large for the packed state saturate rather than corrupting the other flags.
    grit::testing::Scope testing(true, {.attempts = std::numeric_limits<std::uint64_t>::max(), .cap = true});
    const auto state = grit::testing::state();
    EXPECT_TRUE(state.enabled);
    EXPECT_TRUE(state.settings.cap);
    EXPECT_GE(state.settings.attempts, std::uint64_t{1} << 61);
    int calls = 0;
    EXPECT_THROW(retry([&] {
                   if (++calls == 50) throw grit_test::FatalError("enough");
                   throw TransientError("x");
                 }),
                 grit_test::FatalError)
        << "the cap takes the configured INT_MAX: still retrying at attempt 50";
  }
  // Without testing mode: Attempts<INT_MAX> and the custom policy combine; a few retries are fine.
  auto s = retry.schedule();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.on_failure(grit::Verdict::retry(), grit::Cause{}));
}

// --- instrumentation never replaces the user's failure ----------------------------------------------------------

TEST(ImprovementInstrumentation, AThrowingHookNeitherReplacesTheFailureNorStopsOtherHooks) {
  int second = 0;
  HooksReset hooks({[](const grit::RetryDetails&) { throw std::logic_error("hook failed"); },
                    [&](const grit::RetryDetails&) { ++second; }, [](const grit::RetryDetails&) { throw 42; }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  try {
    retry([&] {
      ++calls;
      throw TransientError("attempt " + std::to_string(calls));
    });
    FAIL() << "no exception";
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "attempt 3");
  } catch (...) {
    FAIL() << "the hook's exception replaced the user's";
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(second, 2);

  // And a successful retried call still returns its value.
  calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 3) throw TransientError("x");
              return 9;
            }),
            9);
  EXPECT_EQ(second, 4);
}

TEST(ImprovementInstrumentation, AThrowingHookDoesNotReplaceAReturnedError) {
  HooksReset hooks({[](const grit::RetryDetails&) { throw std::logic_error("hook failed"); }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&] { return Result<int, int>::fail(++calls); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), 3);
}

struct SinkCounts {
  int retries = 0, give_ups = 0, successes = 0;
};
struct ThrowingSink : grit::sink::Base {
  std::shared_ptr<SinkCounts> counts = std::make_shared<SinkCounts>();
  void retry_scheduled(const grit::RetryDetails&) const {
    ++counts->retries;
    throw std::logic_error("sink: retry_scheduled");
  }
  void gave_up(const grit::GiveUpDetails&) const {
    ++counts->give_ups;
    throw std::logic_error("sink: gave_up");
  }
  void succeeded_after_retries(const grit::SuccessDetails&) const {
    ++counts->successes;
    throw std::logic_error("sink: succeeded_after_retries");
  }
};

TEST(ImprovementInstrumentation, AThrowingSinkNeitherReplacesTheFailureNorStopsOtherSinks) {
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  VirtualClock clock;
  ThrowingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, ThrowingSink, grit::sink::Hooks,
                       VirtualClock>
      retry{sink, clock};
  int calls = 0;
  try {
    retry([&] {
      ++calls;
      throw TransientError("attempt " + std::to_string(calls));
    });
    FAIL() << "no exception";
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "attempt 3");
  } catch (...) {
    FAIL() << "the sink's exception replaced the user's";
  }
  EXPECT_EQ(sink.counts->retries, 2);
  EXPECT_EQ(sink.counts->give_ups, 1);
  EXPECT_EQ(hook_calls, 2) << "sink::Hooks, after the throwing sink, still ran";

  calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 2) throw TransientError("x");
              return std::string("ok");
            }),
            "ok");
  EXPECT_EQ(sink.counts->successes, 1);
}

// --- cancellation is never retried ------------------------------------------------------------------------------

TEST(ImprovementCancellation, GritCancelledIsNeverRetried) {
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<grit::Cancelled>, VirtualClock> by_type{clock};
  EXPECT_EQ(calls_until_thrown<grit::Cancelled>(by_type, [] { throw grit::Cancelled(); }), 1);
  const grit::Retrying<grit::RetryOn<std::exception>, VirtualClock> by_base{clock};
  EXPECT_EQ(calls_until_thrown<grit::Cancelled>(by_base, [] { throw grit::Cancelled(); }), 1);
  struct MyCancelled : grit::Cancelled {};
  EXPECT_EQ(calls_until_thrown<MyCancelled>(by_base, [] { throw MyCancelled(); }), 1);
  // The same filter does retry other exceptions.
  EXPECT_EQ(calls_until_thrown<TransientError>(by_base, [] { throw TransientError("x"); }), 10);
  EXPECT_EQ(hook_calls, 9);
}

// A user exception that is also a grit::Cancelled is recognised through a filter for its other base.
TEST(ImprovementCancellation, DerivedFromCancelledIsRecognisedThroughAnotherBase) {
  struct Shutdown : std::runtime_error, grit::Cancelled {
    Shutdown() : std::runtime_error("shutting down") {}
    const char* what() const noexcept override { return std::runtime_error::what(); }
  };
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<std::runtime_error>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<Shutdown>(retry, [] { throw Shutdown(); }), 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(ImprovementCancellation, CancelledIsPassedOnAsTheSameObject) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<std::exception>, VirtualClock> retry{clock};
  const grit::Cancelled* thrown = nullptr;
  try {
    retry([&] {
      try {
        throw grit::Cancelled();
      } catch (grit::Cancelled& e) {
        thrown = &e;
        throw;
      }
    });
  } catch (const grit::Cancelled& e) {
    EXPECT_EQ(&e, thrown);
  }
  EXPECT_NE(thrown, nullptr);
}

TEST(ImprovementCancellation, SystemErrorOperationCanceledIsNeverRetried) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<std::system_error>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<std::system_error>(
                retry, [] { throw std::system_error(std::make_error_code(std::errc::operation_canceled)); }),
            1);
  EXPECT_EQ(calls_until_thrown<std::system_error>(
                retry, [] { throw std::system_error(std::error_code(ECANCELED, std::system_category())); }),
            1);
  EXPECT_EQ(calls_until_thrown<std::system_error>(
                retry, [] { throw std::system_error(std::make_error_code(std::errc::connection_refused)); }),
            3);
  EXPECT_EQ(clock.sleeps().size(), 2u) << "only the connection_refused call waited";
}

TEST(ImprovementCancellation, PredicatesCannotOverrideCancellation) {
  struct RetryEverything {
    bool operator()(const std::exception&) const { return true; }
  };
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryEverything>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<grit::Cancelled>(retry, [] { throw grit::Cancelled(); }), 1);
  EXPECT_EQ(calls_until_thrown<std::system_error>(
                retry, [] { throw std::system_error(std::make_error_code(std::errc::operation_canceled)); }),
            1);
  EXPECT_EQ(calls_until_thrown<std::runtime_error>(retry, [] { throw std::runtime_error("x"); }), 3);
}

TEST(ImprovementCancellation, CancellationIsNotRetriedInTestingModeEither) {
  SwitchesReset reset;
  grit::testing::Scope testing(true, {.attempts = 5});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<std::exception>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<grit::Cancelled>(retry, [] { throw grit::Cancelled(); }), 1);
}

TEST(ImprovementCancellation, ReturnedOperationCanceledIsNeverRetried) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  auto r = retry([&] {
    ++calls;
    return Result<int, std::error_code>::fail(std::make_error_code(std::errc::operation_canceled));
  });
  EXPECT_EQ(calls, 1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), std::errc::operation_canceled);

  calls = 0;
  r = retry([&] {
    ++calls;
    return Result<int, std::error_code>::fail(std::make_error_code(std::errc::connection_refused));
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r.error(), std::errc::connection_refused);

  // A predicate that says "retry" does not change it.
  const grit::Retrying<grit::RetryOnError<grit::detail::AnyError>, grit::stop::Attempts<3>, VirtualClock> any{clock};
  calls = 0;
  r = any([&] {
    ++calls;
    return Result<int, std::error_code>::fail(std::make_error_code(std::errc::operation_canceled));
  });
  EXPECT_EQ(calls, 1);
}

TEST(ImprovementCancellation, UserTypesSayWhatIsACancellationWithAnAdlFunction) {
  using grit_test_cancel::RpcError;
  using grit_test_cancel::RpcStatus;
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<RpcError>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<RpcError>(retry, [] { throw RpcError("cancelled", true); }), 1);
  EXPECT_EQ(calls_until_thrown<RpcError>(retry, [] { throw RpcError("unavailable", false); }), 3);

  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock> on_error{clock};
  int calls = 0;
  auto r = on_error([&] {
    ++calls;
    return Result<int, RpcStatus>::fail(RpcStatus{1});
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.error().code, 1);
  calls = 0;
  r = on_error([&] {
    ++calls;
    return Result<int, RpcStatus>::fail(RpcStatus{14});
  });
  EXPECT_EQ(calls, 3);
}

}  // namespace
