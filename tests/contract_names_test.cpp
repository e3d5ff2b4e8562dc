// Every name of the README's policy table and of the core tables of ../shared/design/architecture.md (v2), written
// exactly as they are written there: if one stops compiling, the documents and the code disagree. (The integrations'
// names are tested with them: tests/observability, tests/asio.)
#include <gtest/gtest.h>

#include <boost/mp11/list.hpp>
#include <chrono>
#include <exception>
#include <grit/grit.hpp>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct HttpError : std::runtime_error {
  HttpError() : std::runtime_error("503") {}
};
struct IsServerError {
  bool operator()(const HttpError&) const { return true; }
};
struct IsBusy {
  bool operator()(int status) const { return status == 503; }
};

// The README's table, row by row.
using Filters = boost::mp11::mp_list<grit::RetryOn<HttpError>, grit::RetryIf<IsServerError>, grit::RetryOnError<>,
                                     grit::RetryOnResult<IsBusy>>;
using Stops = boost::mp11::mp_list<grit::stop::Attempts<5>, grit::stop::Timeout<30s>, grit::stop::Never>;
using Waits = boost::mp11::mp_list<grit::wait::Exponential<100ms, 5s, 2>, grit::wait::Exponential<>,
                                   grit::wait::Fixed<1s>, grit::wait::Linear<10ms, 10ms, 1s>, grit::wait::None>;
using Jitters = boost::mp11::mp_list<grit::jitter::Additive<1s>, grit::jitter::Additive<>, grit::jitter::Full,
                                     grit::jitter::Equal, grit::jitter::Decorrelated, grit::jitter::None>;
using Randoms = boost::mp11::mp_list<grit::random::ThreadLocal, grit::random::Seeded<42>, grit::random::Seeded<>>;
using Sinks = boost::mp11::mp_list<grit::sink::Hooks, grit::sink::None>;
using Clocks = boost::mp11::mp_list<grit::clock::Steady, grit::testing::VirtualClock>;

// Each list's members satisfy their category's concept (a lambda per list: no wrapper per concept).
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::FilterPolicy<P> && ...); }(Filters{}));
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::StopPolicy<P> && ...); }(Stops{}));
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::WaitPolicy<P> && ...); }(Waits{}));
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::JitterPolicy<P> && ...); }(Jitters{}));
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::RandomPolicy<P> && ...); }(Randoms{}));
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::SinkPolicy<P> && ...); }(Sinks{}));
static_assert([]<class... P>(boost::mp11::mp_list<P...>) { return (grit::ClockPolicy<P> && ...); }(Clocks{}));

// The contract's first example, as written.
using HttpRetry = grit::Retrying<grit::RetryOn<HttpError, std::system_error>,  // filter
                                 grit::stop::Attempts<5>,                      // stop
                                 grit::stop::Timeout<30s>,                     // ... or 30 s
                                 grit::wait::Exponential<100ms, 10s>,          // wait
                                 grit::jitter::Additive<1s>,                   // jitter
                                 grit::Name<"fetch_user">>;                    // name

int fetch_user(int id) { return id; }

TEST(ContractNames, TheContractsExampleCompilesAndRuns) {
  const grit::testing::Scope instant;  // no real waits
  int u = HttpRetry{}([&] { return fetch_user(1); });
  auto fetch = grit::retrying<HttpRetry>(fetch_user);
  int v = fetch(1);
  EXPECT_EQ(u, 1);
  EXPECT_EQ(v, 1);
}

TEST(ContractNames, RunTimeValuesAndTheRemainingNames) {
  const grit::stop::Attempts<> attempts{5};
  const grit::wait::Exponential<grit::runtime, 5s> exponential{100ms};
  const grit::random::Seeded<> seeded{7};
  using Retry =
      grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<>, grit::wait::Exponential<grit::runtime, 5s>,
                     grit::random::Seeded<>, grit::testing::VirtualClock>;
  const grit::testing::VirtualClock clock;
  const Retry retry{attempts, exponential, seeded, clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw HttpError();
               }),
               HttpError);
  EXPECT_EQ(calls, 5);

  EXPECT_TRUE(grit::Verdict::retry().retries());
  EXPECT_EQ(grit::Verdict::retry_after(2s).exact_wait(), 2s);
  EXPECT_FALSE(grit::Verdict::give_up().retries());
  EXPECT_EQ(grit::to_string(grit::GiveUpReason::attempts), "attempts");
  EXPECT_EQ(grit::to_string(grit::GiveUpReason::cancelled), "cancelled");
  EXPECT_EQ(grit::to_string(grit::GiveUpReason::budget), "budget");
  const std::vector<grit::RetryHook> hooks = grit::instrumentation::get_on_retry_hooks();
  EXPECT_TRUE(hooks.empty());
  grit::set_active(true);
  EXPECT_TRUE(grit::is_active());
  const grit::testing::State before = grit::testing::set(true, {.attempts = 3, .cap = false});
  EXPECT_TRUE(grit::testing::is_enabled());
  grit::testing::set(before.enabled, before.settings);
  {
    const grit::testing::Scope scope(true, {.attempts = 1, .cap = false});
    EXPECT_TRUE(grit::testing::is_enabled());
  }
  static_assert(std::is_same_v<grit::category::random, grit::random::ThreadLocal::grit_category>);
  static_assert(std::is_same_v<decltype(grit::runtime), const grit::Runtime>);
}

// The README's examples, as written there: the Verdict predicate ("Retry-After, else the backoff") and the schedule
// driven by hand.
namespace readme {
struct HttpError : std::runtime_error {
  int status;
  std::optional<std::chrono::seconds> retry_after;
  HttpError(int s, std::optional<std::chrono::seconds> after = std::nullopt)
      : std::runtime_error(std::to_string(s)), status(s), retry_after(after) {}
};

struct RetryAfterOrBackoff {
  grit::Verdict operator()(const HttpError& e) const {
    if (e.retry_after) return grit::Verdict::retry_after(*e.retry_after);  // the server's wait, exactly
    if (e.status >= 500) return grit::Verdict::retry();                    // the wait policy's backoff
    return grit::Verdict::give_up();                                       // a 4xx: not transient
  }
};
using PageRetry = grit::Retrying<grit::RetryIf<RetryAfterOrBackoff>, grit::stop::Attempts<5>,
                                 grit::wait::Exponential<500ms, 8s>, grit::Name<"fetch_page">>;

// The first decision of a PageRetry schedule for a failure e.
grit::Decision first_decision(const HttpError& e) {
  const PageRetry retry;
  auto schedule = retry.schedule();
  try {
    throw e;
  } catch (...) {
    return schedule.on_exception();
  }
}

int attempts = 0;
int fetch_user(int id) {
  if (++attempts < 3) throw HttpError(503);
  return id;
}
using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<5>>;
using User = int;

User fetch_user_by_hand(int id) {
  const HttpRetry retry;
  auto schedule = retry.schedule();  // the call starts now: a Timeout counts from here
  for (;;) {
    try {
      User user = fetch_user(id);  // schedule.attempt() is this attempt's number, from 1
      schedule.on_success();       // sinks hear "succeeded after retries", if there were any
      return user;
    } catch (...) {
      const grit::Decision next = schedule.on_exception();  // classified by the filters; inside the catch block
      if (!next) throw;                                     // give up: the same exception object
      schedule.wait(next);                                  // the clock policy's sleep, next.wait() long
    }
  }
}
}  // namespace readme

inline grit::budget::TokenBucket contract_bucket{{.max_tokens = 10, .token_ratio = 0.1}};

TEST(ContractNames, AttemptAndBudgetCategoriesAndCancellation) {
  static_assert(grit::AttemptPolicy<grit::attempt::Timeout<std::chrono::seconds(2)>> &&
                grit::AttemptPolicy<grit::attempt::Unlimited> && grit::AttemptPolicy<grit::attempt::Timeout<>>);
  static_assert(grit::BudgetPolicy<grit::budget::Shared<contract_bucket>> && grit::BudgetPolicy<grit::budget::None>);
  grit::budget::TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.1}};
  using HttpRetry = grit::Retrying<grit::RetryOn<HttpError, std::system_error>, grit::stop::Attempts<5>,
                                   grit::budget::Shared<>, grit::testing::VirtualClock>;
  const HttpRetry retry{grit::budget::Shared<>{bucket}};
  std::stop_source stop;
  EXPECT_EQ(retry(stop.get_token(), [] { return 1; }), 1);
  auto fetch = grit::retrying(retry, [](int id) { return id; });
  EXPECT_EQ(fetch(stop.get_token(), 2), 2);
  EXPECT_EQ(grit::attempt::Timeout<>{std::chrono::seconds(3)}.timeout(), std::chrono::seconds(3));
}

TEST(ContractNames, TheReadmesVerdictPredicate) {
  EXPECT_EQ(readme::first_decision(readme::HttpError(503, 2s)).wait(), 2s) << "Retry-After, exactly";
  const grit::Decision backoff = readme::first_decision(readme::HttpError(500));
  ASSERT_TRUE(backoff);
  EXPECT_GE(backoff.wait(), 500ms) << "the exponential backoff's first wait ...";
  EXPECT_LE(backoff.wait(), 1500ms) << "... plus the default jitter, at most 1 s";
  EXPECT_FALSE(readme::first_decision(readme::HttpError(404))) << "a 4xx gives up";
}

TEST(ContractNames, TheReadmesScheduleDrivenByHand) {
  const grit::testing::Scope instant(true, {.attempts = 5});  // no real waits
  readme::attempts = 0;
  EXPECT_EQ(readme::fetch_user_by_hand(7), 7);
  EXPECT_EQ(readme::attempts, 3);
}

}  // namespace
