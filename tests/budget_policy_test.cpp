// grit::budget as a policy: the schedule spends a token for every transient failure, asks the bucket after the stop
// policies, gives up with GiveUpReason::budget when it says no, and refills it on success; one bucket shared by
// several Retrying types; testing mode leaves it alone.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <stdexcept>
#include <vector>

#include "test_support.hpp"

namespace {

using grit_test::FatalError;
using grit_test::TransientError;
using namespace std::chrono_literals;

inline grit::budget::TokenBucket shared_bucket{{.max_tokens = 4, .token_ratio = 0.5}};

struct GiveUps : grit::sink::Base {
  std::vector<grit::GiveUpReason>* reasons = nullptr;
  void gave_up(const grit::GiveUpDetails& d) const {
    if (reasons) reasons->push_back(d.reason);
  }
};

template <class Budget>
using Api = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<10>, grit::wait::None,
                           grit::testing::VirtualClock, Budget, GiveUps>;

void refill(grit::budget::TokenBucket& bucket) {
  while (!bucket.full()) bucket.on_success();
}

TEST(BudgetPolicy, AFailingCallStopsWhenHalfTheBucketIsSpent) {
  refill(shared_bucket);
  std::vector<grit::GiveUpReason> reasons;
  const Api<grit::budget::Shared<shared_bucket>> api{GiveUps{{}, &reasons}};
  int calls = 0;
  EXPECT_THROW(api([&] {
                 ++calls;
                 throw TransientError("503");
               }),
               TransientError);
  // 4 tokens: after 1 failure 3 left (3 > 2: retry), after 2 failures 2 left (not > 2): give up.
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(shared_bucket.tokens(), 2.0);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], grit::GiveUpReason::budget);
  EXPECT_EQ(grit::to_string(reasons[0]), "budget");
}

TEST(BudgetPolicy, ASuccessRefillsOnTheFirstAttemptAndAfterRetries) {
  refill(shared_bucket);
  shared_bucket.on_failure();
  shared_bucket.on_failure();  // 2 tokens
  std::vector<grit::GiveUpReason> reasons;
  const Api<grit::budget::Shared<shared_bucket>> api{GiveUps{{}, &reasons}};
  EXPECT_EQ(api([] { return 7; }), 7);
  EXPECT_EQ(shared_bucket.tokens(), 2.5);
  api([] {});
  EXPECT_EQ(shared_bucket.tokens(), 3.0);
}

TEST(BudgetPolicy, ASuccessAfterARetryRefills) {
  refill(shared_bucket);
  const Api<grit::budget::Shared<shared_bucket>> api{GiveUps{}};
  int calls = 0;
  EXPECT_EQ(api([&] {
              if (++calls == 1) throw TransientError("503");  // 4 -> 3 tokens, 3 > 2: retried
              return 8;
            }),
            8);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(shared_bucket.tokens(), 3.5);
}

TEST(BudgetPolicy, OneBucketIsSharedByTypesAndGivenAtRunTime) {
  grit::budget::TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.1}};
  std::vector<grit::GiveUpReason> reasons;
  const Api<grit::budget::Shared<>> first{grit::budget::Shared<>{bucket}, GiveUps{{}, &reasons}};
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::testing::VirtualClock,
                       grit::budget::Shared<>>
      second{grit::budget::Shared<>{bucket}};
  int calls = 0;
  const auto failing = [&] {
    ++calls;
    throw TransientError("503");
  };
  EXPECT_THROW(second(failing), TransientError);  // 3 attempts, 3 tokens spent
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(bucket.tokens(), 7.0);
  calls = 0;
  EXPECT_THROW(first(failing), TransientError);  // 7 -> 6 -> 5: give up at 5 (not > 5)
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(bucket.tokens(), 5.0);
  EXPECT_EQ(reasons, std::vector<grit::GiveUpReason>{grit::GiveUpReason::budget});
}

TEST(BudgetPolicy, AFailureNoFilterRetriesSpendsNothing) {
  grit::budget::TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.1}};
  const Api<grit::budget::Shared<>> api{grit::budget::Shared<>{bucket}, GiveUps{}};
  EXPECT_THROW(api([]() -> int { throw FatalError("404"); }), FatalError);
  EXPECT_TRUE(bucket.full());
}

TEST(BudgetPolicy, ReturnedFailuresSpendAndAGiveUpIsNotASuccess) {
  grit::budget::TokenBucket bucket{{.max_tokens = 4, .token_ratio = 1}};
  using Result = grit_test::Result<int, int>;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<10>, grit::testing::VirtualClock,
                       grit::budget::Shared<>>
      api{grit::budget::Shared<>{bucket}};
  int calls = 0;
  const Result r = api([&] {
    ++calls;
    return Result::fail(503);
  });
  EXPECT_FALSE(r.has_value());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(bucket.tokens(), 2.0);  // a give-up by value refills nothing
  EXPECT_TRUE(api([] { return Result::ok(1); }).has_value());
  EXPECT_EQ(bucket.tokens(), 3.0);
}

TEST(BudgetPolicy, TestingModeLeavesTheBucketAlone) {
  grit_test::SwitchesReset reset;
  grit::budget::TokenBucket bucket{{.max_tokens = 2, .token_ratio = 1}};
  const Api<grit::budget::Shared<>> api{grit::budget::Shared<>{bucket}, GiveUps{}};
  grit::testing::Scope testing(true, {.attempts = 3});
  int calls = 0;
  EXPECT_THROW(api([&] {
                 ++calls;
                 throw TransientError("503");
               }),
               TransientError);
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(bucket.full());
}

TEST(BudgetPolicy, TheHandDrivenScheduleAsksTheBudgetToo) {
  grit::budget::TokenBucket bucket{{.max_tokens = 2, .token_ratio = 1}};
  const Api<grit::budget::Shared<>> api{grit::budget::Shared<>{bucket}, GiveUps{}};
  auto schedule = api.schedule();
  EXPECT_FALSE(schedule.on_failure(grit::Verdict::retry(), grit::Cause{}));  // 2 -> 1: not > 1
  EXPECT_EQ(bucket.tokens(), 1.0);
  schedule.on_success();
  EXPECT_EQ(bucket.tokens(), 2.0);
}

static_assert(
    std::is_same_v<Api<grit::budget::Shared<shared_bucket>>::budget_type, grit::budget::Shared<shared_bucket>>);
static_assert(std::is_same_v<grit::Retrying<grit::RetryOn<TransientError>>::budget_type, grit::budget::None>);
// Every bucket shares one plan: a bucket in the type and one given at run time make the same schedule type.
static_assert(std::is_same_v<grit::detail::core_t<Api<grit::budget::Shared<shared_bucket>>>,
                             grit::detail::core_t<Api<grit::budget::Shared<>>>>);

}  // namespace
