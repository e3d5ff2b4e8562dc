// Run-time values under the same names (`Attempts<>{n}` next to `Attempts<5>`), Retrying made from its run-time
// policies, validation with std::invalid_argument naming the parameter, and the size of compile-time policies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using grit::runtime;
using grit::testing::VirtualClock;
using grit_test::calls_until_thrown;
using grit_test::TransientError;

constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

// The attempt numbers at which wait policies are compared with their compile-time twins.
std::vector<std::uint64_t> sample_attempts() {
  std::vector<std::uint64_t> n;
  for (std::uint64_t i = 1; i <= 100; ++i) n.push_back(i);
  for (std::uint64_t i : {std::uint64_t{1000}, static_cast<std::uint64_t>(INT_MAX), u64_max - 1, u64_max})
    n.push_back(i);
  return n;
}

template <class A, class B>
void expect_same_delays(const A& a, const B& b) {
  EXPECT_EQ(a.initial(), b.initial());
  EXPECT_EQ(a.max(), b.max());
  for (std::uint64_t n : sample_attempts()) ASSERT_EQ(a.delay(n), b.delay(n)) << "n = " << n;
}

// --- each policy against its compile-time twin ------------------------------------------------------------------

TEST(RuntimeValues, Attempts) {
  const grit::stop::Attempts<> a{3};
  EXPECT_EQ(a.attempt_limit(), 3u);
  const grit::stop::Attempts<3> twin;
  for (std::uint64_t n : {1u, 2u, 3u, 4u}) EXPECT_EQ(a.should_stop({n, 0ns}), twin.should_stop({n, 0ns})) << n;
  EXPECT_EQ(grit::stop::Attempts<>{std::size_t{7}}.attempt_limit(), 7u);
  EXPECT_EQ(grit::stop::Attempts<>{u64_max}.attempt_limit(),
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      << "a limit beyond int64 saturates";
  EXPECT_FALSE(std::is_empty_v<grit::stop::Attempts<>>);
}

TEST(RuntimeValues, Timeout) {
  const grit::stop::Timeout<> t{2s};
  EXPECT_EQ(t.timeout(), 2s);
  const grit::stop::Timeout<2s> twin;
  for (nanoseconds e : {nanoseconds(0), nanoseconds(1999ms), nanoseconds(2s), nanoseconds(3s)}) {
    EXPECT_EQ(t.should_stop({1, e}), twin.should_stop({1, e}));
    EXPECT_EQ(t.time_left({1, e}), twin.time_left({1, e}));
  }
  EXPECT_EQ(grit::stop::Timeout<>{std::chrono::duration<double>(1.5)}.timeout(), 1500ms);
  EXPECT_EQ(grit::stop::Timeout<>{std::chrono::hours(3'000'000)}.timeout(), nanoseconds::max()) << "saturates";
}

TEST(RuntimeValues, Fixed) {
  expect_same_delays(grit::wait::Fixed<>{250ms}, grit::wait::Fixed<250ms>{});
  expect_same_delays(grit::wait::Fixed<>{0ms}, grit::wait::Fixed<0ms>{});
}

TEST(RuntimeValues, ExponentialAllRuntime) {
  const grit::wait::Exponential<runtime, runtime, runtime> w{100ms, 5s, 2.0};
  EXPECT_EQ(w.base(), 2.0);
  expect_same_delays(w, grit::wait::Exponential<100ms, 5s, 2>{});
  expect_same_delays(grit::wait::Exponential<runtime, runtime, runtime>{100ms, 10s, 1.5},
                     grit::wait::Exponential<100ms, 10s, 1.5>{});
  expect_same_delays(grit::wait::Exponential<runtime, runtime, runtime>{250ms, 5s, 1.0},
                     grit::wait::Exponential<250ms, 5s, 1>{});
  expect_same_delays(grit::wait::Exponential<runtime, runtime, runtime>{1ns, nanoseconds::max(), 3.0},
                     grit::wait::Exponential<1ns, nanoseconds::max(), 3>{});
}

TEST(RuntimeValues, ExponentialMixed) {
  expect_same_delays(grit::wait::Exponential<runtime, 5s>{100ms}, grit::wait::Exponential<100ms, 5s>{});
  expect_same_delays(grit::wait::Exponential<100ms, runtime>{7s}, grit::wait::Exponential<100ms, 7s>{});
  expect_same_delays(grit::wait::Exponential<100ms, 5s, runtime>{1.5}, grit::wait::Exponential<100ms, 5s, 1.5>{});
  // The values go to the run-time parameters in order: Initial, then Base.
  expect_same_delays(grit::wait::Exponential<runtime, 5s, runtime>{200ms, 3.0},
                     grit::wait::Exponential<200ms, 5s, 3>{});
}

TEST(RuntimeValues, ExponentialAHugeRunTimeBaseSaturates) {
  // A base beyond any integer: no undefined conversion, the cap at once.
  const grit::wait::Exponential<runtime, runtime, runtime> huge{100ms, 5s, 1e30};
  EXPECT_EQ(huge.delay(1), 100ms);
  EXPECT_EQ(huge.delay(2), 5s);
  EXPECT_EQ(huge.delay(u64_max), 5s);
  const grit::wait::Exponential<runtime, runtime, runtime> infinite{100ms, 5s, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(infinite.delay(1), 100ms);
  EXPECT_EQ(infinite.delay(2), 5s);
  EXPECT_EQ(infinite.delay(u64_max), 5s);
}

TEST(RuntimeValues, Linear) {
  expect_same_delays(grit::wait::Linear<>{100ms, 50ms, 1s}, grit::wait::Linear<100ms, 50ms, 1s>{});
  expect_same_delays(grit::wait::Linear<>{1ns, 1ns, nanoseconds::max()},
                     grit::wait::Linear<1ns, 1ns, nanoseconds::max()>{});
  expect_same_delays(grit::wait::Linear<100ms, runtime, 1s>{25ms}, grit::wait::Linear<100ms, 25ms, 1s>{});
}

// Two jitters drawing from two random policies: the same waits, draw for draw.
template <class A, class RA, class B, class RB>
void expect_same_draws(const A& a, const RA& ra, const B& b, const RB& rb) {
  auto sa = ra.start();
  auto sb = rb.start();
  grit::random::Bits da(ra, sa), db(rb, sb);
  for (int i = 0; i < 200; ++i) {
    const grit::JitterInput in{1, 100ms, 100ms, 5s};
    ASSERT_EQ(a.apply(100ms, in, da), b.apply(100ms, in, db)) << i;
  }
}

TEST(RuntimeValues, AdditiveAndSeededRandom) {
  using Seeded42 = grit::random::Seeded<42>;
  expect_same_draws(grit::jitter::Additive<runtime>{1s}, Seeded42{}, grit::jitter::Additive<1s>{}, Seeded42{});
  expect_same_draws(grit::jitter::Additive<1s>{}, grit::random::Seeded<>{42}, grit::jitter::Additive<1s>{}, Seeded42{});
  expect_same_draws(grit::jitter::Additive<runtime>{1s}, grit::random::Seeded<>{42}, grit::jitter::Additive<1s>{},
                    Seeded42{});
  EXPECT_EQ(grit::jitter::Additive<runtime>{250ms}.max(), 250ms);

  // The run-time seed matches its twin draw for draw.
  const grit::random::Seeded<> e{42};
  const Seeded42 twin;
  auto s = e.start();
  auto t = twin.start();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(e.next(s), twin.next(t));
  // Another seed, another sequence.
  auto u = grit::random::Seeded<>{43}.start();
  auto v = twin.start();
  EXPECT_NE(grit::random::Seeded<>::next(u), Seeded42::next(v));

  // A run-time Additive with the default engine stays in range.
  const grit::jitter::Additive<runtime> j{300ms};
  const grit::random::ThreadLocal random;
  auto state = random.start();
  grit::random::Bits js(random, state);
  for (int i = 0; i < 1000; ++i) {
    const nanoseconds w = j.apply(100ms, {1, 100ms, 100ms, 5s}, js);
    ASSERT_GE(w, 100ms);
    ASSERT_LE(w, 400ms);
  }
}

// --- Retrying made from its run-time policies -------------------------------------------------------------------

using RuntimeRetry = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<>, grit::wait::Fixed<>,
                                    grit::jitter::None, VirtualClock>;

int always_failing_calls(const RuntimeRetry& retry) {
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw TransientError("x");
               }),
               TransientError);
  return calls;
}

TEST(RuntimeRetrying, ConstructedFromItsPoliciesInAnyOrder) {
  {
    VirtualClock clock;
    const RuntimeRetry retry{grit::stop::Attempts<>{3}, grit::wait::Fixed<>{250ms}, clock};
    EXPECT_EQ(always_failing_calls(retry), 3);
    EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{250ms, 250ms}));
  }
  {
    VirtualClock clock;
    const RuntimeRetry retry{clock, grit::wait::Fixed<>{10ms}, grit::stop::Attempts<>{4}};
    EXPECT_EQ(always_failing_calls(retry), 4);
    EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{10ms, 10ms, 10ms}));
    EXPECT_EQ(retry.policy<grit::stop::Attempts<>>().attempt_limit(), 4u);
    EXPECT_EQ(retry.policy<grit::wait::Fixed<>>().delay(1), 10ms);
  }
}

TEST(RuntimeRetrying, PoliciesNotGivenAreDefaultMade) {
  // Only the attempts given; the clock is default-made (its own time line) and the rest are compile-time.
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<>, grit::wait::None> retry{
      grit::stop::Attempts<>{5}};
  EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("x"); }), 5);
}

TEST(RuntimeRetrying, BehavesExactlyAsItsCompileTimeTwin) {
  using CompileTime = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<8>, grit::stop::Timeout<20s>,
                                     grit::wait::Exponential<100ms, 5s, 1.5>, grit::jitter::Additive<1s>,
                                     grit::random::Seeded<7>, VirtualClock>;
  using RunTime = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<>, grit::stop::Timeout<>,
                                 grit::wait::Exponential<runtime, runtime, runtime>, grit::jitter::Additive<runtime>,
                                 grit::random::Seeded<>, VirtualClock>;
  for (nanoseconds attempt_time : {nanoseconds(0), nanoseconds(1s), nanoseconds(3s)}) {
    VirtualClock c1, c2;
    const CompileTime a{c1};
    const RunTime b{grit::wait::Exponential<runtime, runtime, runtime>{100ms, 5s, 1.5},
                    grit::stop::Timeout<>{20s},
                    grit::jitter::Additive<runtime>{1s},
                    grit::random::Seeded<>{7},
                    grit::stop::Attempts<>{8},
                    c2};
    int calls_a = 0, calls_b = 0;
    EXPECT_THROW(a([&] {
                   ++calls_a;
                   c1.advance(attempt_time);
                   throw TransientError("x");
                 }),
                 TransientError);
    EXPECT_THROW(b([&] {
                   ++calls_b;
                   c2.advance(attempt_time);
                   throw TransientError("x");
                 }),
                 TransientError);
    EXPECT_EQ(calls_a, calls_b);
    EXPECT_EQ(c1.sleeps(), c2.sleeps());
    EXPECT_EQ(c1.now(), c2.now());
    EXPECT_FALSE(c1.sleeps().empty());
  }
}

TEST(RuntimeRetrying, APredicateObjectIsARunTimePolicy) {
  struct StatusAtLeast {
    int threshold;
    bool operator()(const std::runtime_error& e) const { return std::stoi(e.what()) >= threshold; }
  };
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<StatusAtLeast>, grit::stop::Attempts<4>, VirtualClock> retry{
      clock, grit::RetryIf<StatusAtLeast>(StatusAtLeast{500})};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw std::runtime_error(calls < 3 ? "503" : "404");
               }),
               std::runtime_error);
  EXPECT_EQ(calls, 3);
}

// --- validation -------------------------------------------------------------------------------------------------

// f() must throw std::invalid_argument whose message names `parameter` as the thing that is wrong.
template <class F>
void expect_invalid(F f, const std::string& parameter) {
  try {
    f();
    ADD_FAILURE() << "no exception for an invalid " << parameter;
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), testing::HasSubstr(": " + parameter + " ")) << "the message names " << parameter;
  }
}

TEST(RuntimeValidation, Attempts) {
  expect_invalid([] { grit::stop::Attempts<>{0}; }, "attempts");
  expect_invalid([] { grit::stop::Attempts<>{-1}; }, "attempts");
  expect_invalid([] { grit::stop::Attempts<>{INT_MIN}; }, "attempts");
  EXPECT_NO_THROW(grit::stop::Attempts<>{1});
}

TEST(RuntimeValidation, Timeout) {
  expect_invalid([] { grit::stop::Timeout<>{0s}; }, "timeout");
  expect_invalid([] { grit::stop::Timeout<>{-1ms}; }, "timeout");
  expect_invalid([] { grit::stop::Timeout<>{std::chrono::duration<double>(-0.5)}; }, "timeout");
  EXPECT_NO_THROW(grit::stop::Timeout<>{1ns});
}

TEST(RuntimeValidation, Fixed) {
  expect_invalid([] { grit::wait::Fixed<>{-1ms}; }, "wait");
  EXPECT_NO_THROW(grit::wait::Fixed<>{0ms});
}

TEST(RuntimeValidation, Exponential) {
  using E = grit::wait::Exponential<runtime, runtime, runtime>;
  expect_invalid([] { E{-1ms, 5s, 2.0}; }, "initial");
  expect_invalid([] { E{1s, 100ms, 2.0}; }, "max");
  expect_invalid([] { E{100ms, 5s, 0.5}; }, "base");
  expect_invalid([] { E{100ms, 5s, 0.0}; }, "base");
  expect_invalid([] { E{100ms, 5s, -2.0}; }, "base");
  expect_invalid([] { E{100ms, 5s, std::nan("")}; }, "base");
  expect_invalid([] { grit::wait::Exponential<runtime, 5s>{6s}; }, "max");
  expect_invalid([] { grit::wait::Exponential<1s, runtime>{999ms}; }, "max");
  expect_invalid([] { grit::wait::Exponential<100ms, 5s, runtime>{0.99}; }, "base");
  EXPECT_NO_THROW((E{0ms, 0ms, 1.0}));
}

TEST(RuntimeValidation, Linear) {
  expect_invalid([] { grit::wait::Linear<>{-1ms, 1ms, 1s}; }, "initial");
  expect_invalid([] { grit::wait::Linear<>{1ms, -1ms, 1s}; }, "step");
  expect_invalid([] { grit::wait::Linear<>{1s, 1ms, 100ms}; }, "max");
  EXPECT_NO_THROW((grit::wait::Linear<>{0ms, 0ms, 0ms}));
}

TEST(RuntimeValidation, Additive) {
  expect_invalid([] { grit::jitter::Additive<runtime>{-1ms}; }, "max");
  EXPECT_NO_THROW(grit::jitter::Additive<runtime>{0ms});
}

// The messages print a duration as it would be written: "10s", "100ms", not "10000000000ns".
TEST(RuntimeValidation, MessagesPrintDurationsInTheirOwnUnits) {
  const auto message = [](auto f) -> std::string {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_EQ(message([] {
              grit::wait::Exponential<runtime, runtime>{10s, 5s};
            }),
            "grit::wait::Exponential: max must be >= initial (10s), got 5s");
  EXPECT_EQ(message([] { grit::wait::Fixed<>{-100ms}; }), "grit::wait::Fixed: wait must be >= 0, got -100ms");
  EXPECT_EQ(message([] {
              grit::wait::Linear<>{1ms, -250us, 1s};
            }),
            "grit::wait::Linear: step must be >= 0, got -250us");
  EXPECT_THAT(message([] { grit::stop::Timeout<>{-1500ms}; }), testing::EndsWith("got -1500ms"));
  EXPECT_EQ(grit::detail::to_string(0ns), "0s");
  EXPECT_EQ(grit::detail::to_string(7ns), "7ns");
  EXPECT_EQ(grit::detail::to_string(2min), "120s");
  EXPECT_EQ(grit::detail::to_string(nanoseconds::max()), "9223372036854775807ns");
  EXPECT_EQ(grit::detail::to_string(nanoseconds::min()), "-9223372036854775808ns");
}

TEST(RuntimeValidation, NaNDurationsAreRejected) {
  const std::chrono::duration<double> nan(std::nan(""));
  EXPECT_THROW(grit::stop::Timeout<>{nan}, std::invalid_argument);
  EXPECT_THROW(grit::wait::Fixed<>{nan}, std::invalid_argument);
  EXPECT_THROW((grit::wait::Exponential<runtime, 5s>{nan}), std::invalid_argument);
  EXPECT_THROW((grit::wait::Linear<>{nan, 1ms, 1s}), std::invalid_argument);
  EXPECT_THROW(grit::jitter::Additive<runtime>{nan}, std::invalid_argument);
}

TEST(RuntimeValidation, TestingSetWithZeroAttemptsThrowsAndChangesNothing) {
  grit_test::SwitchesReset reset;
  grit::testing::Scope scope(true, {.attempts = 4});
  try {
    grit::testing::set(true, {.attempts = 0});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), testing::HasSubstr("attempts"));
  }
  EXPECT_THROW(grit::testing::Scope(true, {.attempts = 0}), std::invalid_argument);
  const auto state = grit::testing::state();
  EXPECT_TRUE(state.enabled);
  EXPECT_EQ(state.settings.attempts, 4u);
}

// --- sizes ------------------------------------------------------------------------------------------------------

TEST(Sizes, CompileTimePoliciesAreEmpty) {
  EXPECT_TRUE(std::is_empty_v<grit::stop::Attempts<5>>);
  EXPECT_TRUE(std::is_empty_v<grit::stop::Timeout<30s>>);
  EXPECT_TRUE(std::is_empty_v<grit::wait::Exponential<>>);
  EXPECT_TRUE(std::is_empty_v<grit::wait::Fixed<1s>>);
  EXPECT_TRUE((std::is_empty_v<grit::wait::Linear<1ms, 1ms, 1s>>));
  EXPECT_TRUE(std::is_empty_v<grit::jitter::Additive<>>);
  EXPECT_TRUE(std::is_empty_v<grit::random::Seeded<42>>);
  EXPECT_TRUE(std::is_empty_v<grit::jitter::Full>);
  EXPECT_TRUE(std::is_empty_v<grit::RetryOn<TransientError>>);
  EXPECT_TRUE(std::is_empty_v<grit::sink::Hooks>);
  EXPECT_TRUE(std::is_empty_v<grit::clock::Steady>);
}

TEST(Sizes, ARetryingOfCompileTimePoliciesIsEmpty) {
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<5>, grit::stop::Timeout<30s>,
                           grit::wait::Exponential<100ms, 10s>, grit::jitter::Additive<1s>, grit::Name<"fetch">>;
  EXPECT_EQ(sizeof(R), 1u);
  EXPECT_TRUE(std::is_empty_v<R>);
  using Defaults = grit::Retrying<grit::RetryOn<TransientError>, grit::Name<"defaults">>;
  EXPECT_EQ(sizeof(Defaults), 1u);
  // A run-time value costs exactly its storage.
  using WithRuntime = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<>, grit::Name<"rt">>;
  EXPECT_EQ(sizeof(WithRuntime), sizeof(std::int64_t));
}

}  // namespace
