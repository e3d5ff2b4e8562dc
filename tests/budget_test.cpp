// grit::budget::TokenBucket, gRPC's retryThrottling: the rule (start full, -1 per failure, +token_ratio per success,
// retries while tokens > max/2), the validation of its settings, its bounds, and 8 threads on one bucket (run this
// file under -fsanitize=thread too: nothing here locks, so TSan sees only the atomic word).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <grit/budget.hpp>

namespace {

using grit::budget::TokenBucket;
using ::testing::HasSubstr;

static_assert(!std::is_copy_constructible_v<TokenBucket>);
static_assert(std::is_nothrow_invocable_v<decltype(&TokenBucket::on_failure), TokenBucket&>);
static_assert(std::is_nothrow_invocable_v<decltype(&TokenBucket::on_success), TokenBucket&>);
static_assert(std::is_nothrow_invocable_v<decltype(&TokenBucket::allows_retry), const TokenBucket&>);

TEST(TokenBucket, StartsFullAndAllowsRetries) {
  const TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.1}};
  EXPECT_EQ(bucket.tokens(), 10.0);
  EXPECT_EQ(bucket.milli_tokens(), 10'000u);
  EXPECT_TRUE(bucket.full());
  EXPECT_TRUE(bucket.allows_retry());
  EXPECT_EQ(bucket.max_tokens(), 10.0);
  EXPECT_EQ(bucket.token_ratio(), 0.1);
}

TEST(TokenBucket, DefaultSettingsAreGrpcsExample) {
  const TokenBucket bucket{TokenBucket::Settings{}};
  EXPECT_EQ(bucket.max_tokens(), 10.0);
  EXPECT_EQ(bucket.token_ratio(), 0.1);
}

TEST(TokenBucket, RetriesAllowedOnlyAboveHalf) {
  TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.1}};
  for (int i = 1; i <= 4; ++i) {
    bucket.on_failure();
    EXPECT_EQ(bucket.milli_tokens(), static_cast<std::uint64_t>(10'000 - 1000 * i));
    EXPECT_TRUE(bucket.allows_retry()) << i << " failures";
    EXPECT_FALSE(bucket.full());
  }
  bucket.on_failure();  // 5 tokens: not more than half
  EXPECT_EQ(bucket.tokens(), 5.0);
  EXPECT_FALSE(bucket.allows_retry());
  bucket.on_success();  // 5.1: more than half again
  EXPECT_EQ(bucket.milli_tokens(), 5'100u);
  EXPECT_TRUE(bucket.allows_retry());
}

TEST(TokenBucket, AnOddMaximumComparesExactly) {
  // max 3: the threshold is 1.5 tokens, between two whole counts.
  TokenBucket bucket{{.max_tokens = 3, .token_ratio = 0.5}};
  bucket.on_failure();  // 2
  EXPECT_TRUE(bucket.allows_retry());
  bucket.on_failure();  // 1
  EXPECT_FALSE(bucket.allows_retry());
  bucket.on_success();  // 1.5: not more than half
  EXPECT_EQ(bucket.milli_tokens(), 1'500u);
  EXPECT_FALSE(bucket.allows_retry());
  bucket.on_success();  // 2
  EXPECT_TRUE(bucket.allows_retry());
}

TEST(TokenBucket, NeverBelowZero) {
  TokenBucket bucket{{.max_tokens = 2.5, .token_ratio = 0.1}};
  bucket.on_failure();
  bucket.on_failure();
  EXPECT_EQ(bucket.milli_tokens(), 500u);
  bucket.on_failure();  // 0.5 - 1: floored
  EXPECT_EQ(bucket.milli_tokens(), 0u);
  for (int i = 0; i < 100; ++i) bucket.on_failure();
  EXPECT_EQ(bucket.tokens(), 0.0);
  EXPECT_FALSE(bucket.allows_retry());
  bucket.on_success();
  EXPECT_EQ(bucket.milli_tokens(), 100u) << "a floored bucket refills from 0, not from below it";
}

TEST(TokenBucket, NeverAboveMax) {
  TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.3}};
  bucket.on_success();
  EXPECT_EQ(bucket.milli_tokens(), 10'000u) << "full stays full";
  bucket.on_failure();  // 9
  for (int i = 0; i < 3; ++i) bucket.on_success();
  EXPECT_EQ(bucket.milli_tokens(), 9'900u);
  bucket.on_success();  // 10.2 capped
  EXPECT_EQ(bucket.milli_tokens(), 10'000u);
  EXPECT_TRUE(bucket.full());
}

TEST(TokenBucket, ARatioAboveTheMaximumRefillsAtOnce) {
  TokenBucket bucket{{.max_tokens = 4, .token_ratio = 50}};
  for (int i = 0; i < 10; ++i) bucket.on_failure();
  EXPECT_EQ(bucket.milli_tokens(), 0u);
  bucket.on_success();
  EXPECT_TRUE(bucket.full());
}

TEST(TokenBucket, SettingsKeepThreeDecimalPlaces) {
  // Rounded to thousandths: 0.1 and 0.29 are exact however doubles represent them.
  EXPECT_EQ(TokenBucket({.max_tokens = 10, .token_ratio = 0.29}).token_ratio(), 0.29);
  TokenBucket fine{{.max_tokens = 1, .token_ratio = 0.0014}};
  EXPECT_EQ(fine.token_ratio(), 0.001);
  fine.on_failure();
  fine.on_success();
  EXPECT_EQ(fine.milli_tokens(), 1u);
  EXPECT_EQ(TokenBucket({.max_tokens = 7.0006, .token_ratio = 1}).milli_tokens(), 7'001u);
  EXPECT_EQ(TokenBucket({.max_tokens = 1000, .token_ratio = 1}).milli_tokens(), 1'000'000u);
}

// The message of the std::invalid_argument thrown for these settings, or "" if none is.
std::string invalid_message(TokenBucket::Settings settings) {
  try {
    const TokenBucket bucket{settings};
    (void)bucket;
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(TokenBucket, MaxTokensMustBeInZeroToAThousand) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {0.0, -1.0, -0.0, 1000.001, 1e9, nan, inf, -inf, 0.0004}) {
    const std::string m = invalid_message({.max_tokens = bad, .token_ratio = 0.1});
    EXPECT_THAT(m, HasSubstr("grit::budget::TokenBucket: max_tokens must be in (0, 1000]")) << bad;
    EXPECT_THAT(m, HasSubstr(", got ")) << bad;
  }
  EXPECT_THAT(invalid_message({.max_tokens = 1001, .token_ratio = 0.1}), HasSubstr("got 1001"));
  EXPECT_EQ(invalid_message({.max_tokens = 1000, .token_ratio = 0.1}), "");
  EXPECT_EQ(invalid_message({.max_tokens = 0.001, .token_ratio = 0.1}), "");
}

TEST(TokenBucket, TokenRatioMustBePositive) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double bad : {0.0, -0.1, nan, std::numeric_limits<double>::infinity(), 0.0004, 1e7}) {
    const std::string m = invalid_message({.max_tokens = 10, .token_ratio = bad});
    EXPECT_THAT(m, HasSubstr("grit::budget::TokenBucket: token_ratio must be > 0")) << bad;
    EXPECT_THAT(m, HasSubstr(", got ")) << bad;
  }
  EXPECT_THAT(invalid_message({.max_tokens = 10, .token_ratio = -2}), HasSubstr("got -2"));
  EXPECT_EQ(invalid_message({.max_tokens = 10, .token_ratio = 0.001}), "");
}

// --- 8 threads on one bucket ------------------------------------------------------------------------------------

constexpr int threads = 8;

template <class Body>
void run_threads(Body body) {
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();  // start together, so that the updates overlap
      body(t);
    });
  for (auto& th : pool) th.join();
}

TEST(TokenBucketThreads, CountsAddUpExactly) {
  // Nothing here reaches a bound, so every update counts: the final counts are exact whatever the interleaving.
  constexpr int per_thread = 10'000;
  TokenBucket bucket{{.max_tokens = 1000, .token_ratio = 0.125}};

  // 80 000 failures from 1000 tokens would floor: take 8 threads x 100 failures first (800 tokens).
  run_threads([&](int) {
    for (int i = 0; i < 100; ++i) bucket.on_failure();
  });
  EXPECT_EQ(bucket.milli_tokens(), 200'000u);

  // Then 8 threads x 10 000 successes of 0.125 would overflow the cap (10 000 tokens): 8 x 800 = 800 tokens.
  run_threads([&](int) {
    for (int i = 0; i < 800; ++i) bucket.on_success();
  });
  EXPECT_EQ(bucket.milli_tokens(), 1'000'000u);
  EXPECT_TRUE(bucket.full());

  // Down to the middle, then failures and successes interleaved with a net change of zero per thread: one failure
  // for every 8 successes, the running count staying within 504 +- 8 tokens.
  run_threads([&](int) {
    for (int i = 0; i < 62; ++i) bucket.on_failure();
  });
  EXPECT_EQ(bucket.milli_tokens(), 504'000u);
  run_threads([&](int t) {
    for (int i = 0; i < per_thread; ++i) {
      if (t % 2 == 0) {
        bucket.on_failure();
        for (int k = 0; k < 8; ++k) bucket.on_success();
      } else {
        for (int k = 0; k < 8; ++k) bucket.on_success();
        bucket.on_failure();
      }
    }
  });
  EXPECT_EQ(bucket.milli_tokens(), 504'000u);
}

TEST(TokenBucketThreads, NeverLeavesItsBoundsUnderContention) {
  // Writers push the count into both bounds over and over; a reader checks every value it sees.
  TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.7}};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> seen{0}, out_of_bounds{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const std::uint64_t m = bucket.milli_tokens();
      const double t = bucket.tokens();
      seen.fetch_add(1, std::memory_order_relaxed);
      if (m > 10'000 || t < 0.0 || t > 10.0) out_of_bounds.fetch_add(1, std::memory_order_relaxed);
      (void)bucket.allows_retry();
      (void)bucket.full();
    }
  });
  std::atomic<std::uint64_t> writer_out_of_bounds{0};
  run_threads([&](int t) {
    for (int round = 0; round < 200; ++round) {
      // Even threads drain while odd ones refill, then the other way round.
      const bool drain = (t + round) % 2 == 0;
      for (int i = 0; i < 40; ++i) {
        if (drain)
          bucket.on_failure();
        else
          bucket.on_success();
        if (bucket.milli_tokens() > 10'000) writer_out_of_bounds.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  stop.store(true);
  reader.join();
  EXPECT_GT(seen.load(), 0u);
  EXPECT_EQ(out_of_bounds.load(), 0u);
  EXPECT_EQ(writer_out_of_bounds.load(), 0u);
  EXPECT_LE(bucket.milli_tokens(), 10'000u);

  // And from any state, enough failures empty it and enough successes fill it, exactly.
  run_threads([&](int) {
    for (int i = 0; i < 20; ++i) bucket.on_failure();
  });
  EXPECT_EQ(bucket.milli_tokens(), 0u);
  run_threads([&](int) {
    for (int i = 0; i < 20; ++i) bucket.on_success();
  });
  EXPECT_EQ(bucket.milli_tokens(), 10'000u);
}

}  // namespace
