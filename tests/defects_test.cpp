// Regression tests of issue 9's defects, found by adversarial testing. Each failed before its fix.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using grit_test::FatalError;
using grit_test::TransientError;
using namespace std::chrono_literals;

// 1. A returned cancellation is never retried, whatever RetryOnResult's predicate says.
TEST(Defect1, RetryOnResultDoesNotRetryAReturnedCancellation) {
  const grit::Retrying<grit::RetryOnResult<decltype([](const std::error_code& e) { return bool(e); })>,
                       grit::stop::Attempts<5>, grit::testing::VirtualClock>
      retry;
  int calls = 0;
  const std::error_code e = retry([&] {
    ++calls;
    return std::make_error_code(std::errc::operation_canceled);
  });
  EXPECT_EQ(e, std::errc::operation_canceled);
  EXPECT_EQ(calls, 1);

  using Result = grit_test::Result<int, std::error_code>;
  const grit::Retrying<grit::RetryOnResult<decltype([](const Result&) { return true; })>, grit::stop::Attempts<5>,
                       grit::testing::VirtualClock>
      retry_any;
  calls = 0;
  (void)retry_any([&] {
    ++calls;
    return Result::fail(std::make_error_code(std::errc::operation_canceled));
  });
  EXPECT_EQ(calls, 1);
}

// 3. A NaN wait from a predicate (a Retry-After parsed into garbage) means the backoff, not an error of grit's.
TEST(Defect3, ANaNWaitFromAPredicateIsTheBackoff) {
  grit::testing::VirtualClock clock;
  const grit::Retrying<
      grit::RetryIf<decltype([](const TransientError&) { return std::chrono::duration<double>(std::nan("")); })>,
      grit::stop::Attempts<3>, grit::wait::Fixed<250ms>, grit::jitter::None, grit::testing::VirtualClock>
      retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw TransientError("503");
               }),
               TransientError);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock.sleeps(), (std::vector<grit::nanoseconds>{250ms, 250ms}));
}

// 4. An exception from a filter's predicate leaves the call at once: no later filter classifies it.
TEST(Defect4, APredicatesExceptionLeavesTheCallAtOnce) {
  const grit::Retrying<grit::RetryIf<decltype([](const TransientError&) -> bool { throw FatalError("predicate"); })>,
                       grit::RetryOn<FatalError>, grit::stop::Attempts<4>, grit::testing::VirtualClock>
      retry;
  int calls = 0;
  try {
    retry([&] {
      ++calls;
      throw TransientError("503");
    });
    FAIL();
  } catch (const FatalError& e) {
    EXPECT_STREQ(e.what(), "predicate");
  }
  EXPECT_EQ(calls, 1);

  using Result = grit_test::Result<int, int>;
  const grit::Retrying<grit::RetryOnError<decltype([](int) -> bool { throw FatalError("predicate"); })>,
                       grit::RetryOn<FatalError>, grit::stop::Attempts<4>, grit::testing::VirtualClock>
      on_results;
  calls = 0;
  EXPECT_THROW((void)on_results([&] {
                 ++calls;
                 return Result::fail(1);
               }),
               FatalError);
  EXPECT_EQ(calls, 1);
}

// 5. Elapsed time saturates: a clock of your own that steps back, or jumps centuries in seconds, is not UB.
struct JumpingClock {
  using grit_category = grit::category::clock;
  static constexpr bool is_steady = true;  // it claims so; the arithmetic must survive it lying
  using time_point = std::chrono::time_point<std::chrono::system_clock, std::chrono::duration<double>>;
  std::vector<double>* times;  // seconds, read in turn
  mutable std::size_t next = 0;
  time_point now() const {
    return time_point(std::chrono::duration<double>((*times)[std::min(next++, times->size() - 1)]));
  }
  void sleep_for(grit::nanoseconds) const {}
};

TEST(Defect5, ElapsedTimeSaturatesWhenTheClockJumps) {
  std::vector<double> times{0.0, -1e18, 1e300};  // start, a step back, centuries later
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<10s>, grit::stop::Attempts<5>, JumpingClock>
      retry{JumpingClock{&times}};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw TransientError("503");
               }),
               TransientError);
  EXPECT_EQ(calls, 2);  // the step back counts as no time; centuries later the timeout has passed
}

// 6. A period such as 1/60 s converts without overflow whenever the result fits.
TEST(Defect6, SixtiethsOfASecondConvertWithoutOverflow) {
  using sixtieths = std::chrono::duration<std::int64_t, std::ratio<1, 60>>;
  const sixtieths big(std::numeric_limits<std::int64_t>::max() / 20'000'000);  // * 1e9/60 fits, * 1e9 does not
  const auto expected = std::chrono::nanoseconds(big.count() / 3 * 50'000'000 + big.count() % 3 * 50'000'000 / 3);
  EXPECT_EQ(grit::detail::to_nanoseconds(big), expected);
  EXPECT_EQ(grit::detail::to_nanoseconds(sixtieths(7)), std::chrono::nanoseconds(116'666'666));
  EXPECT_EQ(grit::detail::to_nanoseconds(sixtieths::max()), std::chrono::nanoseconds::max());
}

// 7. An exception from the clock's sleep leaves the call unchanged: not an attempt's failure.
struct ThrowingSleep {
  using grit_category = grit::category::clock;
  static constexpr bool is_steady = true;
  int* sleeps;
  grit::nanoseconds now() const { return {}; }
  void sleep_for(grit::nanoseconds) const {
    if (++*sleeps == 2) throw TransientError("sleep");  // the second wait: inside the retry loop's clauses
  }
};

TEST(Defect7, AnExceptionFromTheSleepLeavesTheCall) {
  int sleeps = 0;
  const grit::Retrying<grit::RetryOn<FatalError>, grit::RetryOn<TransientError>, grit::stop::Attempts<5>, ThrowingSleep>
      retry{ThrowingSleep{&sleeps}};
  int calls = 0;
  try {
    retry([&] {
      ++calls;
      throw FatalError("attempt");
    });
    FAIL();
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "sleep");
  }
  EXPECT_EQ(calls, 2);
}

// 8. Time spent in hooks comes off the wait: no wait ends after a Timeout's deadline.
TEST(Defect8, HookTimeComesOffTheWait) {
  grit::testing::VirtualClock clock;
  grit_test::HooksReset hooks({[clock](const grit::RetryDetails&) { clock.advance(200ms); }});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<300ms>, grit::wait::Fixed<250ms>,
                       grit::jitter::None, grit::testing::VirtualClock>
      retry{clock};
  EXPECT_THROW(retry([] { throw TransientError("503"); }), TransientError);
  // The first wait was decided at 250 ms; the hook took 200 ms, so it ends at the deadline: 300 - 200 = 100 ms.
  ASSERT_FALSE(clock.sleeps().empty());
  EXPECT_EQ(clock.sleeps()[0], 100ms);
  EXPECT_LE(clock.now(), 300ms + 200ms);  // the second failure's hook does not run: the deadline has passed
}

// Found by the fuzzer in CI: with a Timeout of nanoseconds::max(), the time left at the start is nanoseconds::max(),
// which the hook-time rule took for "no deadline", so the wait ran past the deadline by the hook's time.
TEST(FuzzFinding, HookTimeComesOffTheWaitBeforeADeadlineAtNanosecondsMax) {
  grit::testing::VirtualClock clock;
  grit_test::HooksReset hooks({[clock](const grit::RetryDetails&) { clock.advance(300ms); }});
  constexpr grit::nanoseconds huge = grit::nanoseconds::max() - grit::nanoseconds(1000);
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<grit::nanoseconds::max()>,
                       grit::stop::Attempts<2>, grit::wait::Fixed<huge>, grit::jitter::None,
                       grit::testing::VirtualClock>
      retry{clock};
  EXPECT_THROW(retry([] { throw TransientError("503"); }), TransientError);
  ASSERT_FALSE(clock.sleeps().empty());
  EXPECT_EQ(clock.sleeps()[0], grit::nanoseconds::max() - grit::nanoseconds(300ms)) << "the deadline less the hook";
}

// 9. A hook whose destructor reads the hook list does not deadlock.
struct ReadsHooksWhenDestroyed {
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  ReadsHooksWhenDestroyed() = default;
  ReadsHooksWhenDestroyed(const ReadsHooksWhenDestroyed&) = default;
  ~ReadsHooksWhenDestroyed() {
    if (alive.use_count() == 1) (void)grit::instrumentation::get_on_retry_hooks();
  }
  void operator()(const grit::RetryDetails&) const {}
};

TEST(Defect9, OldHooksAreDestroyedOutsideTheLock) {
  grit_test::HooksReset reset;
  grit::instrumentation::set_on_retry_hooks({ReadsHooksWhenDestroyed{}});
  grit::instrumentation::set_on_retry_hooks({});  // destroys the hook: it reads the list, and must not deadlock
  SUCCEED();
}

// 10. A NaN run-time duration is rejected with a message that names the parameter.
TEST(Defect10, ANaNDurationNamesItsParameter) {
  const std::chrono::duration<double> nan(std::nan(""));
  const auto message_of = [](auto make) {
    try {
      make();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(message_of([&] { grit::stop::Timeout<>{nan}; }),
            "grit::stop::Timeout: timeout must be a number of seconds, got NaN");
  EXPECT_EQ(message_of([&] { grit::wait::Exponential<grit::runtime, 5s>{nan}; }),
            "grit::wait::Exponential: initial must be a number of seconds, got NaN");
  EXPECT_EQ(message_of([&] { grit::wait::Linear<1ms, grit::runtime, 5s>{nan}; }),
            "grit::wait::Linear: step must be a number of seconds, got NaN");
  EXPECT_EQ(message_of([&] { grit::jitter::Additive<grit::runtime>{nan}; }),
            "grit::jitter::Additive: max must be a number of seconds, got NaN");
}

// Found by the fuzzer: Timeout<nanoseconds::max()> is a timeout, not "no timeout".
TEST(FuzzFinding, ATimeoutOfNanosecondsMaxIsATimeout) {
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<grit::nanoseconds::max()>,
                       grit::stop::Attempts<5>, grit::testing::VirtualClock>
      retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 clock.advance(grit::nanoseconds::max());  // the clock saturates: the deadline is reached
                 throw TransientError("503");
               }),
               TransientError);
  EXPECT_EQ(calls, 1);
}

// Found while fixing the budget: a give-up by value is no success.
TEST(SuccessEvents, AGiveUpByValueIsNoSuccess) {
  struct Counts : grit::sink::Base {
    int* successes;
    int* give_ups;
    void gave_up(const grit::GiveUpDetails&) const { ++*give_ups; }
    void succeeded_after_retries(const grit::SuccessDetails&) const { ++*successes; }
  };
  int successes = 0, give_ups = 0;
  using Result = grit_test::Result<int, int>;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, grit::testing::VirtualClock, Counts> retry{
      Counts{{}, &successes, &give_ups}};
  EXPECT_FALSE(retry([] { return Result::fail(1); }).has_value());
  EXPECT_EQ(give_ups, 1);
  EXPECT_EQ(successes, 0);
  int calls = 0;
  EXPECT_TRUE(retry([&] { return ++calls < 2 ? Result::fail(1) : Result::ok(2); }).has_value());
  EXPECT_EQ(successes, 1);
}

// Overlapping testing::Scopes in two threads: the last to end restores the state from before the first.
TEST(TestingScopes, OverlappingScopesRestoreTheStateFromBeforeTheFirst) {
  grit_test::SwitchesReset reset;
  ASSERT_FALSE(grit::testing::is_enabled());
  auto a = std::make_unique<grit::testing::Scope>();
  std::unique_ptr<grit::testing::Scope> b;
  std::thread([&] { b = std::make_unique<grit::testing::Scope>(true, grit::testing::Settings{.attempts = 3}); }).join();
  a.reset();  // A ends first: B's state stays
  EXPECT_TRUE(grit::testing::is_enabled());
  EXPECT_EQ(grit::testing::state().settings.attempts, 3u);
  std::thread([&] { b.reset(); }).join();
  EXPECT_FALSE(grit::testing::is_enabled());  // the state from before the first
}

// A Scope's settings are stored as the testing word holds them: restoring an outer scope with a huge attempt count
// gives back that (clamped) count, not a word whose flag bits were overwritten by the count shifted left.
TEST(TestingScopes, AnOuterScopeWithAHugeAttemptCountIsRestoredClamped) {
  grit_test::SwitchesReset reset;
  grit::testing::Scope outer(true, {.attempts = (std::uint64_t{1} << 62) + 3});  // unclamped, it would encode as 3
  { grit::testing::Scope inner(true, {.attempts = 2}); }
  EXPECT_TRUE(grit::testing::is_enabled());
  EXPECT_EQ(grit::testing::state().settings.attempts, UINT64_MAX >> 2);
  EXPECT_FALSE(grit::testing::state().settings.cap);
}

TEST(TestingScopes, NestedScopesStillRestoreInOrder) {
  grit_test::SwitchesReset reset;
  {
    grit::testing::Scope outer(true, {.attempts = 2});
    {
      grit::testing::Scope inner(false);
      EXPECT_FALSE(grit::testing::is_enabled());
    }
    EXPECT_TRUE(grit::testing::is_enabled());
    EXPECT_EQ(grit::testing::state().settings.attempts, 2u);
  }
  EXPECT_FALSE(grit::testing::is_enabled());
}

}  // namespace
