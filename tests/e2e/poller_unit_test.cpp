// The poller's shared code (examples/poller/poller.hpp) on its own: Retry-After, the retry decision, pages and
// checkpoints. The end-to-end test (poller_e2e.py) runs the same code over HTTP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "poller/poller.hpp"

using namespace std::chrono_literals;

namespace {

const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));  // Sun, 06 Nov 1994 08:49:37

TEST(RetryAfter, DelaySeconds) {
  EXPECT_EQ(poller::parse_retry_after("1", now), std::chrono::nanoseconds(1s));
  EXPECT_EQ(poller::parse_retry_after(" 120 ", now), std::chrono::nanoseconds(120s));
  EXPECT_EQ(poller::parse_retry_after("0", now), std::chrono::nanoseconds(0));
  EXPECT_EQ(poller::parse_retry_after("86400", now), std::chrono::nanoseconds(86400s));
}

TEST(RetryAfter, MalformedIsNoHeader) {
  for (const char* bad :
       {"", " ", "-5", "+5", "1.5", "soon", "86401", "99999999999", "184467440737095516160",
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"})
    EXPECT_EQ(poller::parse_retry_after(bad, now), std::nullopt) << '"' << bad << '"';
}

TEST(RetryAfter, HttpDate) {
  EXPECT_EQ(poller::parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", now), std::chrono::nanoseconds(2s));
  EXPECT_EQ(poller::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 250ms), std::chrono::nanoseconds(0))
      << "a date in the past: no wait";
  EXPECT_EQ(poller::parse_retry_after("Sun, 06 Nov 1994 08:49:38 GMT", now + 250ms), std::chrono::nanoseconds(750ms));
  EXPECT_EQ(poller::parse_retry_after("Mon, 07 Nov 1994 08:49:38 GMT", now), std::nullopt) << "more than a day";
}

TEST(RetryTransient, RetryAfterExactlyElseBackoff) {
  const poller::RetryTransient decide;
  EXPECT_EQ(decide(poller::RateLimited("429", std::chrono::nanoseconds(1s))),
            grit::Verdict::retry_after(std::chrono::nanoseconds(1s)));
  EXPECT_EQ(decide(poller::RateLimited("429", std::nullopt)), grit::Verdict::retry());
  EXPECT_EQ(decide(poller::ServerError(503, "503")), grit::Verdict::retry());
  EXPECT_EQ(decide(poller::TimeoutError("slow")), grit::Verdict::retry());
  EXPECT_EQ(decide(poller::ConnectionError("reset")), grit::Verdict::retry());
}

TEST(RetryTransient, RetryAfterPastTheDeadlineGivesUp) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  const poller::RetryTransient decide{&deadline};
  EXPECT_EQ(decide(poller::RateLimited("429", std::chrono::nanoseconds(30s))), grit::Verdict::give_up());
  EXPECT_EQ(decide(poller::RateLimited("429", std::chrono::nanoseconds(1s))),
            grit::Verdict::retry_after(std::chrono::nanoseconds(1s)));
}

TEST(Response, EachStatusIsItsFailure) {
  const std::string ok = R"([{"userId": 1, "id": 1, "title": "t", "body": "b"}])";
  EXPECT_EQ(poller::posts_from_response(1, 200, nullptr, ok, now).size(), 1u);
  EXPECT_EQ(poller::posts_from_response(11, 200, nullptr, "[]", now).size(), 0u);
  EXPECT_THROW(poller::posts_from_response(1, 503, nullptr, "", now), poller::ServerError);
  EXPECT_THROW(poller::posts_from_response(1, 500, nullptr, "", now), poller::ServerError);
  EXPECT_THROW(poller::posts_from_response(1, 404, nullptr, "<html>", now), poller::NotFound);
  EXPECT_THROW(poller::posts_from_response(1, 403, nullptr, "", now), poller::ClientError);
  EXPECT_THROW(poller::posts_from_response(1, 200, nullptr, ok.substr(0, 20), now), poller::MalformedBody);
  EXPECT_THROW(poller::posts_from_response(1, 200, nullptr, R"([{"id": "1"}])", now), poller::MalformedBody);
  const std::string garbage = "soon";
  try {
    poller::posts_from_response(1, 429, &garbage, "", now);
    FAIL();
  } catch (const poller::RateLimited& e) {
    EXPECT_EQ(e.retry_after, std::nullopt);
  }
}

class CheckpointTest : public ::testing::Test {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("grit-ck-" + std::to_string(::getpid()));
  void TearDown() override { std::filesystem::remove_all(dir); }
  static nlohmann::json posts() {
    return nlohmann::json::parse(R"([{"userId": 1, "id": 11, "title": "t", "body": "b"},
                                     {"userId": 1, "id": 12, "title": "u", "body": "c"}])");
  }
};

TEST_F(CheckpointTest, RoundTrip) {
  const poller::Checkpoints ck(dir, 10);
  EXPECT_EQ(ck.load(2), std::nullopt);
  ck.save(2, posts());
  EXPECT_EQ(ck.load(2), posts());
  EXPECT_FALSE(std::filesystem::exists(dir / ".page-0002.json.tmp")) << "the temporary is renamed";
}

TEST_F(CheckpointTest, HalfWrittenCorruptOrForeignIsNoCheckpoint) {
  const poller::Checkpoints ck(dir, 10);
  ck.save(2, posts());
  std::string text;
  {
    std::ifstream in(ck.path(2));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto rewrite = [&](const std::string& t) { std::ofstream(ck.path(2), std::ios::trunc) << t; };
  std::string why;
  rewrite(text.substr(0, text.size() / 2));
  EXPECT_EQ(ck.load(2, &why), std::nullopt);
  EXPECT_EQ(why, "does not parse");
  auto changed = nlohmann::json::parse(text);
  changed["posts"][1]["title"] = "tampered";
  rewrite(changed.dump());
  EXPECT_EQ(ck.load(2, &why), std::nullopt);
  EXPECT_EQ(why, "checksum mismatch");
  rewrite(text);
  EXPECT_EQ(poller::Checkpoints(dir, 20).load(2, &why), std::nullopt) << "another limit";
  EXPECT_EQ(why, "another format, page or limit");
  std::filesystem::copy_file(ck.path(2), ck.path(3));
  EXPECT_EQ(ck.load(3, &why), std::nullopt) << "another page";
  EXPECT_EQ(ck.load(2), posts());
}

}  // namespace
