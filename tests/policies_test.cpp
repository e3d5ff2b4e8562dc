// Each policy primitive on its own: wait, jitter, random engines, stop, and the Verdict a filter returns.
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
constexpr nanoseconds ns_max = nanoseconds::max();

// --- wait::Exponential ------------------------------------------------------------------------------------------

TEST(WaitExponential, DefaultsAreStaminasDoublingFrom100msCappedAt5s) {
  const grit::wait::Exponential<> w;
  EXPECT_EQ(w.initial(), 100ms);
  EXPECT_EQ(w.max(), 5s);
  EXPECT_EQ(w.base(), 2.0);
  EXPECT_EQ(w.delay(1), 100ms);
  EXPECT_EQ(w.delay(2), 200ms);
  EXPECT_EQ(w.delay(3), 400ms);
  EXPECT_EQ(w.delay(4), 800ms);
  EXPECT_EQ(w.delay(5), 1600ms);
  EXPECT_EQ(w.delay(6), 3200ms);
  EXPECT_EQ(w.delay(7), 5s);  // 6.4 s capped
  EXPECT_EQ(w.delay(8), 5s);
  EXPECT_EQ(w.delay(1000), 5s);
}

TEST(WaitExponential, ExactSequenceUpToTheCap) {
  const grit::wait::Exponential<100ms, 10s, 2> w;
  nanoseconds expected = 100ms;
  for (std::uint64_t n = 1; n <= 200; ++n) {
    EXPECT_EQ(w.delay(n), std::min<nanoseconds>(expected, 10s)) << "n = " << n;
    if (expected < 10s) expected *= 2;
  }
}

TEST(WaitExponential, HugeAttemptNumbersSaturateToMax) {
  const grit::wait::Exponential<100ms, 5s> w;
  EXPECT_EQ(w.delay(static_cast<std::uint64_t>(INT_MAX)), 5s);
  EXPECT_EQ(w.delay(static_cast<std::uint64_t>(INT_MAX) + 1), 5s);
  EXPECT_EQ(w.delay(u64_max), 5s);
  EXPECT_EQ(w.delay(u64_max - 1), 5s);
}

TEST(WaitExponential, FractionalBase) {
  const grit::wait::Exponential<100ms, 10s, 1.5> w;
  EXPECT_DOUBLE_EQ(w.base(), 1.5);
  EXPECT_EQ(w.delay(1), 100ms);
  EXPECT_EQ(w.delay(2), 150ms);
  EXPECT_EQ(w.delay(3), 225ms);
  EXPECT_EQ(w.delay(4), 337500us);
  EXPECT_EQ(w.delay(5), 506250us);
  // 0.1 * 1.5^11 = 8.65 s; 1.5^12 -> 12.97 s, capped.
  EXPECT_LT(w.delay(12), 10s);
  EXPECT_GT(w.delay(12), 8s);
  EXPECT_EQ(w.delay(13), 10s);
  EXPECT_EQ(w.delay(2000), 10s);  // 1.5^1999 overflows a double to infinity
  EXPECT_EQ(w.delay(static_cast<std::uint64_t>(INT_MAX)), 10s);
  EXPECT_EQ(w.delay(u64_max), 10s);
}

TEST(WaitExponential, DelaysNeverDecreaseAndNeverExceedMax) {
  const grit::wait::Exponential<3ms, 7s, 1.7> w;
  nanoseconds previous = 0ns;
  for (std::uint64_t n = 1; n < 5000; ++n) {
    const nanoseconds d = w.delay(n);
    EXPECT_GE(d, previous) << n;
    EXPECT_LE(d, 7s) << n;
    previous = d;
  }
}

TEST(WaitExponential, BaseOneWaitsInitialEveryTime) {
  const grit::wait::Exponential<250ms, 5s, 1> w;
  EXPECT_EQ(w.delay(1), 250ms);
  EXPECT_EQ(w.delay(2), 250ms);
  EXPECT_EQ(w.delay(1000), 250ms);
  EXPECT_EQ(w.delay(u64_max), 250ms);
  const grit::wait::Exponential<250ms, 5s, 1.0> w_double;
  EXPECT_EQ(w_double.delay(u64_max), 250ms);
}

TEST(WaitExponential, InitialZeroAlwaysWaitsZero) {
  const grit::wait::Exponential<0ms, 5s> w;
  for (std::uint64_t n : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{64}, std::uint64_t{65}, u64_max})
    EXPECT_EQ(w.delay(n), 0ns) << n;
}

TEST(WaitExponential, NoOverflowWithAnUnboundedCap) {
  // Max = the largest duration: the doubling itself must saturate, not wrap.
  const grit::wait::Exponential<1ns, ns_max, 2> w;
  EXPECT_EQ(w.delay(63), nanoseconds(std::int64_t{1} << 62));
  EXPECT_EQ(w.delay(64), ns_max);  // 2^63 does not fit
  EXPECT_EQ(w.delay(65), ns_max);
  EXPECT_EQ(w.delay(static_cast<std::uint64_t>(INT_MAX)), ns_max);
  EXPECT_EQ(w.delay(u64_max), ns_max);

  const grit::wait::Exponential<1ns, ns_max, 1.5> fractional;
  EXPECT_GT(fractional.delay(100), 0ns);
  EXPECT_EQ(fractional.delay(200), ns_max);
  EXPECT_EQ(fractional.delay(static_cast<std::uint64_t>(INT_MAX)), ns_max);
  EXPECT_EQ(fractional.delay(u64_max), ns_max);

  const grit::wait::Exponential<1s, ns_max, 1000> big_base;
  EXPECT_EQ(big_base.delay(2), 1000s);
  EXPECT_EQ(big_base.delay(4), 1'000'000'000s);
  EXPECT_EQ(big_base.delay(5), ns_max);
  EXPECT_EQ(big_base.delay(u64_max), ns_max);
}

TEST(WaitExponential, ACompileTimeExponentialIsEmpty) {
  EXPECT_TRUE(std::is_empty_v<grit::wait::Exponential<>>);
  EXPECT_TRUE((std::is_empty_v<grit::wait::Exponential<100ms, 5s, 1.5>>));
}

// --- wait::Fixed, wait::Linear, wait::None ----------------------------------------------------------------------

TEST(WaitFixed, SameWaitEveryTime) {
  const grit::wait::Fixed<250ms> w;
  EXPECT_EQ(w.initial(), 250ms);
  EXPECT_EQ(w.max(), 250ms);
  for (std::uint64_t n : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{77}, u64_max}) EXPECT_EQ(w.delay(n), 250ms);
}

TEST(WaitFixed, HugeDurationsSaturateInsteadOfOverflowing) {
  // 3 million hours is more than 292 years: more than int64 nanoseconds can hold.
  const grit::wait::Fixed<std::chrono::hours(3'000'000)> w;
  EXPECT_EQ(w.delay(1), ns_max);
}

TEST(WaitLinear, GrowsByStepUpToMax) {
  const grit::wait::Linear<100ms, 50ms, 1s> w;
  EXPECT_EQ(w.initial(), 100ms);
  EXPECT_EQ(w.step(), 50ms);
  EXPECT_EQ(w.max(), 1s);
  EXPECT_EQ(w.delay(1), 100ms);
  EXPECT_EQ(w.delay(2), 150ms);
  EXPECT_EQ(w.delay(3), 200ms);
  EXPECT_EQ(w.delay(18), 950ms);
  EXPECT_EQ(w.delay(19), 1s);
  EXPECT_EQ(w.delay(20), 1s);
  EXPECT_EQ(w.delay(static_cast<std::uint64_t>(INT_MAX)), 1s);
  EXPECT_EQ(w.delay(u64_max), 1s);
}

TEST(WaitLinear, SaturatesAtHugeAttemptNumbers) {
  const grit::wait::Linear<1ns, 1ns, ns_max> w;
  EXPECT_EQ(w.delay(1), 1ns);
  EXPECT_EQ(w.delay(1000), 1000ns);
  const auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(w.delay(int64_max), ns_max);      // 1 + (2^63 - 2) = 2^63 - 1: exactly the largest
  EXPECT_EQ(w.delay(int64_max + 1), ns_max);  // would overflow
  EXPECT_EQ(w.delay(int64_max + 2), ns_max);  // steps no longer fit an int64
  EXPECT_EQ(w.delay(u64_max), ns_max);

  const grit::wait::Linear<1s, 1ms, ns_max> millis;
  EXPECT_EQ(millis.delay(static_cast<std::uint64_t>(INT_MAX)), 1s + 1ms * (static_cast<std::int64_t>(INT_MAX) - 1));
  EXPECT_EQ(millis.delay(u64_max), ns_max);
  const grit::wait::Linear<1s, 1h, ns_max> hours;  // 1 h * 2^31 does not fit in int64 nanoseconds
  EXPECT_EQ(hours.delay(static_cast<std::uint64_t>(INT_MAX)), ns_max);
}

TEST(WaitLinear, ZeroStepIsFixed) {
  const grit::wait::Linear<300ms, 0ms, 1s> w;
  EXPECT_EQ(w.delay(1), 300ms);
  EXPECT_EQ(w.delay(u64_max), 300ms);
}

TEST(WaitNone, AlwaysZero) {
  const grit::wait::None w;
  EXPECT_EQ(w.initial(), 0ns);
  EXPECT_EQ(w.max(), 0ns);
  EXPECT_EQ(w.delay(1), 0ns);
  EXPECT_EQ(w.delay(u64_max), 0ns);
}

// --- jitter ---------------------------------------------------------------------------------------------------

// The random bits the jitter tests draw from: a seeded random policy and its per-call state, as a schedule hands
// them to a jitter.
struct SeededBits {
  grit::random::Seeded<42> random;
  grit::random::Seeded<42>::state_type state = random.start();
  std::uint64_t operator()() { return random.next(state); }
};

grit::JitterInput input(std::uint64_t attempt, nanoseconds initial, nanoseconds previous, nanoseconds max) {
  return grit::JitterInput{attempt, initial, previous, max};
}

constexpr int draws = 20000;

struct DrawnRange {
  nanoseconds lo = nanoseconds::max();
  nanoseconds hi = nanoseconds::min();
};

// Applies a jitter `draws` times to the same delay and input; the smallest and largest waits it gave.
template <class Jitter, class Draw>
DrawnRange draw_range(const Jitter& j, Draw& state, nanoseconds delay, const grit::JitterInput& in) {
  DrawnRange range;
  for (int i = 0; i < draws; ++i) {
    const nanoseconds w = j.apply(delay, in, state);
    range.lo = std::min(range.lo, w);
    range.hi = std::max(range.hi, w);
  }
  return range;
}

TEST(JitterAdditive, AddsUniformZeroToMax) {
  const grit::jitter::Additive<1s> j;
  EXPECT_EQ(j.max(), 1s);
  SeededBits state;
  nanoseconds lo = ns_max, hi = nanoseconds::min();
  int below_half = 0;
  for (int i = 0; i < draws; ++i) {
    const nanoseconds w = j.apply(200ms, input(1, 100ms, 100ms, 10s), state);
    ASSERT_GE(w, 200ms);
    ASSERT_LE(w, 1200ms);
    lo = std::min(lo, w);
    hi = std::max(hi, w);
    if (w < 700ms) ++below_half;
  }
  // The draws cover the whole range, evenly.
  EXPECT_LT(lo, 210ms);
  EXPECT_GT(hi, 1190ms);
  EXPECT_NEAR(below_half, draws / 2, draws / 20);
}

TEST(JitterAdditive, NoDrawOnceTheDelayReachesTheCap) {
  const grit::jitter::Additive<1s> j;
  SeededBits state;
  const auto before = state.state.state;
  EXPECT_EQ(j.apply(5s, input(7, 100ms, 5s, 5s), state), 5s);
  EXPECT_EQ(j.apply(6s, input(8, 100ms, 5s, 5s), state), 6s);  // returned as is; the schedule caps it
  EXPECT_EQ(state.state.state, before) << "the engine was drawn from although no draw could change the capped result";
  // Below the cap it does draw.
  (void)j.apply(4s, input(6, 100ms, 3s, 5s), state);
  EXPECT_NE(state.state.state, before);
}

TEST(JitterAdditive, ZeroMaxAddsNothingAndDrawsNothing) {
  const grit::jitter::Additive<0ms> j;
  SeededBits state;
  const auto before = state.state.state;
  EXPECT_EQ(j.apply(300ms, input(1, 300ms, 300ms, 5s), state), 300ms);
  EXPECT_EQ(state.state.state, before);
}

TEST(JitterAdditive, SaturatesInsteadOfOverflowing) {
  const grit::jitter::Additive<1s> j;
  SeededBits state;
  for (int i = 0; i < 100; ++i) {
    const nanoseconds w = j.apply(ns_max - 1ns, input(1, 1ns, 1ns, ns_max), state);
    EXPECT_GE(w, ns_max - 1ns);
  }
}

TEST(JitterFull, UniformZeroToDelay) {
  const grit::jitter::Full j;
  SeededBits state;
  const auto [lo, hi] = draw_range(j, state, 800ms, input(4, 100ms, 400ms, 5s));
  EXPECT_GE(lo, 0ns);
  EXPECT_LE(hi, 800ms);
  EXPECT_LT(lo, 10ms);
  EXPECT_GT(hi, 790ms);
  EXPECT_EQ(j.apply(0ns, input(1, 0ns, 0ns, 5s), state), 0ns);
}

TEST(JitterEqual, HalfDelayPlusUniformHalf) {
  const grit::jitter::Equal j;
  SeededBits state;
  const auto [lo, hi] = draw_range(j, state, 801ms, input(4, 100ms, 400ms, 5s));
  EXPECT_GE(lo, 400500us);
  EXPECT_LE(hi, 801ms);
  EXPECT_LT(lo, 410ms);
  EXPECT_GT(hi, 790ms);
}

TEST(JitterDecorrelated, UniformFromInitialToThreeTimesThePreviousWait) {
  const grit::jitter::Decorrelated j;
  SeededBits state;
  // The delay argument is ignored: decorrelated jitter grows from the previous wait.
  const auto [lo, hi] = draw_range(j, state, 7s, input(3, 100ms, 1s, 10s));
  EXPECT_GE(lo, 100ms);
  EXPECT_LE(hi, 3s);
  EXPECT_LT(lo, 150ms);
  EXPECT_GT(hi, 2900ms);
  // Before the first wait (previous = initial): [initial, 3 * initial].
  for (int i = 0; i < 1000; ++i) {
    const nanoseconds w = j.apply(100ms, input(1, 100ms, 100ms, 10s), state);
    ASSERT_GE(w, 100ms);
    ASSERT_LE(w, 300ms);
  }
  // A previous wait so large that tripling it overflows saturates.
  for (int i = 0; i < 1000; ++i) ASSERT_GE(j.apply(0ns, input(9, 1ms, ns_max / 2, ns_max), state), 1ms);
}

TEST(JitterNone, ReturnsTheDelay) {
  const grit::jitter::None j;
  SeededBits state;
  EXPECT_EQ(j.apply(123ms, input(1, 100ms, 100ms, 5s), state), 123ms);
  EXPECT_EQ(j.apply(ns_max, input(1, 100ms, 100ms, 5s), state), ns_max);
}

// --- random policies ---------------------------------------------------------------------------------------------

template <class Random>
std::vector<std::uint64_t> first_draws(const Random& e, int n) {
  auto s = e.start();
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(e.next(s));
  return out;
}

TEST(SeededRandom, SameSeedSameSequenceOnEveryStart) {
  const grit::random::Seeded<42> e;
  const auto a = first_draws(e, 64);
  const auto b = first_draws(e, 64);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, first_draws(grit::random::Seeded<42>{}, 64));
  // The draws are not constant.
  EXPECT_GT(std::set<std::uint64_t>(a.begin(), a.end()).size(), 60u);
}

TEST(SeededRandom, DifferentSeedsDifferentSequences) {
  EXPECT_NE(first_draws(grit::random::Seeded<42>{}, 8), first_draws(grit::random::Seeded<43>{}, 8));
  EXPECT_NE(first_draws(grit::random::Seeded<0>{}, 8), first_draws(grit::random::Seeded<1>{}, 8));
}

// The first seeded engine kept its seed in an int64 and saturated: every seed >= 2^63 drew one stream (docs/storm.md).
TEST(SeededRandom, KeepsEvery64BitSeed) {
  const grit::random::Seeded<> a{~std::uint64_t{0}};
  const grit::random::Seeded<> b{~std::uint64_t{0} - 1};
  EXPECT_EQ(a.seed(), ~std::uint64_t{0});
  EXPECT_NE(first_draws(a, 4), first_draws(b, 4));
}

TEST(SeededRandom, AJitterDrawingFromASeededPolicyReplaysItsWaits) {
  const grit::jitter::Additive<1s> j;
  std::vector<nanoseconds> first, second;
  SeededBits s1;
  for (int i = 0; i < 32; ++i) first.push_back(j.apply(100ms, input(1, 100ms, 100ms, 5s), s1));
  SeededBits s2;
  for (int i = 0; i < 32; ++i) second.push_back(j.apply(100ms, input(1, 100ms, 100ms, 5s), s2));
  EXPECT_EQ(first, second);
}

TEST(ThreadLocalRandom, DrawsSpreadAndDoNotRepeat) {
  const grit::random::ThreadLocal e;
  auto s = e.start();
  std::set<std::uint64_t> seen;
  int high_bit = 0;
  for (int i = 0; i < draws; ++i) {
    const std::uint64_t v = e.next(s);
    seen.insert(v);
    if (v >> 63) ++high_bit;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(draws));
  EXPECT_NEAR(high_bit, draws / 2, draws / 20);

  const grit::jitter::Additive<1s> j;  // drawing from the default random policy, through grit::random::Bits
  auto state = e.start();
  grit::random::Bits js(e, state);
  const auto [lo, hi] = draw_range(j, js, 100ms, input(1, 100ms, 100ms, 5s));
  EXPECT_GE(lo, 100ms);
  EXPECT_LE(hi, 1100ms);
  EXPECT_LT(lo, 150ms);
  EXPECT_GT(hi, 1050ms);
}

TEST(ThreadLocalRandom, ThreadsDrawDifferentSequences) {
  const auto mine = first_draws(grit::random::ThreadLocal{}, 8);
  std::vector<std::uint64_t> theirs;
  std::thread([&] { theirs = first_draws(grit::random::ThreadLocal{}, 8); }).join();
  EXPECT_NE(mine, theirs);
  // The same thread keeps drawing new values: a fresh start does not replay.
  EXPECT_NE(mine, first_draws(grit::random::ThreadLocal{}, 8));
}

// --- stop -------------------------------------------------------------------------------------------------------

TEST(StopAttempts, StopsAfterTheNthAttempt) {
  const grit::stop::Attempts<3> s;
  EXPECT_EQ(s.attempt_limit(), 3u);
  EXPECT_FALSE(s.should_stop({1, 0ns}));
  EXPECT_FALSE(s.should_stop({2, 1h}));
  EXPECT_TRUE(s.should_stop({3, 0ns}));
  EXPECT_TRUE(s.should_stop({4, 0ns}));
  EXPECT_TRUE(s.should_stop({u64_max, 0ns}));
  EXPECT_EQ(s.time_left({1, 0ns}), ns_max);
  EXPECT_EQ(grit::stop::Attempts<3>::reason, grit::GiveUpReason::attempts);
  EXPECT_FALSE(grit::stop::Attempts<3>::uses_clock);
  EXPECT_TRUE(std::is_empty_v<grit::stop::Attempts<3>>);
}

TEST(StopAttempts, OneMeansNoRetry) {
  const grit::stop::Attempts<1> s;
  EXPECT_TRUE(s.should_stop({1, 0ns}));
}

TEST(StopAttempts, LargeLimits) {
  const grit::stop::Attempts<INT_MAX> s;
  EXPECT_EQ(s.attempt_limit(), static_cast<std::uint64_t>(INT_MAX));
  EXPECT_FALSE(s.should_stop({static_cast<std::uint64_t>(INT_MAX) - 1, 0ns}));
  EXPECT_TRUE(s.should_stop({static_cast<std::uint64_t>(INT_MAX), 0ns}));
  const grit::stop::Attempts<std::numeric_limits<std::int64_t>::max()> largest;
  EXPECT_FALSE(largest.should_stop({u64_max / 2 - 1, 0ns}));
  EXPECT_TRUE(largest.should_stop({u64_max, 0ns}));
}

TEST(StopTimeout, StopsOnceTheBudgetIsSpent) {
  const grit::stop::Timeout<10s> s;
  EXPECT_EQ(s.timeout(), 10s);
  EXPECT_FALSE(s.should_stop({1, 0ns}));
  EXPECT_FALSE(s.should_stop({1, 9999ms}));
  EXPECT_TRUE(s.should_stop({1, 10s}));
  EXPECT_TRUE(s.should_stop({1, 11s}));
  EXPECT_FALSE(s.should_stop({1000, 1s})) << "a timeout does not count attempts";
  EXPECT_EQ(s.time_left({1, 0ns}), 10s);
  EXPECT_EQ(s.time_left({2, 4s}), 6s);
  EXPECT_EQ(s.attempt_limit(), grit::stop::no_limit);
  EXPECT_TRUE(grit::stop::Timeout<10s>::uses_clock);
  EXPECT_EQ(grit::stop::Timeout<10s>::reason, grit::GiveUpReason::timeout);
  EXPECT_TRUE(std::is_empty_v<grit::stop::Timeout<10s>>);
}

TEST(StopNever, NeverStops) {
  const grit::stop::Never s;
  EXPECT_FALSE(s.should_stop({1, 0ns}));
  EXPECT_FALSE(s.should_stop({u64_max, ns_max}));
  EXPECT_EQ(s.time_left({u64_max, ns_max}), ns_max);
  EXPECT_EQ(s.attempt_limit(), grit::stop::no_limit);
  EXPECT_FALSE(grit::stop::Never::uses_clock);
}

// --- Verdict and to_verdict -------------------------------------------------------------------------------------

TEST(Verdict, Kinds) {
  EXPECT_FALSE(grit::Verdict::give_up().retries());
  EXPECT_TRUE(grit::Verdict::retry().retries());
  EXPECT_FALSE(grit::Verdict::retry().has_exact_wait());
  const auto after = grit::Verdict::retry_after(3s);
  EXPECT_TRUE(after.retries());
  EXPECT_TRUE(after.has_exact_wait());
  EXPECT_EQ(after.exact_wait(), 3s);
  const auto now = grit::Verdict::retry_after(0s);
  EXPECT_TRUE(now.retries());
  EXPECT_TRUE(now.has_exact_wait());
  EXPECT_EQ(now.exact_wait(), 0s);
  EXPECT_EQ(grit::Verdict::retry_after(-1ns), grit::Verdict::give_up()) << "a negative wait means do not retry";
  EXPECT_NE(grit::Verdict::retry(), grit::Verdict::retry_after(0s));
}

TEST(Verdict, FromBool) {
  EXPECT_EQ(grit::to_verdict(true), grit::Verdict::retry());
  EXPECT_EQ(grit::to_verdict(false), grit::Verdict::give_up());
}

TEST(Verdict, FromDurations) {
  EXPECT_EQ(grit::to_verdict(2s), grit::Verdict::retry_after(2s));
  EXPECT_EQ(grit::to_verdict(1500ms), grit::Verdict::retry_after(1500ms));
  EXPECT_EQ(grit::to_verdict(0ms), grit::Verdict::retry_after(0ns));
  EXPECT_EQ(grit::to_verdict(std::chrono::duration<double>(0.25)), grit::Verdict::retry_after(250ms));
  EXPECT_EQ(grit::to_verdict(std::chrono::hours(3'000'000)), grit::Verdict::retry_after(ns_max)) << "saturates";
}

TEST(Verdict, NegativeDurationMeansGiveUp) {
  EXPECT_EQ(grit::to_verdict(-1s), grit::Verdict::give_up());
  EXPECT_EQ(grit::to_verdict(-1ns), grit::Verdict::give_up());
  EXPECT_EQ(grit::to_verdict(std::chrono::duration<double>(-0.5)), grit::Verdict::give_up());
}

TEST(Verdict, FromOptionalDuration) {
  EXPECT_EQ(grit::to_verdict(std::optional<std::chrono::seconds>{}), grit::Verdict::give_up());
  EXPECT_EQ(grit::to_verdict(std::optional<std::chrono::seconds>{4s}), grit::Verdict::retry_after(4s));
  EXPECT_EQ(grit::to_verdict(std::optional<std::chrono::milliseconds>{-5ms}), grit::Verdict::give_up());
}

TEST(Verdict, PassesAVerdictThrough) {
  EXPECT_EQ(grit::to_verdict(grit::Verdict::retry_after(7s)), grit::Verdict::retry_after(7s));
}

TEST(Verdict, IsConstexpr) {
  static_assert(grit::to_verdict(true).retries());
  static_assert(grit::to_verdict(std::chrono::seconds(1)).exact_wait() == std::chrono::seconds(1));
  static_assert(!grit::to_verdict(std::chrono::seconds(-1)).retries());
  SUCCEED();
}

// --- the plan's run-time forms (detail/plan.hpp) -----------------------------------------------------------------
// A Retrying's schedule works with run-time twins of grit's own policies; each twin must answer exactly as the
// policy it stands for, at every attempt number, with the same draws.

template <class Wait>
void expect_same_waits(const Wait& wait) {
  const auto twin = grit::detail::Twin<Wait>::of(wait);
  EXPECT_EQ(twin.initial(), wait.initial());
  EXPECT_EQ(twin.max(), wait.max());
  for (const std::uint64_t n : std::initializer_list<std::uint64_t>{1, 2, 3, 4, 7, 10, 40, 63, 64, 65, 1000, u64_max})
    EXPECT_EQ(twin.delay(n), wait.delay(n)) << "attempt " << n;
}

TEST(PlanForms, AnyWaitAnswersAsEachWaitPolicy) {
  expect_same_waits(grit::wait::Exponential<>{});
  expect_same_waits(grit::wait::Exponential<1ms, 1s, 1.5>{});
  expect_same_waits(grit::wait::Exponential<grit::runtime, 3s>{7ms});
  expect_same_waits(grit::wait::Fixed<200ms>{});
  expect_same_waits(grit::wait::Fixed<>{0ms});
  expect_same_waits(grit::wait::Linear<100ms, 100ms, 2s>{});
  expect_same_waits(grit::wait::Linear<>{1ns, nanoseconds(ns_max.count() / 3), ns_max});
  expect_same_waits(grit::wait::None{});
}

template <class Jitter>
void expect_same_draws(const Jitter& jitter) {
  const auto twin = grit::detail::Twin<Jitter>::of(jitter);
  SeededBits state;
  SeededBits twin_state;
  nanoseconds previous = 100ms;
  for (int n = 1; n <= 200; ++n) {
    const nanoseconds delay = nanoseconds(n * 37'000'000LL % 6'000'000'000LL);
    const grit::JitterInput input{static_cast<std::uint64_t>(n), 100ms, previous, 5s};
    const nanoseconds expected = jitter.apply(delay, input, state);
    ASSERT_EQ(twin.apply(delay, input, twin_state), expected) << "call " << n;
    previous = expected;
  }
}

TEST(PlanForms, AnyJitterDrawsAsEachJitterPolicy) {
  expect_same_draws(grit::jitter::Additive<1s>{});
  expect_same_draws(grit::jitter::Additive<grit::runtime>{250ms});
  expect_same_draws(grit::jitter::Additive<0s>{});
  expect_same_draws(grit::jitter::Full{});
  expect_same_draws(grit::jitter::Equal{});
  expect_same_draws(grit::jitter::Decorrelated{});
  expect_same_draws(grit::jitter::None{});
}

TEST(PlanForms, RetryingTypesThatDifferInNumbersShareOneScheduleType) {
  using A = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<3>, grit::wait::Fixed<1s>>;
  using B = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<7>,
                           grit::wait::Linear<1ms, 2ms, 9ms>, grit::jitter::Full>;
  using C = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<>, grit::wait::None,
                           grit::jitter::None>;
  static_assert(std::is_same_v<grit::detail::core_t<A>, grit::detail::core_t<B>>);
  static_assert(std::is_same_v<grit::detail::core_t<A>, grit::detail::core_t<C>>);
  // grit's own stops, whichever: one schedule type too (stamina's defaults included).
  using D = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Timeout<1s>>;
  using E = grit::Retrying<grit::RetryOn<grit_test::TransientError>>;
  static_assert(std::is_same_v<grit::detail::core_t<A>, grit::detail::core_t<D>>);
  static_assert(std::is_same_v<grit::detail::core_t<A>, grit::detail::core_t<E>>);
  // Every seed too: the seed is a number in the plan.
  using H = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<3>, grit::random::Seeded<1>>;
  using I = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::jitter::Equal, grit::random::Seeded<>>;
  static_assert(std::is_same_v<grit::detail::core_t<H>, grit::detail::core_t<I>>);
  // A user-written stop policy, or another filter, makes another schedule type.
  struct UserStop : grit::stop::Base {};
  using F = grit::Retrying<grit::RetryOn<grit_test::TransientError>, grit::stop::Attempts<3>, UserStop>;
  using G = grit::Retrying<grit::RetryOn<std::system_error>, grit::stop::Attempts<3>>;
  static_assert(!std::is_same_v<grit::detail::core_t<A>, grit::detail::core_t<F>>);
  static_assert(!std::is_same_v<grit::detail::core_t<A>, grit::detail::core_t<G>>);
  // The numbers live in the plan: each Retrying still decides with its own.
  const grit::testing::Scope off(false);  // read when a schedule is made
  const A a;
  const B b;
  grit::Schedule<A> sa = a.schedule();
  grit::Schedule<B> sb = b.schedule();
  EXPECT_EQ(sa.on_failure(grit::Verdict::retry(), grit::Cause{}).wait(), 1s);
  EXPECT_LE(sb.on_failure(grit::Verdict::retry(), grit::Cause{}).wait(), 1ms);
}

// AnyStops answers as the stop policies it stands for, the reason included: the first written among those that say
// stop, as with separate policies.
TEST(PlanForms, AnyStopsAnswersAsTheStopsItStandsFor) {
  using grit::GiveUpReason;
  using grit::StopContext;
  const auto both = grit::detail::any_stops(grit::stop::Attempts<3>{}, grit::stop::Timeout<1s>{});
  EXPECT_EQ(both.attempt_limit(), 3u);
  EXPECT_TRUE(both.reads_clock());
  EXPECT_FALSE(both.ask(StopContext{2, 999ms}).stop);
  EXPECT_EQ(both.ask(StopContext{2, 400ms}).time_left, 600ms);
  EXPECT_TRUE(both.ask(StopContext{3, 0ms}).stop);
  EXPECT_EQ(both.ask(StopContext{3, 0ms}).reason, GiveUpReason::attempts);
  EXPECT_TRUE(both.ask(StopContext{1, 1s}).stop);
  EXPECT_EQ(both.ask(StopContext{1, 1s}).reason, GiveUpReason::timeout);
  EXPECT_EQ(both.ask(StopContext{3, 1s}).reason, GiveUpReason::attempts);  // Attempts is written first

  const auto timeout_first = grit::detail::any_stops(grit::stop::Timeout<>{2s}, grit::stop::Attempts<>{4},
                                                     grit::stop::Attempts<9>{}, grit::stop::Timeout<5s>{});
  EXPECT_EQ(timeout_first.attempt_limit(), 4u);                                    // the least limit
  EXPECT_EQ(timeout_first.ask(StopContext{1, 500ms}).time_left, 1500ms);           // the least timeout
  EXPECT_EQ(timeout_first.ask(StopContext{4, 2s}).reason, GiveUpReason::timeout);  // Timeout is written first

  const auto attempts_only = grit::detail::any_stops(grit::stop::Attempts<5>{});
  EXPECT_FALSE(attempts_only.reads_clock());  // the schedule then never reads the clock
  EXPECT_EQ(attempts_only.ask(StopContext{1, 10s}).time_left, ns_max);
  EXPECT_FALSE(attempts_only.ask(StopContext{4, ns_max}).stop);

  const auto never = grit::detail::any_stops(grit::stop::Never{});
  EXPECT_EQ(never.attempt_limit(), grit::stop::no_limit);
  EXPECT_FALSE(never.ask(StopContext{u64_max - 1, ns_max}).stop);
}

// With a user-written stop policy, the stops are asked one by one in the order written (detail::StopList).
TEST(PlanForms, AStopListAsksEachStopInOrder) {
  using grit::GiveUpReason;
  using grit::StopContext;
  struct AtTwo : grit::stop::Base {
    bool should_stop(const StopContext& c) const { return c.attempt >= 2; }
  };
  const auto list = grit::detail::stops_of(grit::stop::Timeout<1s>{}, AtTwo{}, grit::stop::Attempts<2>{});
  static_assert(!std::is_same_v<std::remove_const_t<decltype(list)>, grit::detail::AnyStops>);
  EXPECT_TRUE(list.reads_clock());
  EXPECT_EQ(list.attempt_limit(), 2u);
  EXPECT_FALSE(list.ask(StopContext{1, 200ms}).stop);
  EXPECT_EQ(list.ask(StopContext{1, 200ms}).time_left, 800ms);
  EXPECT_EQ(list.ask(StopContext{2, 0ms}).reason, GiveUpReason::stopped);  // AtTwo is written before Attempts
  EXPECT_EQ(list.ask(StopContext{2, 1s}).reason, GiveUpReason::timeout);   // and Timeout before both
}

}  // namespace
