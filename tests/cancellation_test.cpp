// Sync cancellation: Retrying::operator()(std::stop_token, f, args...) and the same through grit::retrying. A stop
// seen after a failure ends the call without a wait, one requested during a wait ends it at once; either way the
// caller gets the last failure unchanged and the sinks hear GiveUpReason::cancelled. The token is passed on to an f
// that takes it first; the success path does not read it.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using grit_test::TransientError;
using namespace std::chrono_literals;

struct Events : grit::sink::Base {
  struct Log {
    int retries = 0;
    std::vector<grit::GiveUpReason> reasons;
    std::vector<std::string> messages;
  };
  Log* log;
  void retry_scheduled(const grit::RetryDetails&) const { ++log->retries; }
  void gave_up(const grit::GiveUpDetails& d) const {
    log->reasons.push_back(d.reason);
    log->messages.push_back(d.caused_by.message());
  }
};

using Virtual = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<10>, grit::wait::Fixed<1s>,
                               grit::jitter::None, grit::testing::VirtualClock, Events>;

TEST(Cancellation, AStopSeenAfterAFailureEndsTheCallWithoutAWait) {
  Events::Log log;
  grit::testing::VirtualClock clock;
  const Virtual retry{clock, Events{{}, &log}};
  std::stop_source source;
  int calls = 0;
  try {
    retry(source.get_token(), [&] {
      if (++calls == 3) source.request_stop();
      throw TransientError("attempt " + std::to_string(calls));
    });
    FAIL() << "no exception";
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "attempt 3");
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock.sleeps(), (std::vector<grit::nanoseconds>{1s, 1s}));  // no third wait
  EXPECT_EQ(log.retries, 2);
  EXPECT_EQ(log.reasons, std::vector<grit::GiveUpReason>{grit::GiveUpReason::cancelled});
  EXPECT_EQ(log.messages, std::vector<std::string>{"attempt 3"});
}

TEST(Cancellation, TheCallerGetsTheSameExceptionObject) {
  Events::Log log;
  grit::testing::VirtualClock clock;
  const Virtual retry{clock, Events{{}, &log}};
  std::stop_source source;
  const void* thrown = nullptr;
  try {
    retry(source.get_token(), [&] {
      source.request_stop();
      try {
        throw TransientError("only");
      } catch (const TransientError& e) {
        thrown = &e;
        throw;
      }
    });
  } catch (const TransientError& e) {
    EXPECT_EQ(&e, thrown);
  }
}

TEST(Cancellation, AVirtualWaitHonoursAStopAtOnce) {
  // A clock's sleep that sees a stop ends it: here the stop comes from a hook, just before the wait.
  Events::Log log;
  grit::testing::VirtualClock clock;
  std::stop_source source;
  grit_test::HooksReset hooks({[&](const grit::RetryDetails&) { source.request_stop(); }});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<10>, grit::wait::Fixed<1s>,
                       grit::jitter::None, grit::testing::VirtualClock, grit::sink::Hooks, Events>
      retry{clock, Events{{}, &log}};
  int calls = 0;
  EXPECT_THROW(retry(source.get_token(),
                     [&] {
                       ++calls;
                       throw TransientError("x");
                     }),
               TransientError);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(clock.now(), grit::nanoseconds::zero());
  EXPECT_EQ(log.reasons, std::vector<grit::GiveUpReason>{grit::GiveUpReason::cancelled});
}

TEST(Cancellation, AReturnedFailureIsReturnedUnchanged) {
  using Result = grit_test::Result<int, int>;
  Events::Log log;
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<10>, grit::testing::VirtualClock, Events> retry{
      clock, Events{{}, &log}};
  std::stop_source source;
  int calls = 0;
  const Result r = retry(source.get_token(), [&] {
    if (++calls == 2) source.request_stop();
    return Result::fail(500 + calls);
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), 502);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(log.reasons, std::vector<grit::GiveUpReason>{grit::GiveUpReason::cancelled});
}

TEST(Cancellation, TheTokenIsPassedToAFunctionThatTakesIt) {
  Events::Log log;
  grit::testing::VirtualClock clock;
  const Virtual retry{clock, Events{{}, &log}};
  std::stop_source source;
  bool same = false;
  EXPECT_EQ(retry(
                source.get_token(),
                [&](std::stop_token token, int x) {
                  same = token == source.get_token();
                  return x * 2;
                },
                21),
            42);
  EXPECT_TRUE(same);
  auto wrapped = grit::retrying(retry, [](std::stop_token token, int x) { return token.stop_possible() ? x : -1; });
  EXPECT_EQ(wrapped(source.get_token(), 5), 5);
  EXPECT_EQ(wrapped(std::stop_token{}, 5), -1);
}

TEST(Cancellation, NoStopMeansTheUsualRetries) {
  Events::Log log;
  grit::testing::VirtualClock clock;
  const Virtual retry{clock, Events{{}, &log}};
  int calls = 0;
  EXPECT_EQ(retry(std::stop_token{},
                  [&] {
                    if (++calls < 4) throw TransientError("x");
                    return calls;
                  }),
            4);
  EXPECT_EQ(log.retries, 3);
  EXPECT_TRUE(log.reasons.empty());
}

TEST(Cancellation, ARealWaitEndsWithinMillisecondsOfTheStop) {
  // The one real-time test here: a 10 s wait, stopped after 5 ms from another thread.
  Events::Log log;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::wait::Fixed<10s>,
                       grit::jitter::None, Events>
      retry{Events{{}, &log}};
  std::stop_source source;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(5ms);
    source.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(retry(source.get_token(), [] { throw TransientError("x"); }), TransientError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(log.reasons, std::vector<grit::GiveUpReason>{grit::GiveUpReason::cancelled});
}

TEST(Cancellation, GiveUpReasonsHaveNames) {
  EXPECT_EQ(grit::to_string(grit::GiveUpReason::cancelled), "cancelled");
  EXPECT_EQ(grit::to_string(grit::GiveUpReason::budget), "budget");
}

}  // namespace

namespace {
TEST(ScheduleTimeLeft, IsTheDeadlinesEvenDuringTheLastAllowedAttempt) {
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<2>, grit::stop::Timeout<10s>,
                       grit::testing::VirtualClock>
      retry{clock};
  auto schedule = retry.schedule();
  clock.advance(3s);
  EXPECT_EQ(schedule.time_left(), std::optional<grit::nanoseconds>(7s));
  ASSERT_TRUE(schedule.on_failure(grit::Verdict::retry(), grit::Cause{}));  // attempt 2 of 2 now runs
  EXPECT_EQ(schedule.time_left(), std::optional<grit::nanoseconds>(7s));
  const grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<2>> untimed;
  EXPECT_EQ(untimed.schedule().time_left(), std::nullopt);
}
}  // namespace
