// Wait scopes: a hook may return a scope object and a sink may define wait_scope(const RetryDetails&); the scope
// lives during the wait and is destroyed exactly once on every path. Each test counts scopes made and ended.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <atomic>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace {

using grit_test::TransientError;
using namespace std::chrono_literals;

struct Counts {
  std::atomic<int> made{0};
  std::atomic<int> ended{0};
  std::atomic<int> open{0};  // made and not yet ended
};

// A scope that counts; moved-from scopes count nothing.
class CountingScope {
 public:
  explicit CountingScope(Counts* counts) : counts_(counts) {
    ++counts_->made;
    ++counts_->open;
  }
  CountingScope(CountingScope&& other) noexcept : counts_(std::exchange(other.counts_, nullptr)) {}
  CountingScope& operator=(CountingScope&&) = delete;
  ~CountingScope() {
    if (counts_) {
      ++counts_->ended;
      --counts_->open;
    }
  }

 private:
  Counts* counts_;
};

struct ScopedSink : grit::sink::Base {
  Counts* counts;
  std::vector<int>* open_at_attempt = nullptr;
  CountingScope wait_scope(const grit::RetryDetails&) const { return CountingScope(counts); }
};

template <class... More>
using WithSink = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<4>, grit::wait::Fixed<1s>,
                                grit::jitter::None, grit::testing::VirtualClock, ScopedSink, More...>;

TEST(WaitScopes, ASinksScopeLivesDuringEachWaitAndEndsBeforeTheNextAttempt) {
  Counts counts;
  const WithSink<> retry{ScopedSink{{}, &counts}};
  std::vector<int> open_during_attempt;
  EXPECT_THROW(retry([&] {
                 open_during_attempt.push_back(counts.open.load());
                 throw TransientError("503");
               }),
               TransientError);
  EXPECT_EQ(open_during_attempt, (std::vector<int>{0, 0, 0, 0}));
  EXPECT_EQ(counts.made, 3);  // 3 waits
  EXPECT_EQ(counts.ended, 3);
}

// A clock whose sleep records how many scopes are open, to see the scope during the wait.
struct WatchingClock {
  using grit_category = grit::category::clock;
  static constexpr bool is_steady = true;
  Counts* counts;
  std::vector<int>* open_while_sleeping;
  bool throws = false;
  grit::nanoseconds now() const { return {}; }
  void sleep_for(grit::nanoseconds) const {
    open_while_sleeping->push_back(counts->open.load());
    if (throws) throw std::runtime_error("clock");
  }
};

TEST(WaitScopes, TheScopeIsOpenWhileTheClockSleeps) {
  Counts counts;
  std::vector<int> open;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, WatchingClock, ScopedSink> retry{
      WatchingClock{&counts, &open}, ScopedSink{{}, &counts}};
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 3) throw TransientError("503");
              return calls;
            }),
            3);
  EXPECT_EQ(open, (std::vector<int>{1, 1}));
  EXPECT_EQ(counts.open, 0);
}

TEST(WaitScopes, AThrowingClockEndsTheScopeOnce) {
  Counts counts;
  std::vector<int> open;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, WatchingClock, ScopedSink> retry{
      WatchingClock{&counts, &open, true}, ScopedSink{{}, &counts}};
  EXPECT_THROW(retry([]() -> int { throw TransientError("503"); }), std::runtime_error);
  EXPECT_EQ(counts.made, 1);
  EXPECT_EQ(counts.ended, 1);
}

TEST(WaitScopes, AHookMayReturnAScope) {
  Counts counts;
  grit_test::HooksReset hooks(
      {[&](const grit::RetryDetails&) { return CountingScope(&counts); }, [&](const grit::RetryDetails&) {}});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::testing::VirtualClock> retry;
  std::vector<int> open_during_attempt;
  EXPECT_THROW(retry([&] {
                 open_during_attempt.push_back(counts.open.load());
                 throw TransientError("503");
               }),
               TransientError);
  EXPECT_EQ(open_during_attempt, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(counts.made, 2);
  EXPECT_EQ(counts.ended, 2);
}

TEST(WaitScopes, AThrowingScopeFactoryMakesNoScopeAndTheRetryGoesOn) {
  Counts counts;
  int calls_to_hook = 0;
  grit_test::HooksReset hooks({[&](const grit::RetryDetails&) -> CountingScope {
                                 if (++calls_to_hook == 1) throw std::runtime_error("factory");
                                 return CountingScope(&counts);
                               },
                               [&](const grit::RetryDetails&) { return CountingScope(&counts); }});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::testing::VirtualClock> retry;
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 3) throw TransientError("503");
              return calls;
            }),
            3);
  EXPECT_EQ(counts.made, 3);  // 1 + 2: the first hook's first scope was never made
  EXPECT_EQ(counts.ended, 3);
}

TEST(WaitScopes, GiveUpInactiveAndTestingModeLeaveNoScopeOpen) {
  grit_test::SwitchesReset reset;
  Counts counts;
  const WithSink<> retry{ScopedSink{{}, &counts}};
  EXPECT_THROW(retry([]() -> int { throw TransientError("503"); }), TransientError);  // gave up after 4
  grit::set_active(false);
  EXPECT_THROW(retry([]() -> int { throw TransientError("503"); }), TransientError);  // one attempt
  grit::set_active(true);
  {
    grit::testing::Scope testing(true, {.attempts = 2});
    EXPECT_THROW(retry([]() -> int { throw TransientError("503"); }), TransientError);
  }
  EXPECT_EQ(counts.made, 3 + 0 + 1);
  EXPECT_EQ(counts.ended, counts.made.load());
}

TEST(WaitScopes, ACancelledWaitEndsTheScope) {
  Counts counts;
  std::stop_source source;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<4>, grit::testing::VirtualClock, ScopedSink>
      retry{ScopedSink{{}, &counts}};
  int calls = 0;
  EXPECT_THROW(retry(source.get_token(),
                     [&] {
                       if (++calls == 2) source.request_stop();
                       throw TransientError("503");
                     }),
               TransientError);
  EXPECT_EQ(counts.made, 1);
  EXPECT_EQ(counts.ended, 1);
}

TEST(WaitScopes, AHandDrivenScheduleEndsItsScopes) {
  Counts counts;
  const WithSink<> retry{ScopedSink{{}, &counts}};
  {
    auto schedule = retry.schedule();
    const grit::Decision next = schedule.on_failure(grit::Verdict::retry(), grit::Cause{});
    EXPECT_TRUE(next);
    EXPECT_EQ(counts.open, 1);
    schedule.wait(next);
    EXPECT_EQ(counts.open, 0);
    (void)schedule.on_failure(grit::Verdict::retry(), grit::Cause{});
    EXPECT_EQ(counts.open, 1);  // and the schedule ends without a wait
  }
  EXPECT_EQ(counts.open, 0);
  EXPECT_EQ(counts.made, counts.ended.load());
}

TEST(WaitScopes, TwoThreadsSharingOneRetryingEachEndTheirOwn) {
  Counts counts;
  const WithSink<> retry{ScopedSink{{}, &counts}};
  const auto work = [&] {
    for (int i = 0; i < 200; ++i) {
      int calls = 0;
      (void)retry([&] {
        if (++calls < 3) throw TransientError("503");
        return calls;
      });
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  EXPECT_EQ(counts.made, 2 * 200 * 2);
  EXPECT_EQ(counts.ended, counts.made.load());
}

// Kept details stay valid: the cause owns its text once copied out of the event.
TEST(CauseOwnership, ARetryDetailsCopiedOutOfAHookStaysValid) {
  std::vector<grit::RetryDetails> kept;
  grit_test::HooksReset hooks({[&](const grit::RetryDetails& d) { kept.push_back(d); }});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::testing::VirtualClock> retry;
  int calls = 0;
  EXPECT_THROW(retry([&] { throw TransientError("attempt " + std::to_string(++calls)); }), TransientError);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].caused_by.message(), "attempt 1");  // the exceptions are gone
  EXPECT_EQ(kept[1].caused_by.message(), "attempt 2");
  EXPECT_EQ(kept[1].caused_by.type_name(), "grit_test::TransientError");
  const grit::RetryDetails copy = kept[1];
  EXPECT_EQ(copy.caused_by.message(), "attempt 2");
}

TEST(CauseOwnership, AReturnedErrorCodeIsNamedByItsCategoryAndValue) {
  std::vector<grit::RetryDetails> kept;
  grit_test::HooksReset hooks({[&](const grit::RetryDetails& d) { kept.push_back(d); }});
  using Result = grit_test::Result<int, std::error_code>;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<2>, grit::testing::VirtualClock> retry;
  (void)retry([] { return Result::fail(std::make_error_code(std::errc::connection_refused)); });
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].caused_by.type_name(), "generic:" + std::to_string(int(std::errc::connection_refused)));
  EXPECT_EQ(kept[0].caused_by.message(), std::make_error_code(std::errc::connection_refused).message());
}

TEST(CauseOwnership, AReturnedErrorIsNamedByTheErrorsType) {
  std::vector<std::string> names;
  grit_test::HooksReset hooks({[&](const grit::RetryDetails& d) { names.push_back(d.caused_by.type_name()); }});
  using Result = grit_test::Result<int, grit_test::TaggedError>;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<2>, grit::testing::VirtualClock> retry;
  (void)retry([] { return Result::fail(grit_test::TaggedError(1)); });
  EXPECT_EQ(names, std::vector<std::string>{"grit_test::TaggedError"});
}

}  // namespace
