// grit/spdlog.hpp against Debian's spdlog 1.10, through a ring-buffer sink: golden messages, levels, the "grit"
// logger and the default one, nothing formatted when the level is off, `{}` verbatim. Nothing here sleeps.
#include <gtest/gtest.h>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <grit/grit.hpp>
#include <grit/spdlog.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace obs_test {
struct RpcError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Counts how often its message is read: formatting an event reads it.
struct CountingError : std::exception {
  explicit CountingError(std::atomic<int>& reads) : reads_(&reads) {}
  const char* what() const noexcept override {
    ++*reads_;
    return "counted";
  }
  std::atomic<int>* reads_;
};
}  // namespace obs_test

namespace {

using obs_test::CountingError;
using obs_test::RpcError;

// A logger over a ring buffer, with the pattern "<level> <logger name> <message>".
struct Captured {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  std::shared_ptr<spdlog::logger> logger;
  explicit Captured(const std::string& name) : logger(std::make_shared<spdlog::logger>(name, ring)) {
    logger->set_pattern("%l %n %v");
    logger->set_level(spdlog::level::trace);
  }
  std::vector<std::string> lines() const {  // without the pattern's line ends
    auto lines = ring->last_formatted();
    for (auto& line : lines)
      if (!line.empty() && line.back() == '\n') line.pop_back();
    return lines;
  }
};

// Registers a logger as "grit" for one test, and drops it afterwards.
struct RegisteredGrit : Captured {
  RegisteredGrit() : Captured("grit") { spdlog::register_logger(logger); }
  ~RegisteredGrit() { spdlog::drop("grit"); }
};

using Retry = grit::Retrying<grit::RetryOn<RpcError>, grit::stop::Attempts<2>, grit::wait::Fixed<250ms>,
                             grit::jitter::None, grit::Name<"rpc">, grit::sink::Spdlog<>, grit::testing::VirtualClock>;

TEST(Spdlog, TheThreeEventsAtTheirLevelsOnTheGritLogger) {
  RegisteredGrit grit_logger;
  grit::testing::VirtualClock clock;
  const Retry retry{clock};
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 2) throw RpcError("unavailable");
              return 1;
            }),
            1);
  EXPECT_THROW(retry([]() -> int { throw RpcError("unavailable"); }), RpcError);
  const std::vector<std::string> expected = {
      "warning grit event=grit.retry_scheduled callable=rpc retry_num=1 wait_for=0.250 waited_so_far=0.000 "
      "error_type=obs_test::RpcError caused_by=unavailable",
      "info grit event=grit.succeeded_after_retries callable=rpc attempts=2 waited=0.250",
      "warning grit event=grit.retry_scheduled callable=rpc retry_num=1 wait_for=0.250 waited_so_far=0.000 "
      "error_type=obs_test::RpcError caused_by=unavailable",
      "warning grit event=grit.gave_up callable=rpc attempts=2 waited=0.250 reason=attempts "
      "error_type=obs_test::RpcError caused_by=unavailable",
  };
  EXPECT_EQ(grit_logger.lines(), expected);
}

TEST(Spdlog, BracesInAMessageComeOutVerbatim) {
  RegisteredGrit grit_logger;
  grit::testing::VirtualClock clock;
  const Retry retry{clock};
  EXPECT_THROW(retry([]() -> int { throw RpcError("{} {0} {:>10} }{ {{"); }), RpcError);
  const auto lines = grit_logger.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("caused_by=\"{} {0} {:>10} }{ {{\""), std::string::npos) << lines[0];
}

TEST(Spdlog, NothingIsFormattedWhenTheLevelIsOff) {
  RegisteredGrit grit_logger;
  grit_logger.logger->set_level(spdlog::level::err);
  std::atomic<int> reads{0};
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<CountingError>, grit::stop::Attempts<3>, grit::sink::Spdlog<>,
                       grit::testing::VirtualClock>
      retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&]() -> int {
                 ++calls;
                 throw CountingError(reads);
               }),
               CountingError);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(reads.load(), 0);  // the message was never read: no event was formatted
  EXPECT_TRUE(grit_logger.lines().empty());

  grit_logger.logger->set_level(spdlog::level::warn);  // on again: 2 retries and a give-up, each reading it once
  EXPECT_THROW(retry([&]() -> int { throw CountingError(reads); }), CountingError);
  EXPECT_EQ(reads.load(), 3);
  EXPECT_EQ(grit_logger.lines().size(), 3u);
}

TEST(Spdlog, WithoutAGritLoggerTheDefaultLogger) {
  ASSERT_EQ(spdlog::get("grit"), nullptr);
  Captured fallback("default");
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(fallback.logger);
  grit::testing::VirtualClock clock;
  const Retry retry{clock};
  EXPECT_THROW(retry([]() -> int { throw RpcError("x"); }), RpcError);
  spdlog::set_default_logger(previous);
  const auto lines = fallback.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("warning default event=grit.retry_scheduled callable=rpc ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("warning default event=grit.gave_up callable=rpc ", 0), 0u) << lines[1];
}

TEST(Spdlog, AGivenLoggerAndOtherLevels) {
  Captured mine("mine");
  grit::testing::VirtualClock clock;
  using Loud = grit::sink::Spdlog<spdlog::level::err, spdlog::level::critical, spdlog::level::debug>;
  const grit::Retrying<grit::RetryOn<RpcError>, grit::stop::Attempts<2>, grit::Name<"rpc">, Loud,
                       grit::testing::VirtualClock>
      retry{Loud{mine.logger}, clock};
  int calls = 0;
  retry([&] {
    if (++calls < 2) throw RpcError("x");
  });
  EXPECT_THROW(retry([]() -> int { throw RpcError("x"); }), RpcError);
  const auto lines = mine.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("error mine event=grit.retry_scheduled ", 0), 0u);
  EXPECT_EQ(lines[1].rfind("debug mine event=grit.succeeded_after_retries ", 0), 0u);
  EXPECT_EQ(lines[3].rfind("critical mine event=grit.gave_up ", 0), 0u);
}

TEST(Spdlog, TheHook) {
  RegisteredGrit grit_logger;
  const auto previous = grit::instrumentation::get_on_retry_hooks();
  grit::instrumentation::set_on_retry_hooks({grit::spdlog::hook()});
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<RpcError>, grit::stop::Attempts<3>, grit::Name<"hooked">,
                       grit::testing::VirtualClock>
      retry{clock};
  EXPECT_THROW(retry([]() -> int { throw RpcError("x"); }), RpcError);
  grit::instrumentation::set_on_retry_hooks(previous);
  const auto lines = grit_logger.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].rfind("warning grit event=grit.retry_scheduled callable=hooked retry_num=2 ", 0), 0u);
}

}  // namespace
