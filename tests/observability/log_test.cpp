// grit/log.hpp: golden lines for the three events and every quoting rule; one writer call per line; no
// interleaving from 8 threads on one FILE*. Time is virtual: nothing here sleeps.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/log.hpp>

#include <unistd.h>
#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace obs_test {
struct HttpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace obs_test

namespace {

using obs_test::HttpError;

struct Lines {
  std::mutex mutex;
  std::vector<std::string> lines;
};

grit::log::Writer collect(const std::shared_ptr<Lines>& into) {
  return [into](std::string_view line) {
    std::lock_guard lock(into->mutex);
    into->lines.emplace_back(line);
  };
}

std::string quoted(std::string_view value) {
  std::string out;
  grit::log::append_value(out, value);
  return out;
}

grit::RetryDetails retry_with(const std::exception& e, std::string_view name = "fetch_user") {
  return {name, 1, 250ms, 0ms, grit::Cause::of_exception(e)};
}

std::string caused_by_field(const std::string& line) {
  const auto at = line.find(" caused_by=");
  return at == std::string::npos ? std::string() : line.substr(at + 11, line.size() - at - 12);  // without '\n'
}

// --- the three events, from a real Retrying --------------------------------------------------------------------

TEST(Logfmt, TheThreeEventsAsGoldenLines) {
  auto lines = std::make_shared<Lines>();
  grit::testing::VirtualClock clock;
  using Retry =
      grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<3>, grit::wait::Fixed<250ms>, grit::jitter::None,
                     grit::Name<"fetch_user">, grit::sink::Log<>, grit::testing::VirtualClock>;
  const Retry retry{grit::sink::Log<>{collect(lines)}, clock};

  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 2) throw HttpError("503 Service Unavailable");
              return 7;
            }),
            7);
  EXPECT_THROW(retry([]() -> int { throw HttpError("503 Service Unavailable"); }), HttpError);

  const std::vector<std::string> expected = {
      "level=warn logger=grit event=grit.retry_scheduled callable=fetch_user retry_num=1 wait_for=0.250 "
      "waited_so_far=0.000 error_type=obs_test::HttpError caused_by=\"503 Service Unavailable\"\n",
      "level=info logger=grit event=grit.succeeded_after_retries callable=fetch_user attempts=2 waited=0.250\n",
      "level=warn logger=grit event=grit.retry_scheduled callable=fetch_user retry_num=1 wait_for=0.250 "
      "waited_so_far=0.000 error_type=obs_test::HttpError caused_by=\"503 Service Unavailable\"\n",
      "level=warn logger=grit event=grit.retry_scheduled callable=fetch_user retry_num=2 wait_for=0.250 "
      "waited_so_far=0.250 error_type=obs_test::HttpError caused_by=\"503 Service Unavailable\"\n",
      "level=warn logger=grit event=grit.gave_up callable=fetch_user attempts=3 waited=0.500 reason=attempts "
      "error_type=obs_test::HttpError caused_by=\"503 Service Unavailable\"\n",
  };
  EXPECT_EQ(lines->lines, expected);
}

TEST(Logfmt, DurationsAreSecondsWithThreeDecimalsRoundedHalfUp) {
  const std::runtime_error e("x");
  const auto line_for = [&](grit::nanoseconds wait) {
    return grit::log::line(grit::RetryDetails{"f", 3, wait, 61'000'000'000ns, grit::Cause::of_exception(e)});
  };
  EXPECT_NE(line_for(1'234'499ns).find(" wait_for=0.001 waited_so_far=61.000 "), std::string::npos);
  EXPECT_NE(line_for(1'234'500'000ns).find(" wait_for=1.235 "), std::string::npos);
  EXPECT_NE(line_for(999'999'999ns).find(" wait_for=1.000 "), std::string::npos);
  EXPECT_NE(line_for(0ns).find(" wait_for=0.000 "), std::string::npos);
  EXPECT_NE(line_for(grit::nanoseconds::max()).find(" wait_for=9223372036.855 "), std::string::npos);
}

TEST(Logfmt, AnUnknownReasonAndAnUnknownCause) {
  const grit::GiveUpDetails d{"f", 1, 0ns, static_cast<grit::GiveUpReason>(200), grit::Cause{}};
  EXPECT_EQ(grit::log::line(d),
            "level=warn logger=grit event=grit.gave_up callable=f attempts=1 waited=0.000 reason=unknown "
            "error_type=\"\" caused_by=\"\"\n");
}

TEST(Logfmt, EveryReasonByName) {
  const auto reason_of = [](grit::GiveUpReason r) {
    const std::string line = grit::log::line(grit::GiveUpDetails{"f", 1, 0ns, r, grit::Cause{}});
    const auto at = line.find(" reason=") + 8;
    return line.substr(at, line.find(' ', at) - at);
  };
  EXPECT_EQ(reason_of(grit::GiveUpReason::attempts), "attempts");
  EXPECT_EQ(reason_of(grit::GiveUpReason::timeout), "timeout");
  EXPECT_EQ(reason_of(grit::GiveUpReason::stopped), "stopped");
  EXPECT_EQ(reason_of(grit::GiveUpReason::inactive), "inactive");
}

// --- quoting ------------------------------------------------------------------------------------------------------

TEST(LogfmtQuoting, BareOnlyForNonEmptyPrintableAsciiWithoutSpaceQuoteEqualsOrBackslash) {
  EXPECT_EQ(quoted("fetch_user"), "fetch_user");
  EXPECT_EQ(quoted("std::system_error"), "std::system_error");
  EXPECT_EQ(quoted("a,b;c!~"), "a,b;c!~");
  EXPECT_EQ(quoted(""), "\"\"");
  EXPECT_EQ(quoted("two words"), "\"two words\"");
  EXPECT_EQ(quoted("k=v"), "\"k=v\"");
  EXPECT_EQ(quoted("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(quoted("C:\\path"), "\"C:\\\\path\"");
  EXPECT_EQ(quoted("\""), "\"\\\"\"");
}

TEST(LogfmtQuoting, ControlBytesAreEscapedSoALineHasOneLineFeed) {
  EXPECT_EQ(quoted("line1\nline2"), "\"line1\\nline2\"");
  EXPECT_EQ(quoted("a\r\tb"), "\"a\\r\\tb\"");
  EXPECT_EQ(quoted("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(quoted(std::string_view("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(quoted("\x1b[31mred"), "\"\\u001b[31mred\"");
}

TEST(LogfmtQuoting, NonAsciiIsQuotedAndCopiedUnchanged) {
  EXPECT_EQ(quoted("na\xc3\xafve \xe2\x98\x83"), "\"na\xc3\xafve \xe2\x98\x83\"");
  EXPECT_EQ(quoted("\xc3\xa9"), "\"\xc3\xa9\"");
  EXPECT_EQ(quoted("\xff\xfe"), "\"\xff\xfe\"");  // not UTF-8: still copied, still one line
}

TEST(LogfmtQuoting, EveryCaseInAWholeLine) {
  const HttpError e("C:\\tmp \"x\"=1\nnext\x01 \xc3\xa9");
  EXPECT_EQ(grit::log::line(retry_with(e, "my call")),
            "level=warn logger=grit event=grit.retry_scheduled callable=\"my call\" retry_num=1 wait_for=0.250 "
            "waited_so_far=0.000 error_type=obs_test::HttpError "
            "caused_by=\"C:\\\\tmp \\\"x\\\"=1\\nnext\\u0001 \xc3\xa9\"\n");
}

TEST(LogfmtQuoting, RandomBytesNeverMakeASecondLineOrARawControlByte) {
  std::uint64_t state = 42;
  const auto next = [&state] {  // splitmix64, the stream grit seeds its engines with
    const std::uint64_t z = grit::detail::splitmix64(state);
    state += 0x9e3779b97f4a7c15ull;
    return z;
  };
  for (int i = 0; i < 2000; ++i) {
    std::string name, message;
    for (std::uint64_t n = next() % 30; n > 0; --n) name.push_back(static_cast<char>(next() & 0xff));
    for (std::uint64_t n = next() % 300; n > 0; --n) message.push_back(static_cast<char>(next() & 0xff));
    const HttpError e(message);
    const std::string line = grit::log::line(retry_with(e, name));
    ASSERT_EQ(line.back(), '\n');
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
      const auto b = static_cast<unsigned char>(line[k]);
      ASSERT_TRUE(b >= 0x20 && b != 0x7f) << "byte " << k << " of " << line;
    }
  }
}

// --- long messages ------------------------------------------------------------------------------------------------

TEST(LogfmtLength, ATenKilobyteMessageIsCutTo256BytesAndMarked) {
  const HttpError e(std::string(10 * 1024, 'x'));
  const std::string line = grit::log::line(retry_with(e));
  EXPECT_EQ(caused_by_field(line), std::string(256, 'x') + "...");
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_LT(line.size(), 450u);
}

TEST(LogfmtLength, TheCutNeverSplitsAUtf8Character) {
  // 255 bytes, then a 2-byte character at bytes 255..256: the cut backs off to 255 (all ASCII then: bare).
  const HttpError two(std::string(255, 'a') + "\xc3\xa9" + std::string(100, 'b'));
  EXPECT_EQ(caused_by_field(grit::log::line(retry_with(two))), std::string(255, 'a') + "...");
  // The same character at 254..255 fits, and is kept (quoted, for its non-ASCII bytes).
  const HttpError fits(std::string(254, 'a') + "\xc3\xa9" + std::string(100, 'b'));
  EXPECT_EQ(caused_by_field(grit::log::line(retry_with(fits))), "\"" + std::string(254, 'a') + "\xc3\xa9...\"");
  // A 3-byte character at 254..256 does not: the cut backs off to 254.
  const HttpError three(std::string(254, 'a') + "\xe2\x98\x83" + std::string(100, 'b'));
  EXPECT_EQ(caused_by_field(grit::log::line(retry_with(three))), std::string(254, 'a') + "...");
  const HttpError exact(std::string(256, 'z'));
  EXPECT_EQ(caused_by_field(grit::log::line(retry_with(exact))), std::string(256, 'z'));
}

// --- writing ------------------------------------------------------------------------------------------------------

TEST(LogfmtWriting, OneWriterCallPerEventWithTheWholeLine) {
  auto lines = std::make_shared<Lines>();
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<4>, grit::sink::Log<>,
                       grit::testing::VirtualClock>
      retry{grit::sink::Log<>{collect(lines)}, clock};
  EXPECT_THROW(retry([]() -> int { throw HttpError("multi\nline"); }), HttpError);
  ASSERT_EQ(lines->lines.size(), 4u);  // 3 retries, 1 give-up
  for (const auto& line : lines->lines) {
    EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
    EXPECT_EQ(line.rfind("level=warn logger=grit event=grit.", 0), 0u) << line;
  }
}

TEST(LogfmtWriting, AFilePointerWriter) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  const grit::sink::Log<> sink{file};
  const std::runtime_error e("boom");
  sink.retry_scheduled(retry_with(e));
  std::rewind(file);
  char buffer[512] = {};
  ASSERT_NE(std::fgets(buffer, sizeof buffer, file), nullptr);
  EXPECT_EQ(std::string(buffer), grit::log::line(retry_with(e)));
  std::fclose(file);
}

// Log<> with no writer: stderr (fd 2 is pointed at a temporary file for the test, then restored).
TEST(LogfmtWriting, TheDefaultWriterIsStderr) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  std::fflush(stderr);
  const int saved = ::dup(2);
  ASSERT_GE(saved, 0);
  ASSERT_GE(::dup2(::fileno(file), 2), 0);
  const std::runtime_error e("to stderr");
  grit::sink::Log<>{}.retry_scheduled(retry_with(e));
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(file);
  char buffer[512] = {};
  ASSERT_NE(std::fgets(buffer, sizeof buffer, file), nullptr);
  EXPECT_EQ(std::string(buffer), grit::log::line(retry_with(e)));
  std::fclose(file);
}

// 8 threads log through one unbuffered FILE* (stderr's buffering) at once; every line read back is whole.
TEST(LogfmtWriting, EightThreadsNeverInterleave) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  std::setvbuf(file, nullptr, _IONBF, 0);
  constexpr int threads = 8, calls = 200;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([file, t] {
      grit::testing::VirtualClock clock;
      const grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<2>, grit::sink::Log<>,
                           grit::testing::VirtualClock>
          retry{grit::sink::Log<>{file}, clock};
      const std::string message = "thread " + std::to_string(t) + " " + std::string(200, static_cast<char>('a' + t));
      for (int i = 0; i < calls; ++i) {
        try {
          retry([&]() -> int { throw HttpError(message); });
        } catch (const HttpError&) {
        }
      }
    });
  for (auto& thread : pool) thread.join();

  std::rewind(file);
  std::string all;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) all.append(buffer, n);
  std::fclose(file);

  std::size_t count = 0, start = 0;
  for (std::size_t end; (end = all.find('\n', start)) != std::string::npos; start = end + 1, ++count) {
    const std::string line = all.substr(start, end - start);
    // Whole: it starts like a grit line, names one thread, and its message is that thread's, intact.
    ASSERT_EQ(line.rfind("level=warn logger=grit event=grit.", 0), 0u) << line;
    const auto at = line.find(" caused_by=\"thread ");
    ASSERT_NE(at, std::string::npos) << line;
    const int t = line[at + 19] - '0';
    ASSERT_TRUE(t >= 0 && t < threads) << line;
    EXPECT_EQ(line.substr(at + 11),
              "\"thread " + std::to_string(t) + " " + std::string(200, static_cast<char>('a' + t)) + "\"");
  }
  EXPECT_EQ(start, all.size());                                     // nothing after the last line feed
  EXPECT_EQ(count, static_cast<std::size_t>(threads * calls * 2));  // a retry and a give-up per call
}

// --- the process-wide hook ----------------------------------------------------------------------------------------

TEST(LogfmtHook, TheHookLogsScheduledRetries) {
  auto lines = std::make_shared<Lines>();
  const auto previous = grit::instrumentation::get_on_retry_hooks();
  grit::instrumentation::set_on_retry_hooks({grit::log::hook(collect(lines))});
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<3>, grit::Name<"hooked">,
                       grit::testing::VirtualClock>
      retry{clock};
  EXPECT_THROW(retry([]() -> int { throw HttpError("down"); }), HttpError);
  grit::instrumentation::set_on_retry_hooks(previous);
  ASSERT_EQ(lines->lines.size(), 2u);  // retries only: hooks hear nothing else
  EXPECT_EQ(lines->lines[0].rfind("level=warn logger=grit event=grit.retry_scheduled callable=hooked retry_num=1 ", 0),
            0u);
  EXPECT_EQ(lines->lines[1].rfind("level=warn logger=grit event=grit.retry_scheduled callable=hooked retry_num=2 ", 0),
            0u);
}

}  // namespace
