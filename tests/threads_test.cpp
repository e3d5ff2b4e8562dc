// One const Retrying shared by threads while the process-wide state (hooks, testing mode, the active switch)
// changes under it. No sleeps, a few thousand calls; every shared counter is atomic.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::testing::VirtualClock;
using grit_test::HooksReset;
using grit_test::SwitchesReset;
using grit_test::TransientError;

constexpr int calls_per_thread = 3000;

// Two threads share one Retrying while the main thread keeps replacing the hook list. `clear`: the list is emptied
// now and then, so a retry may find no hook at all; otherwise every retry finds one or two.
void run_while_hooks_change(bool clear) {
  HooksReset reset;
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<5>, grit::wait::None, grit::Name<"threads">,
                       VirtualClock>
      retry{clock};

  std::atomic<int> hook_calls{0}, inconsistent{0}, wrong_results{0}, retries{0}, done{0};
  const auto make_hook = [&](int weight) -> grit::RetryHook {
    return [&, weight](const grit::RetryDetails& d) {
      hook_calls.fetch_add(weight, std::memory_order_relaxed);
      const bool ok = d.name == "threads" && d.retry_num >= 1 && d.retry_num <= 2 && d.wait_for == 0ns &&
                      d.waited_so_far == 0ns && d.caused_by.type_name() == "grit_test::TransientError" &&
                      d.caused_by.message() == "transient " + std::to_string(d.retry_num);
      if (!ok) inconsistent.fetch_add(1, std::memory_order_relaxed);
    };
  };
  const grit::RetryHook hook = make_hook(1), other = make_hook(1);
  grit::instrumentation::set_on_retry_hooks({hook});

  const auto worker = [&](int id) {
    for (int i = 0; i < calls_per_thread; ++i) {
      const int failures = i % 3;  // 0, 1 or 2 failures before success
      int calls = 0;
      const int v = retry([&] {
        ++calls;
        if (calls <= failures) throw TransientError("transient " + std::to_string(calls));
        return id * 1'000'000 + i;
      });
      if (v != id * 1'000'000 + i || calls != failures + 1) wrong_results.fetch_add(1, std::memory_order_relaxed);
      retries.fetch_add(failures, std::memory_order_relaxed);
    }
    done.fetch_add(1, std::memory_order_release);
  };
  std::thread a(worker, 1), b(worker, 2);
  int sets = 0;
  while (done.load(std::memory_order_acquire) < 2) {
    switch (sets++ % 3) {
      case 0:
        grit::instrumentation::set_on_retry_hooks({hook});
        break;
      case 1:
        grit::instrumentation::set_on_retry_hooks({hook, other});
        break;
      default:
        if (clear)
          grit::instrumentation::set_on_retry_hooks({});
        else
          grit::instrumentation::set_on_retry_hooks({other});
        break;
    }
    const auto got = grit::instrumentation::get_on_retry_hooks();
    if (got.size() > 2) inconsistent.fetch_add(1, std::memory_order_relaxed);
  }
  a.join();
  b.join();

  EXPECT_EQ(wrong_results.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(retries.load(), 2 * calls_per_thread);  // (0 + 1 + 2) per 3 calls, 2 threads
  EXPECT_LE(hook_calls.load(), 2 * retries.load()) << "at most two hooks per retry";
  if (!clear) {
    EXPECT_GE(hook_calls.load(), retries.load()) << "every retry found a list of one or two hooks";
  }

  // After the storm, a deterministic check: exactly one hook call per retry.
  hook_calls = 0;
  grit::instrumentation::set_on_retry_hooks({hook});
  int calls = 0;
  retry([&] {
    if (++calls <= 2) throw TransientError("transient " + std::to_string(calls));
  });
  EXPECT_EQ(hook_calls.load(), 2);
}

TEST(Threads, SharedRetryingWhileHooksChange) { run_while_hooks_change(false); }

TEST(Threads, SharedRetryingWhileHooksAreClearedAndSet) { run_while_hooks_change(true); }

bool is_a_state_that_was_set(const grit::testing::State& s) {
  const auto a = s.settings.attempts;
  const bool cap = s.settings.cap;
  if (!s.enabled) return a == 1 && !cap;
  return (a == 2 && !cap) || (a == 7 && cap) || (a == 3 && !cap);
}

TEST(Threads, SwitchesFlipWhileCallsRun) {
  SwitchesReset reset;
  VirtualClock clock;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<5>, grit::wait::None, grit::sink::None,
                       VirtualClock>
      retry{clock};

  std::atomic<bool> stop{false};
  std::atomic<int> torn{0}, wrong{0}, succeeded{0}, gave_up{0};
  const auto worker = [&](int id) {
    for (int i = 0; i < calls_per_thread; ++i) {
      if (!is_a_state_that_was_set(grit::testing::state())) torn.fetch_add(1, std::memory_order_relaxed);
      int calls = 0;
      try {
        // Four failures, then success: only the full 5 attempts reach the value.
        const int v = retry([&] {
          if (++calls < 5) throw TransientError("x");
          return id + i;
        });
        if (v != id + i || calls != 5) wrong.fetch_add(1, std::memory_order_relaxed);
        succeeded.fetch_add(1, std::memory_order_relaxed);
      } catch (const TransientError&) {
        // Inactive: 1 attempt; testing: 2, 3, or min(7, 5); otherwise 5. Never more than 5.
        if (calls < 1 || calls > 5) wrong.fetch_add(1, std::memory_order_relaxed);
        gave_up.fetch_add(1, std::memory_order_relaxed);
      }
    }
  };
  std::thread flipper([&] {
    while (!stop.load(std::memory_order_acquire)) {
      {
        grit::testing::Scope s(true, {.attempts = 2});
        if (!is_a_state_that_was_set(grit::testing::state())) torn.fetch_add(1, std::memory_order_relaxed);
        grit::set_active(false);
        grit::set_active(true);
      }
      {
        grit::testing::Scope s(true, {.attempts = 7, .cap = true});
        grit::testing::set(true, {.attempts = 3});
      }
      grit::set_active(false);
      grit::set_active(true);
    }
  });
  std::thread a(worker, 1), b(worker, 2);
  for (int i = 0; i < calls_per_thread; ++i)
    if (!is_a_state_that_was_set(grit::testing::state())) torn.fetch_add(1, std::memory_order_relaxed);
  a.join();
  b.join();
  stop.store(true, std::memory_order_release);
  flipper.join();

  EXPECT_EQ(torn.load(), 0) << "testing::state() returned a state nobody set";
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(succeeded.load() + gave_up.load(), 2 * calls_per_thread);
  // The flipper restored everything: a normal call makes its 5 attempts again.
  EXPECT_TRUE(grit::is_active());
  EXPECT_FALSE(grit::testing::is_enabled());
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 5) throw TransientError("x");
              return 1;
            }),
            1);
}

TEST(Threads, EachThreadDrawsItsOwnJitter) {
  // The default engine is thread-local: concurrent calls never share (or race on) an engine, and draw differently.
  VirtualClock clock_a, clock_b;
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<6>, VirtualClock>;
  const R ra{clock_a}, rb{clock_b};
  const auto run = [](const R& r) {
    for (int i = 0; i < 200; ++i) {
      try {
        r([] { throw TransientError("x"); });
      } catch (const TransientError&) {
      }
    }
  };
  std::thread a(run, std::cref(ra)), b(run, std::cref(rb));
  a.join();
  b.join();
  const auto sa = clock_a.sleeps(), sb = clock_b.sleeps();
  ASSERT_EQ(sa.size(), 1000u);
  ASSERT_EQ(sb.size(), 1000u);
  EXPECT_NE(sa, sb);
  for (std::size_t i = 0; i < sa.size(); ++i) {
    const auto lo = grit::wait::Exponential<>{}.delay(i % 5 + 1);
    ASSERT_GE(sa[i], lo);
    ASSERT_LE(sa[i], lo + 1s);
    ASSERT_GE(sb[i], lo);
    ASSERT_LE(sb[i], lo + 1s);
  }
}

}  // namespace
