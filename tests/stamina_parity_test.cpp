// stamina's behaviour, kept: the defaults, the wait formula, attempts-or-timeout, the unchanged failure on give-up,
// backoff hooks returning a duration, testing mode, the active switch and retry hooks.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using grit::testing::VirtualClock;
using grit_test::calls_until_thrown;
using grit_test::FatalError;
using grit_test::HooksReset;
using grit_test::SeenRetry;
using grit_test::SwitchesReset;
using grit_test::TransientError;

// Only the filter and the clock given: every other category takes stamina's default.
using Default = grit::Retrying<grit::RetryOn<TransientError>, VirtualClock>;

// Calls retry(f) where f always fails with TransientError; returns the number of calls.
template <class R>
int run_always_failing(const R& retry, const std::function<void()>& during_attempt = {}) {
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 if (during_attempt) during_attempt();
                 throw TransientError("attempt " + std::to_string(calls));
               }),
               TransientError);
  return calls;
}

TEST(StaminaDefaults, TenAttemptsThenTheFailureReachesTheCaller) {
  VirtualClock clock;
  const Default retry{clock};
  EXPECT_EQ(run_always_failing(retry), 10);
  EXPECT_EQ(clock.sleeps().size(), 9u);
}

TEST(StaminaDefaults, DefaultPolicyTypes) {
  EXPECT_TRUE((std::is_same_v<Default::wait_type, grit::wait::Exponential<100ms, 5s, 2>>));
  EXPECT_TRUE((std::is_same_v<Default::jitter_type, grit::jitter::Additive<1s>>));
  EXPECT_TRUE(
      (std::is_same_v<Default::stop_types, boost::mp11::mp_list<grit::stop::Attempts<10>, grit::stop::Timeout<45s>>>));
  EXPECT_TRUE((std::is_same_v<Default::sink_types, boost::mp11::mp_list<grit::sink::Hooks>>));
  EXPECT_TRUE((std::is_same_v<grit::Retrying<grit::RetryOn<TransientError>>::clock_type, grit::clock::Steady>));
}

TEST(StaminaDefaults, WaitRangesAfterEachFailedAttempt) {
  // stamina's table: after failed attempt n the wait is min(5, 0.1 * 2^(n-1) + U[0, 1]) seconds.
  struct Range {
    nanoseconds lo, hi;
  };
  const std::vector<Range> ranges{{100ms, 1100ms},  {200ms, 1200ms}, {400ms, 1400ms}, {800ms, 1800ms}, {1600ms, 2600ms},
                                  {3200ms, 4200ms}, {5s, 5s},        {5s, 5s},        {5s, 5s}};
  std::vector<nanoseconds> seen_lo(ranges.size(), nanoseconds::max()), seen_hi(ranges.size(), nanoseconds::min());
  constexpr int runs = 300;
  for (int run = 0; run < runs; ++run) {
    VirtualClock clock;
    const Default retry{clock};
    ASSERT_EQ(run_always_failing(retry), 10);
    const auto sleeps = clock.sleeps();
    ASSERT_EQ(sleeps.size(), ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      ASSERT_GE(sleeps[i], ranges[i].lo) << "wait after attempt " << i + 1;
      ASSERT_LE(sleeps[i], ranges[i].hi) << "wait after attempt " << i + 1;
      seen_lo[i] = std::min(seen_lo[i], sleeps[i]);
      seen_hi[i] = std::max(seen_hi[i], sleeps[i]);
    }
    // Total sleep is 21.3 to 27.3 s: the 45 s default timeout does not bite.
    ASSERT_GE(clock.slept(), 21300ms);
    ASSERT_LE(clock.slept(), 27300ms);
  }
  // The jittered waits really spread over their whole second (thread-local engine: fresh draws every run).
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_LT(seen_lo[i], ranges[i].lo + 100ms) << "wait after attempt " << i + 1;
    EXPECT_GT(seen_hi[i], ranges[i].hi - 100ms) << "wait after attempt " << i + 1;
  }
}

TEST(StaminaDefaults, TimeoutBitesFirstWhenAttemptsAreSlow) {
  // Attempts of 10 s each: the 45 s default timeout ends the call after 5 attempts, long before 10.
  VirtualClock clock;
  const Default retry{clock};
  EXPECT_EQ(run_always_failing(retry, [&] { clock.advance(10s); }), 5);
  EXPECT_EQ(clock.sleeps().size(), 4u);
  EXPECT_GE(clock.now(), 45s);
}

TEST(StaminaDefaults, AttemptsBiteFirstWhenTheyComeFirst) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::stop::Timeout<45s>, VirtualClock>
      retry{clock};
  EXPECT_EQ(run_always_failing(retry, [&] { clock.advance(10s); }), 3);
}

TEST(StaminaDefaults, OneFailedAttemptThatUsesTheWholeBudgetIsNotRetried) {
  VirtualClock clock;
  const Default retry{clock};
  EXPECT_EQ(run_always_failing(retry, [&] { clock.advance(45s); }), 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(StaminaDefaults, SuccessAfterFailuresReturnsTheValue) {
  VirtualClock clock;
  const Default retry{clock};
  int calls = 0;
  const int v = retry([&] {
    if (++calls < 4) throw TransientError("not yet");
    return 42;
  });
  EXPECT_EQ(v, 42);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps().size(), 3u);
}

TEST(StaminaDefaults, DerivedExceptionsMatch) {
  VirtualClock clock;
  const Default retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw grit_test::DerivedTransientError("derived");
               }),
               grit_test::DerivedTransientError);
  EXPECT_EQ(calls, 10);
}

TEST(StaminaFailures, NonMatchingExceptionPropagatesAtOnceWithoutHookOrWait) {
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  VirtualClock clock;
  const Default retry{clock};
  int calls = 0;
  const FatalError* thrown = nullptr;
  try {
    retry([&] {
      ++calls;
      try {
        throw FatalError("fatal");
      } catch (FatalError& e) {
        thrown = &e;
        throw;
      }
    });
    FAIL() << "no exception";
  } catch (const FatalError& e) {
    EXPECT_EQ(&e, thrown) << "the very same exception object";
    EXPECT_STREQ(e.what(), "fatal");
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(hook_calls, 0);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(StaminaFailures, GiveUpRethrowsTheVerySameExceptionObject) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  const TransientError* last = nullptr;
  try {
    retry([&] {
      ++calls;
      try {
        throw grit_test::DerivedTransientError("attempt " + std::to_string(calls));
      } catch (TransientError& e) {
        last = &e;
        throw;
      }
    });
    FAIL() << "no exception";
  } catch (TransientError& e) {
    EXPECT_EQ(&e, last) << "the last attempt's exception object, not a copy or a wrapper";
    EXPECT_STREQ(e.what(), "attempt 3");
    EXPECT_NE(dynamic_cast<grit_test::DerivedTransientError*>(&e), nullptr) << "not sliced";
  }
  EXPECT_EQ(calls, 3);
}

// --- backoff hooks (RetryIf returning a duration) ---------------------------------------------------------------

struct RetryAfter10s {
  std::chrono::seconds operator()(const TransientError&) const { return 10s; }
};
struct RetryImmediately {
  std::chrono::seconds operator()(const TransientError&) const { return 0s; }
};
struct RetryIfMessage {
  bool operator()(const TransientError& e) const { return std::string(e.what()) == "transient"; }
};

TEST(StaminaBackoffHook, ADurationIsTheExactWaitNotCappedNotJittered) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryAfter10s>, grit::stop::Attempts<4>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("busy"); }), 4);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{10s, 10s, 10s})) << "Max is 5 s and jitter is 1 s by default";
}

TEST(StaminaBackoffHook, ZeroMeansRetryImmediately) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryImmediately>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  const int v = retry([&] {
    if (++calls < 3) throw TransientError("busy");
    return 7;
  });
  EXPECT_EQ(v, 7);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{0s, 0s}));
}

TEST(StaminaBackoffHook, BoolChoosesBetweenNormalBackoffAndPropagation) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryIfMessage>, grit::stop::Attempts<5>, VirtualClock> retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw TransientError(calls < 3 ? "transient" : "permanent");
               }),
               TransientError);
  EXPECT_EQ(calls, 3);
  const auto sleeps = clock.sleeps();
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[0], 100ms);  // the normal jittered backoff
  EXPECT_LE(sleeps[0], 1100ms);
  EXPECT_GE(sleeps[1], 200ms);
  EXPECT_LE(sleeps[1], 1200ms);
}

TEST(StaminaBackoffHook, ACustomBackoffStillObeysTheAttemptLimit) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryImmediately>, VirtualClock> retry{clock};  // default stops
  EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("busy"); }), 10);
}

// --- testing mode -----------------------------------------------------------------------------------------------

TEST(StaminaTesting, TestingModeMakesExactlyNAttemptsWithZeroWaits) {
  SwitchesReset reset;
  std::vector<SeenRetry> seen;
  HooksReset hooks({grit_test::recording_hook(seen)});
  grit::testing::Scope testing(true, {.attempts = 3});
  EXPECT_TRUE(grit::testing::is_enabled());
  VirtualClock clock;
  const Default retry{clock};
  // Each attempt takes a minute: the 45 s timeout is ignored in testing mode.
  EXPECT_EQ(run_always_failing(retry, [&] { clock.advance(60s); }), 3);
  EXPECT_EQ(clock.slept(), 0ns);
  ASSERT_EQ(seen.size(), 2u) << "hooks still run in testing mode";
  for (const auto& s : seen) {
    EXPECT_EQ(s.wait_for, 0ns);
    EXPECT_EQ(s.waited_so_far, 0ns);
  }
  EXPECT_EQ(seen[0].retry_num, 1u);
  EXPECT_EQ(seen[1].retry_num, 2u);
}

TEST(StaminaTesting, TestingAttemptsOverrideTheConfiguredAttempts) {
  SwitchesReset reset;
  grit::testing::Scope testing(true, {.attempts = 20});
  VirtualClock clock;
  const Default retry{clock};  // Attempts<10>
  EXPECT_EQ(run_always_failing(retry), 20);
}

TEST(StaminaTesting, DefaultTestingSettingsMeanOneAttempt) {
  SwitchesReset reset;
  grit::testing::Scope testing;
  VirtualClock clock;
  const Default retry{clock};
  EXPECT_EQ(run_always_failing(retry), 1);
}

TEST(StaminaTesting, CapTakesTheSmallerOfTestingAndConfiguredAttempts) {
  SwitchesReset reset;
  VirtualClock clock;
  const Default retry{clock};  // Attempts<10>
  {
    grit::testing::Scope testing(true, {.attempts = 20, .cap = true});
    EXPECT_EQ(run_always_failing(retry), 10);
  }
  {
    grit::testing::Scope testing(true, {.attempts = 3, .cap = true});
    EXPECT_EQ(run_always_failing(retry), 3);
  }
  {
    // No attempt limit configured (only a timeout): the testing value is used.
    const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Timeout<1s>, VirtualClock> timeout_only{clock};
    grit::testing::Scope testing(true, {.attempts = 4, .cap = true});
    EXPECT_EQ(run_always_failing(timeout_only, [&] { clock.advance(10s); }), 4);
  }
  EXPECT_EQ(clock.slept(), 0ns);
}

TEST(StaminaTesting, CustomBackoffBecomesZero) {
  SwitchesReset reset;
  grit::testing::Scope testing(true, {.attempts = 3});
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<RetryAfter10s>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("busy"); }), 3);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{0s, 0s}));
}

TEST(StaminaTesting, ScopesNestAndRestore) {
  SwitchesReset reset;
  EXPECT_FALSE(grit::testing::is_enabled());
  {
    grit::testing::Scope outer(true, {.attempts = 5});
    {
      grit::testing::Scope inner(true, {.attempts = 2, .cap = true});
      const auto s = grit::testing::state();
      EXPECT_TRUE(s.enabled);
      EXPECT_EQ(s.settings.attempts, 2u);
      EXPECT_TRUE(s.settings.cap);
    }
    const auto s = grit::testing::state();
    EXPECT_TRUE(s.enabled);
    EXPECT_EQ(s.settings.attempts, 5u);
    EXPECT_FALSE(s.settings.cap);
    {
      grit::testing::Scope off(false);
      EXPECT_FALSE(grit::testing::is_enabled());
    }
    EXPECT_TRUE(grit::testing::is_enabled());
  }
  EXPECT_FALSE(grit::testing::is_enabled());
}

TEST(StaminaTesting, TheInitialStateIsAValidStateThatCanBeRestored) {
  SwitchesReset reset;
  // (ctest runs each test in its own process: this is the state before anything was set.)
  const grit::testing::State initial = grit::testing::state();
  EXPECT_FALSE(initial.enabled);
  EXPECT_EQ(initial.settings.attempts, 1u);
  EXPECT_FALSE(initial.settings.cap);
  grit::testing::set(true, {.attempts = 6});
  EXPECT_NO_THROW(grit::testing::set(initial.enabled, initial.settings)) << "restoring what state() returned";
  EXPECT_FALSE(grit::testing::is_enabled());
  { grit::testing::Scope scope(true, {.attempts = 2}); }
  EXPECT_EQ(grit::testing::state().settings.attempts, 1u);
}

TEST(StaminaTesting, SetReturnsThePreviousState) {
  SwitchesReset reset;
  const auto before = grit::testing::set(true, {.attempts = 4});
  EXPECT_FALSE(before.enabled);
  const auto previous = grit::testing::set(false);
  EXPECT_TRUE(previous.enabled);
  EXPECT_EQ(previous.settings.attempts, 4u);
}

// --- the active switch ------------------------------------------------------------------------------------------

TEST(StaminaActive, InactiveMeansExactlyOneAttemptAndNoHooks) {
  SwitchesReset reset;
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  grit::set_active(false);
  EXPECT_FALSE(grit::is_active());
  VirtualClock clock;
  const Default retry{clock};
  EXPECT_EQ(run_always_failing(retry), 1);
  EXPECT_EQ(hook_calls, 0);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(StaminaActive, InactiveWinsOverTestingMode) {
  SwitchesReset reset;
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  grit::testing::Scope testing(true, {.attempts = 5});
  grit::set_active(false);
  VirtualClock clock;
  const Default retry{clock};
  EXPECT_EQ(run_always_failing(retry), 1);
  EXPECT_EQ(hook_calls, 0);
}

TEST(StaminaActive, InactiveRunsASuccessfulCallOnce) {
  SwitchesReset reset;
  grit::set_active(false);
  VirtualClock clock;
  const Default retry{clock};
  int calls = 0;
  EXPECT_EQ(retry([&] { return ++calls; }), 1);
  EXPECT_EQ(calls, 1);  // stamina #53: an inactive block once ran twice
}

TEST(StaminaActive, ReactivatingRestoresRetries) {
  SwitchesReset reset;
  VirtualClock clock;
  const Default retry{clock};
  grit::set_active(false);
  EXPECT_EQ(run_always_failing(retry), 1);
  grit::set_active(true);
  EXPECT_TRUE(grit::is_active());
  EXPECT_EQ(run_always_failing(retry), 10);
}

// --- retry hooks ------------------------------------------------------------------------------------------------

TEST(StaminaHooks, HooksReceiveRetryDetails) {
  std::vector<SeenRetry> seen;
  HooksReset hooks({grit_test::recording_hook(seen)});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::Name<"fetch_user">, VirtualClock> retry{clock};
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 4) throw grit_test::DerivedTransientError("boom " + std::to_string(calls));
              return 1;
            }),
            1);
  const auto sleeps = clock.sleeps();
  ASSERT_EQ(seen.size(), 3u);
  ASSERT_EQ(sleeps.size(), 3u);
  nanoseconds so_far{};
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].name, "fetch_user");
    EXPECT_EQ(seen[i].retry_num, i + 1) << "the failed attempt, from 1";
    EXPECT_EQ(seen[i].wait_for, sleeps[i]) << "the wait that follows";
    EXPECT_EQ(seen[i].waited_so_far, so_far) << "the sum of earlier waits";
    EXPECT_EQ(seen[i].type_name, "grit_test::DerivedTransientError") << "the dynamic type, demangled";
    EXPECT_EQ(seen[i].message, "boom " + std::to_string(i + 1));
    so_far += sleeps[i];
  }
}

// A default name identifies the call site: the function and file:line that made the Retrying, never empty.
TEST(StaminaHooks, DefaultNameIsTheCallSiteThatMadeTheRetrying) {
  std::vector<SeenRetry> seen;
  HooksReset hooks({grit_test::recording_hook(seen)});
  const grit::Retrying<grit::RetryOn<TransientError>, grit::wait::None> retry;  // made here, in TestBody
  const std::string site = "TestBody@stamina_parity_test.cpp:" + std::to_string(__LINE__ - 1);
  int calls = 0;
  retry([&] {
    if (++calls < 2) throw TransientError("x");
  });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].name, site);
  EXPECT_EQ(retry.name(), site);
  EXPECT_EQ(retry.name().data(), retry.name().data());  // made once per site
}

// At namespace scope there is no function: the name is the file and line (not "", not a compiler's internal name).
const grit::Retrying<grit::RetryOn<TransientError>, grit::wait::None> namespace_scope_retry;
const unsigned namespace_scope_line = __LINE__ - 1;
const auto namespace_scope_wrapper = grit::retrying<grit::Retrying<grit::RetryOn<TransientError>>>([] { return 1; });

TEST(StaminaHooks, ANamespaceScopeRetryingIsNamedByFileAndLine) {
  EXPECT_EQ(namespace_scope_retry.name(), "stamina_parity_test.cpp:" + std::to_string(namespace_scope_line));
  EXPECT_EQ(grit::detail::format_call_site("", "a/b/c.cpp", 7), "c.cpp:7");
  EXPECT_EQ(grit::detail::format_call_site("f", "c.cpp", 7), "f@c.cpp:7");
  EXPECT_EQ(grit::detail::format_call_site("__static_initialization_and_destruction_0", "x.cpp", 3), "x.cpp:3");
  EXPECT_EQ(grit::detail::format_call_site("", "", 0), "<unnamed>");
  EXPECT_EQ(namespace_scope_wrapper(), 1);
}

TEST(StaminaHooks, NoHookOnSuccessOnGiveUpOrForNonMatchingFailures) {
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, VirtualClock> retry{clock};

  EXPECT_EQ(retry([] { return 5; }), 5);
  EXPECT_EQ(hook_calls, 0) << "success at once";

  EXPECT_EQ(run_always_failing(retry), 3);
  EXPECT_EQ(hook_calls, 2) << "3 failures, 2 retries: no hook on the give-up";

  hook_calls = 0;
  EXPECT_THROW(retry([]() -> int { throw FatalError("no"); }), FatalError);
  EXPECT_EQ(hook_calls, 0) << "non-matching failure";
}

TEST(StaminaHooks, AllHooksRunInOrder) {
  std::vector<int> order;
  HooksReset hooks(
      {[&](const grit::RetryDetails&) { order.push_back(1); }, [&](const grit::RetryDetails&) { order.push_back(2); }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  run_always_failing(retry);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 1, 2}));
}

TEST(StaminaHooks, GetReturnsWhatWasSet) {
  HooksReset reset;
  EXPECT_TRUE(grit::instrumentation::get_on_retry_hooks().empty());
  int a = 0, b = 0;
  grit::instrumentation::set_on_retry_hooks(
      {[&](const grit::RetryDetails&) { ++a; }, [&](const grit::RetryDetails&) { b += 10; }});
  auto got = grit::instrumentation::get_on_retry_hooks();
  ASSERT_EQ(got.size(), 2u);
  const grit::RetryDetails details{"x", 1, 0ns, 0ns, grit::Cause{}};
  got[0](details);
  got[1](details);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 10);
  grit::instrumentation::set_on_retry_hooks({});
  EXPECT_TRUE(grit::instrumentation::get_on_retry_hooks().empty());
}

TEST(StaminaHooks, ChangingHooksTakesEffectAtTheNextRetry) {
  int first = 0, second = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++first; }});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<4>, VirtualClock> retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 if (++calls == 2)
                   grit::instrumentation::set_on_retry_hooks({[&](const grit::RetryDetails&) { ++second; }});
                 throw TransientError("x");
               }),
               TransientError);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
}

TEST(StaminaHooks, EmptyHookListTurnsInstrumentationOff) {
  int hook_calls = 0;
  HooksReset hooks({[&](const grit::RetryDetails&) { ++hook_calls; }});
  grit::instrumentation::set_on_retry_hooks({});
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  run_always_failing(retry);
  EXPECT_EQ(hook_calls, 0);
}

// RetryHook on its own: a copy holds its own copy of the callable (a mutable one keeps its own state), an empty hook
// does nothing, and a moved-from hook is empty.
TEST(StaminaHooks, RetryHookCopiesTheCallableAndAnEmptyOneDoesNothing) {
  const grit::RetryDetails details{"x", 1, 0ns, 0ns, grit::Cause{}};
  std::vector<int> seen;
  grit::RetryHook counting = [&seen, n = 0](const grit::RetryDetails&) mutable { seen.push_back(++n); };
  grit::RetryHook copy = counting;
  counting(details);
  counting(details);
  copy(details);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 1}));

  grit::RetryHook moved = std::move(counting);
  EXPECT_FALSE(static_cast<bool>(counting));  // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
  moved(details);
  EXPECT_EQ(seen.back(), 3);

  const grit::RetryHook empty;
  EXPECT_FALSE(static_cast<bool>(empty));
  empty(details);  // nothing happens
  EXPECT_EQ(seen.size(), 4u);
}

}  // namespace
