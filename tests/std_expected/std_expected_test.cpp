// RetryOnError with C++23 std::expected (built only where the compiler and library have it).
#include <gtest/gtest.h>

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "../test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using grit::testing::VirtualClock;
using grit_test::TaggedError;
using grit_test::TransientError;

TEST(StdExpected, RetriesAnErrorUntilAValue) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, VirtualClock> retry{clock};
  int calls = 0;
  const std::expected<int, int> r = retry([&]() -> std::expected<int, int> {
    if (++calls < 4) return std::unexpected(calls);
    return 42;
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps().size(), 3u);
}

TEST(StdExpected, OnGiveUpTheCallerGetsTheLastErrorWithoutCopies) {
  TaggedError::copies = 0;
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&]() -> std::expected<int, TaggedError> { return std::unexpected(TaggedError(++calls)); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().attempt, 3);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(TaggedError::copies, 0);
}

struct Is503 {
  bool operator()(const TaggedError& e) const { return e.code == 503; }
};
struct RetryAfterCodeMs {
  std::chrono::milliseconds operator()(const TaggedError& e) const { return std::chrono::milliseconds(e.code); }
};

TEST(StdExpected, ABoolPredicateOnTheError) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<Is503>, grit::stop::Attempts<5>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&]() -> std::expected<int, TaggedError> {
    ++calls;
    return std::unexpected(TaggedError(calls, calls < 3 ? 503 : 404));
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r.error().code, 404);
}

TEST(StdExpected, ADurationPredicateIsTheExactWait) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<RetryAfterCodeMs>, grit::stop::Attempts<4>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&]() -> std::expected<int, TaggedError> {
    if (++calls < 4) return std::unexpected(TaggedError(calls, 6000 * calls));
    return 1;
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{6s, 12s, 18s}));
}

TEST(StdExpected, VoidAndMoveOnlyValues) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<5>, VirtualClock> retry{clock};
  int calls = 0;
  const std::expected<void, std::string> v = retry([&]() -> std::expected<void, std::string> {
    if (++calls < 3) return std::unexpected("not yet");
    return {};
  });
  EXPECT_TRUE(v.has_value());
  EXPECT_EQ(calls, 3);

  calls = 0;
  auto p = retry([&]() -> std::expected<std::unique_ptr<int>, int> {
    if (++calls < 2) return std::unexpected(calls);
    return std::make_unique<int>(9);
  });
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(**p, 9);
}

TEST(StdExpected, OperationCanceledIsNeverRetried) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  auto r = retry([&]() -> std::expected<int, std::error_code> {
    ++calls;
    return std::unexpected(std::make_error_code(std::errc::operation_canceled));
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.error(), std::errc::operation_canceled);

  calls = 0;
  r = retry([&]() -> std::expected<int, std::error_code> {
    ++calls;
    return std::unexpected(std::make_error_code(std::errc::connection_reset));
  });
  EXPECT_EQ(calls, 3);
}

TEST(StdExpected, MixedWithAnExceptionFilter) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock>
      retry{clock};
  int calls = 0;
  const auto r = retry([&]() -> std::expected<int, int> {
    ++calls;
    if (calls == 1) throw TransientError("thrown");
    if (calls == 2) return std::unexpected(2);
    return 3;
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 3);

  calls = 0;  // error, error, thrown: the exception of the last attempt
  EXPECT_THROW(retry([&]() -> std::expected<int, int> {
                 if (++calls < 3) return std::unexpected(calls);
                 throw TransientError("last");
               }),
               TransientError);
  EXPECT_EQ(calls, 3);
}

TEST(StdExpected, HooksSeeTheErrorsMessage) {
  std::vector<grit_test::SeenRetry> seen;
  grit_test::HooksReset hooks({grit_test::recording_hook(seen)});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<2>, grit::Name<"expected">, VirtualClock> retry{
      clock};
  retry([]() -> std::expected<int, std::error_code> {
    return std::unexpected(std::make_error_code(std::errc::connection_refused));
  });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].name, "expected");
  EXPECT_EQ(seen[0].message, std::make_error_code(std::errc::connection_refused).message());
  EXPECT_EQ(seen[0].retry_num, 1u);
}

}  // namespace
