// grit/prometheus.hpp: golden expositions (0.0.4 and OpenMetrics), escaping, sorting, the series cap, concurrent
// updates, the sink in a Retrying and the process-wide hook. Time is virtual: nothing here sleeps.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/prometheus.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace obs_test {
struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace obs_test

namespace {

using grit::prometheus::Options;
using grit::prometheus::Registry;
using obs_test::DbError;

constexpr const char* empty_text =
    "# HELP grit_retries_total Retries scheduled by grit: failed attempts that will be retried.\n"
    "# TYPE grit_retries_total counter\n"
    "# HELP grit_gave_up_total Calls that ended on a retryable failure that grit did not retry again.\n"
    "# TYPE grit_gave_up_total counter\n"
    "# HELP grit_succeeded_after_retries_total Calls that succeeded after at least one retry.\n"
    "# TYPE grit_succeeded_after_retries_total counter\n"
    "# HELP grit_retry_wait_seconds_total Time grit scheduled to wait before retries, in seconds.\n"
    "# TYPE grit_retry_wait_seconds_total counter\n";

TEST(PrometheusText, AnEmptyRegistryStillShowsEveryFamily) { EXPECT_EQ(Registry{}.text(), empty_text); }

TEST(PrometheusText, GoldenWithEscapesAndSortedSeries) {
  Registry r;
  r.count_retry("fetch_user", "std::system_error", 1ns);
  r.count_retry("fetch_user", "HttpError", 250ms);
  r.count_retry("fetch_user", "HttpError", 500ms);
  r.count_retry("C:\\path \"quoted\"\nline", "E", 2s);
  r.count_gave_up("fetch_user", "HttpError", grit::GiveUpReason::attempts);
  r.count_gave_up("fetch_user", "HttpError", grit::GiveUpReason::timeout);
  r.count_success("fetch_user");
  EXPECT_EQ(r.text(),
            "# HELP grit_retries_total Retries scheduled by grit: failed attempts that will be retried.\n"
            "# TYPE grit_retries_total counter\n"
            "grit_retries_total{callable=\"C:\\\\path \\\"quoted\\\"\\nline\",error_type=\"E\"} 1\n"
            "grit_retries_total{callable=\"fetch_user\",error_type=\"HttpError\"} 2\n"
            "grit_retries_total{callable=\"fetch_user\",error_type=\"std::system_error\"} 1\n"
            "# HELP grit_gave_up_total Calls that ended on a retryable failure that grit did not retry again.\n"
            "# TYPE grit_gave_up_total counter\n"
            "grit_gave_up_total{callable=\"fetch_user\",error_type=\"HttpError\",reason=\"attempts\"} 1\n"
            "grit_gave_up_total{callable=\"fetch_user\",error_type=\"HttpError\",reason=\"timeout\"} 1\n"
            "# HELP grit_succeeded_after_retries_total Calls that succeeded after at least one retry.\n"
            "# TYPE grit_succeeded_after_retries_total counter\n"
            "grit_succeeded_after_retries_total{callable=\"fetch_user\"} 1\n"
            "# HELP grit_retry_wait_seconds_total Time grit scheduled to wait before retries, in seconds.\n"
            "# TYPE grit_retry_wait_seconds_total counter\n"
            "grit_retry_wait_seconds_total{callable=\"C:\\\\path \\\"quoted\\\"\\nline\"} 2\n"
            "grit_retry_wait_seconds_total{callable=\"fetch_user\"} 0.750000001\n");
}

TEST(PrometheusText, GoldenOpenMetrics) {
  Registry r;
  r.count_retry("f", "E", 1500ms);
  r.count_gave_up("f", "E", grit::GiveUpReason::inactive);
  r.count_success("f");
  EXPECT_EQ(r.openmetrics(),
            "# TYPE grit_retries counter\n"
            "# HELP grit_retries Retries scheduled by grit: failed attempts that will be retried.\n"
            "grit_retries_total{callable=\"f\",error_type=\"E\"} 1\n"
            "# TYPE grit_gave_up counter\n"
            "# HELP grit_gave_up Calls that ended on a retryable failure that grit did not retry again.\n"
            "grit_gave_up_total{callable=\"f\",error_type=\"E\",reason=\"inactive\"} 1\n"
            "# TYPE grit_succeeded_after_retries counter\n"
            "# HELP grit_succeeded_after_retries Calls that succeeded after at least one retry.\n"
            "grit_succeeded_after_retries_total{callable=\"f\"} 1\n"
            "# TYPE grit_retry_wait_seconds counter\n"
            "# UNIT grit_retry_wait_seconds seconds\n"
            "# HELP grit_retry_wait_seconds Time grit scheduled to wait before retries, in seconds.\n"
            "grit_retry_wait_seconds_total{callable=\"f\"} 1.5\n"
            "# EOF\n");
}

TEST(PrometheusText, AnyBytesInALabelValueStayInsideItsQuotes) {
  const auto escaped = [](std::string_view v) {
    std::string out;
    grit::prometheus::detail::append_label_value(out, v);
    return out;
  };
  EXPECT_EQ(escaped("plain"), "plain");
  EXPECT_EQ(escaped("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escaped("na\xc3\xafve \xe2\x98\x83 \xf0\x9f\x98\x80"), "na\xc3\xafve \xe2\x98\x83 \xf0\x9f\x98\x80");
  EXPECT_EQ(escaped("\xff"), "\xef\xbf\xbd");                  // never a lead byte
  EXPECT_EQ(escaped("\xc3"), "\xef\xbf\xbd");                  // truncated sequence
  EXPECT_EQ(escaped("\xc3\""), "\xef\xbf\xbd\\\"");            // ... the quote after it is still escaped
  EXPECT_EQ(escaped("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");  // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");                  // a surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // past U+10FFFF
  EXPECT_EQ(escaped(std::string_view("a\0b", 3)), std::string_view("a\0b", 3));                // valid UTF-8, so kept
}

// --- bounds -------------------------------------------------------------------------------------------------------

TEST(PrometheusCap, PastTheCapNewLabelValuesBecomeOtherAndTheTextSaysSoOnce) {
  Registry r(Options{.max_series_per_family = 2});
  for (int i = 0; i < 5; ++i) r.count_retry("call" + std::to_string(i), "E", 1s);
  r.count_retry("call0", "E", 1s);  // an existing series keeps counting
  r.count_gave_up("a", "E", grit::GiveUpReason::attempts);
  r.count_gave_up("b", "E", grit::GiveUpReason::attempts);
  r.count_gave_up("c", "E", grit::GiveUpReason::timeout);  // reason is kept past the cap
  r.count_gave_up("d", "E", grit::GiveUpReason::attempts);
  EXPECT_EQ(r.retries("call0", "E"), 2u);
  EXPECT_EQ(r.retries("call1", "E"), 1u);
  EXPECT_EQ(r.retries("call2", "E"), 0u);
  EXPECT_EQ(r.retries("_OTHER", "_OTHER"), 3u);
  EXPECT_EQ(r.retry_wait("_OTHER"), 3s);
  EXPECT_EQ(r.gave_up("_OTHER", "_OTHER", "timeout"), 1u);
  EXPECT_EQ(r.gave_up("_OTHER", "_OTHER", "attempts"), 1u);
  const std::string text = r.text();
  const std::string comment =
      "# grit: grit_retries_total reached its limit of 2 series; the series of further label values are counted "
      "with label value _OTHER\n";
  EXPECT_NE(text.find(comment), std::string::npos) << text;
  EXPECT_EQ(text.find(comment), text.rfind(comment));
  EXPECT_NE(text.find("# grit: grit_gave_up_total reached"), std::string::npos);
  EXPECT_EQ(text.find("# grit: grit_succeeded_after_retries_total"), std::string::npos);
  EXPECT_EQ(r.openmetrics().find("# grit:"), std::string::npos);  // OpenMetrics allows no other comments
}

TEST(PrometheusCap, ManyNamesNeverGrowPastTheCap) {
  Registry r;  // 1000 per family
  for (int i = 0; i < 5000; ++i) r.count_retry("name" + std::to_string(i), "E", 1ms);
  EXPECT_EQ(r.retries("_OTHER", "_OTHER"), 4000u);
  EXPECT_EQ(r.series(), 1001u + 1001u);  // retries and waits: the cap, and _OTHER
}

// --- concurrency --------------------------------------------------------------------------------------------------

TEST(PrometheusThreads, ConcurrentUpdatesAndCreationsLoseNothing) {
  Registry r(Options{.max_series_per_family = 64});
  constexpr int threads = 8, updates = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&r] {
      for (int i = 0; i < updates; ++i) r.count_retry("c" + std::to_string(i % 100), "E", 1ns);
    });
  std::string scraped;
  for (int i = 0; i < 20; ++i) scraped = r.text();  // reading while they write
  for (auto& thread : pool) thread.join();
  std::uint64_t total = 0;
  for (int i = 0; i < 100; ++i) total += r.retries("c" + std::to_string(i), "E");
  total += r.retries("_OTHER", "_OTHER");
  EXPECT_EQ(total, static_cast<std::uint64_t>(threads) * updates);
  EXPECT_EQ(r.series(), 65u + 65u);
}

// --- the sink and the hook ----------------------------------------------------------------------------------------

TEST(PrometheusSink, CountsTheThreeEventsOfARetrying) {
  Registry registry;
  grit::testing::VirtualClock clock;
  using Retry =
      grit::Retrying<grit::RetryOn<DbError>, grit::stop::Attempts<3>, grit::wait::Fixed<100ms>, grit::jitter::None,
                     grit::Name<"query">, grit::sink::Prometheus<>, grit::testing::VirtualClock>;
  const Retry retry{grit::sink::Prometheus<>{registry}, clock};
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 3) throw DbError("locked");
              return 1;
            }),
            1);
  EXPECT_THROW(retry([]() -> int { throw DbError("locked"); }), DbError);
  EXPECT_EQ(registry.retries("query", "obs_test::DbError"), 4u);
  EXPECT_EQ(registry.gave_up("query", "obs_test::DbError", "attempts"), 1u);
  EXPECT_EQ(registry.succeeded_after_retries("query"), 1u);
  EXPECT_EQ(registry.retry_wait("query"), 400ms);
}

TEST(PrometheusSink, TheDefaultRegistry) {
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<DbError>, grit::stop::Attempts<2>, grit::Name<"default_registry_test">,
                       grit::sink::Prometheus<>, grit::testing::VirtualClock>
      retry{clock};
  EXPECT_THROW(retry([]() -> int { throw DbError("x"); }), DbError);
  EXPECT_EQ(&grit::sink::Prometheus<>{}.registry(), &grit::prometheus::default_registry());
  EXPECT_EQ(grit::prometheus::default_registry().retries("default_registry_test", "obs_test::DbError"), 1u);
  EXPECT_EQ(grit::prometheus::default_registry().gave_up("default_registry_test", "obs_test::DbError", "attempts"), 1u);
}

TEST(PrometheusHook, TheHookCountsScheduledRetries) {
  Registry registry;
  const auto previous = grit::instrumentation::get_on_retry_hooks();
  grit::instrumentation::set_on_retry_hooks({grit::prometheus::hook(registry)});
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<DbError>, grit::stop::Attempts<4>, grit::wait::Fixed<1s>, grit::jitter::None,
                       grit::Name<"hooked">, grit::testing::VirtualClock>
      retry{clock};
  EXPECT_THROW(retry([]() -> int { throw DbError("x"); }), DbError);
  grit::instrumentation::set_on_retry_hooks(previous);
  EXPECT_EQ(registry.retries("hooked", "obs_test::DbError"), 3u);
  EXPECT_EQ(registry.retry_wait("hooked"), 3s);
  EXPECT_EQ(registry.gave_up("hooked", "obs_test::DbError", "attempts"), 0u);  // hooks hear retries only
}

}  // namespace
