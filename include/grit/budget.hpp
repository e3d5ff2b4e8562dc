// Retry budgets: a limit on retries shared by many calls, so that retries stop adding load when a dependency fails
// often (Brooker, "Fixing retries with token buckets and circuit breakers", 2022; the AWS SDKs' retry quota).
//
// grit::budget::TokenBucket is gRPC's retryThrottling (gRFC A6, "Throttling Retry Attempts and Hedged RPCs"):
//   - the bucket holds `token_count` in [0, max_tokens] and starts full;
//   - every failed attempt takes 1 token (never below 0), every success gives token_ratio back (never above
//     max_tokens);
//   - retries are allowed only while token_count > max_tokens / 2. A throttled call does not wait: it gives up.
// Validated as gRPC validates its service config: max_tokens in (0, 1000], token_ratio > 0, both kept to 3 decimal
// places. The count lives in one atomic word of thousandths of a token: lock-free, no lock, no allocation, and a
// success on a full bucket is a single load (no read-modify-write).
//
// As a policy, a bucket is shared by reference: many Retrying types, and every thread, spend and refill one bucket.
//
//   inline grit::budget::TokenBucket api_budget{{.max_tokens = 10, .token_ratio = 0.1}};   // one per dependency
//   using Api = grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<4>, grit::budget::Shared<api_budget>>;
//   grit::Retrying<grit::RetryOn<HttpError>, grit::budget::Shared<>> per_host{grit::budget::Shared<>{host.bucket}};
//
// The schedule spends a token for every failed attempt that a filter calls transient (a failure the filters do not
// retry says nothing about the dependency's load), asks allows_retry() after the stop policies and before drawing a
// wait, and gives up with GiveUpReason::budget when it says no. A call that ends in success gives token_ratio back.
// The success path of a Retrying with a budget costs one relaxed load, and a read-modify-write only while the
// bucket is below full (tests/codegen: budget_success).
//
// The BudgetPolicy concept. A type B is a budget policy when, for `const B b`:
//   1. `B::grit_category` is `grit::category::budget`;
//   2. B is copy-constructible (copies refer to one shared state);
//   3. `B::limits_retries` converts to bool: whether the policy limits anything (budget::None does not);
//   4. when it does: `b.allows_retry()` returns bool, `b.on_failure()` and `b.on_success()` are noexcept.
// The smallest budget policy (a plain counter of retries left):
//
//   struct RetriesLeft {
//     using grit_category = grit::category::budget;
//     static constexpr bool limits_retries = true;
//     std::atomic<int>* left;
//     bool allows_retry() const noexcept { return left->load(std::memory_order_relaxed) > 0; }
//     void on_failure() const noexcept { left->fetch_sub(1, std::memory_order_relaxed); }
//     void on_success() const noexcept {}
//   };
#pragma once

#include <atomic>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "category.hpp"
#include "detail/exceptions.hpp"
#include "detail/twin.hpp"

namespace grit {

template <class B>
concept BudgetPolicy =
    std::same_as<typename B::grit_category, category::budget> && std::copy_constructible<B> && requires {
  { B::limits_retries } -> std::convertible_to<bool>;
} &&(!B::limits_retries || requires(const B& b) {
  { b.allows_retry() } -> std::convertible_to<bool>;
  { b.on_failure() }
  noexcept;
  { b.on_success() }
  noexcept;
});

namespace budget {

// gRPC's retryThrottling: a shared token count that retries spend and successes refill.
class TokenBucket {
 public:
  // The two numbers of gRPC's `retryThrottling` service config, with its example as defaults.
  struct Settings {
    double max_tokens = 10;    // in (0, 1000]; the bucket starts with this many tokens
    double token_ratio = 0.1;  // > 0; tokens given back by each success
  };

  // Throws std::invalid_argument naming the parameter when a value is out of range.
  explicit TokenBucket(Settings settings)
      : max_milli_(checked_max(settings.max_tokens)),
        ratio_milli_(checked_ratio(settings.token_ratio)),
        milli_tokens_(max_milli_) {}

  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Whether a retry may be made now: more than half of max_tokens left.
  bool allows_retry() const noexcept { return 2 * milli_tokens_.load(std::memory_order_relaxed) > max_milli_; }

  // A failed attempt: one token less, never below zero.
  void on_failure() noexcept {
    std::uint64_t current = milli_tokens_.load(std::memory_order_relaxed);
    while (current != 0 &&
           !milli_tokens_.compare_exchange_weak(current, current > milli_per_token ? current - milli_per_token : 0,
                                                std::memory_order_relaxed)) {
    }
  }

  // A successful attempt: token_ratio more, never above max_tokens. A full bucket is only read.
  void on_success() noexcept {
    std::uint64_t current = milli_tokens_.load(std::memory_order_relaxed);
    while (current < max_milli_ &&
           !milli_tokens_.compare_exchange_weak(
               current, max_milli_ - current > ratio_milli_ ? current + ratio_milli_ : max_milli_,
               std::memory_order_relaxed)) {
    }
  }

  // Whether the bucket holds max_tokens (a success would change nothing).
  bool full() const noexcept { return milli_tokens_.load(std::memory_order_relaxed) >= max_milli_; }

  // The tokens now, and the same count exactly, in thousandths of a token.
  double tokens() const noexcept { return static_cast<double>(milli_tokens()) / milli_per_token; }
  std::uint64_t milli_tokens() const noexcept { return milli_tokens_.load(std::memory_order_relaxed); }

  // The settings as kept: rounded to thousandths.
  double max_tokens() const noexcept { return static_cast<double>(max_milli_) / milli_per_token; }
  double token_ratio() const noexcept { return static_cast<double>(ratio_milli_) / milli_per_token; }

 private:
  static constexpr std::uint64_t milli_per_token = 1000;

  [[noreturn]] static void invalid(const char* parameter, const char* requirement, double got) {
    GRIT_DETAIL_THROW_INVALID_ARGUMENT(std::string("grit::budget::TokenBucket: ") + parameter + " " + requirement +
                                       ", got " + std::to_string(got));
  }
  // Thousandths, rounded to the nearest: 0.1 is 100 whatever its binary representation. gRPC reads the decimal
  // text and drops digits after the third; for values written with at most 3 decimals the two agree.
  static std::uint64_t to_milli(double value) noexcept {
    return static_cast<std::uint64_t>(std::llround(value * static_cast<double>(milli_per_token)));
  }
  static std::uint64_t checked_max(double max_tokens) {
    // Written so that NaN fails too.
    if (!(max_tokens > 0 && max_tokens <= 1000)) invalid("max_tokens", "must be in (0, 1000]", max_tokens);
    const std::uint64_t milli = to_milli(max_tokens);
    if (milli == 0) invalid("max_tokens", "must be in (0, 1000], and is 0 when kept to 3 decimal places", max_tokens);
    return milli;
  }
  static std::uint64_t checked_ratio(double token_ratio) {
    // Bounded above only so that the fixed-point value fits: any ratio >= max_tokens refills at once.
    if (!(token_ratio > 0 && token_ratio <= 1e6)) invalid("token_ratio", "must be > 0 (and at most 1e6)", token_ratio);
    const std::uint64_t milli = to_milli(token_ratio);
    if (milli == 0) invalid("token_ratio", "must be > 0, and is 0 when kept to 3 decimal places", token_ratio);
    return milli;
  }

  static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "grit::budget::TokenBucket needs a lock-free word");

  std::uint64_t max_milli_;    // max_tokens in thousandths, in [1, 1'000'000]
  std::uint64_t ratio_milli_;  // token_ratio in thousandths, in [1, 1'000'000'000]
  std::atomic<std::uint64_t> milli_tokens_;
};

// No budget: retries are limited by the stop policies alone.
struct None {
  using grit_category = category::budget;
  static constexpr bool limits_retries = false;
};

template <TokenBucket&... Bucket>
class Shared;

// A bucket with static storage, named in the type: `budget::Shared<api_budget>`.
template <TokenBucket& Bucket>
class Shared<Bucket> {
 public:
  using grit_category = category::budget;
  static constexpr bool limits_retries = true;
  static bool allows_retry() noexcept { return Bucket.allows_retry(); }
  static void on_failure() noexcept { Bucket.on_failure(); }
  static void on_success() noexcept { Bucket.on_success(); }
  static constexpr TokenBucket& bucket() noexcept { return Bucket; }
};

// A bucket given at run time: `budget::Shared<>{bucket}`. It refers to the bucket, which must outlive every call.
template <>
class Shared<> {
 public:
  using grit_category = category::budget;
  static constexpr bool limits_retries = true;
  constexpr explicit Shared(TokenBucket& bucket) noexcept : bucket_(&bucket) {}
  bool allows_retry() const noexcept { return bucket_->allows_retry(); }
  void on_failure() const noexcept { bucket_->on_failure(); }
  void on_success() const noexcept { bucket_->on_success(); }
  constexpr TokenBucket& bucket() const noexcept { return *bucket_; }

 private:
  TokenBucket* bucket_;
};

}  // namespace budget

// --- The run-time form in a plan (detail/twin.hpp): every bucket shares one plan ---------------------------------
namespace detail {
template <>
struct Twin<budget::Shared<>> : OwnTwin<budget::Shared<>, budget::Shared<>> {};  // held by value: one pointer
template <budget::TokenBucket& Bucket>
struct Twin<budget::Shared<Bucket>> : OwnTwin<budget::Shared<Bucket>, budget::Shared<>> {
  static constexpr budget::Shared<> of(const budget::Shared<Bucket>&) noexcept { return budget::Shared<>{Bucket}; }
};
}  // namespace detail

static_assert(BudgetPolicy<budget::None> && BudgetPolicy<budget::Shared<>>);
static_assert(detail::all_map_to<budget::Shared<>, budget::Shared<>>, "every shared bucket maps onto budget::Shared<>");

}  // namespace grit
