// The article's poller against a real HTTP server on 127.0.0.1 (tools/flaky_server/flaky_server.hpp, in this
// process, on its own threads): the full crawl of 100 posts, 10 per page (11 requests: the 11th page is empty).
//
//   BM_Crawl/plain        the poller's client (examples/poller/sync_client.hpp), each page fetched directly
//   BM_Crawl/grit         the same client, each page through the poller's PageRetry (Log and Prometheus sinks)
//   BM_CrawlInterleaved   both in one loop, alternating crawl by crawl (so a drift of the machine's speed hits
//                         both alike): counters plain_us, grit_us and ratio = grit / plain (goal <= 1.01)
//   BM_CrawlWithFaults    a seeded schedule (20 % of requests: 503, 500, 429 with Retry-After: 1, a response
//                         slower than the 50 ms read timeout, a connection closed mid-body), through PageRetry:
//                         wall_s against waits_s (the waits grit scheduled) + requests_s (the time in attempts),
//                         ratio = wall / (waits + requests)
//
//   build/bench/grit_poller_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "flaky_server.hpp"
#include "poller/sync_client.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int kLimit = 10;
constexpr std::chrono::duration<double> kReadTimeout = 50ms;

class ServerThread {
 public:
  explicit ServerThread(flaky::Options options) : server_(std::move(options)) {
    port_ = server_.bind();
    thread_ = std::thread([this] { server_.listen(); });
  }
  ~ServerThread() {
    server_.stop();
    thread_.join();
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  flaky::Server server_;
  int port_ = 0;
  std::thread thread_;
};

ServerThread& clean_server() {
  static ServerThread server{flaky::Options{}};
  return server;
}

template <class D>
std::chrono::nanoseconds ns(D d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d);
}

poller::PageRetry make_retry(std::chrono::steady_clock::time_point* deadline, grit::prometheus::Registry& registry,
                             std::FILE* log) {
  return poller::PageRetry{grit::RetryIf<poller::RetryTransient>{poller::RetryTransient{deadline}},
                           grit::stop::Attempts<>{5},
                           grit::stop::Timeout<>{10s},
                           grit::wait::Exponential<grit::runtime, grit::runtime>{ns(10ms), ns(80ms)},
                           grit::jitter::Additive<grit::runtime>{0ms},
                           grit::sink::Log<>{grit::log::Writer{log}},
                           grit::sink::Prometheus<>{registry}};
}

std::size_t crawl_plain(httplib::Client& client) {
  std::size_t posts = 0;
  for (int page = 1;; ++page) {
    const auto items = poller::fetch_page_once(client, "/posts", page, kLimit, kReadTimeout);
    if (items.empty()) return posts;
    posts += items.size();
  }
}

std::size_t crawl_grit(httplib::Client& client, const poller::PageRetry& retry,
                       std::chrono::steady_clock::time_point& deadline,
                       std::chrono::steady_clock::duration* in_attempts = nullptr) {
  std::size_t posts = 0;
  for (int page = 1;; ++page) {
    deadline = std::chrono::steady_clock::now() + 10s;
    const auto items = retry([&] {
      const auto start = std::chrono::steady_clock::now();
      struct Add {  // the attempt's time, however it ends
        std::chrono::steady_clock::time_point start;
        std::chrono::steady_clock::duration* total;
        ~Add() {
          if (total) *total += std::chrono::steady_clock::now() - start;
        }
      } add{start, in_attempts};
      return poller::fetch_page_once(client, "/posts", page, kLimit, kReadTimeout);
    });
    if (items.empty()) return posts;
    posts += items.size();
  }
}

httplib::Client make_client(const std::string& origin) {
  httplib::Client client(origin);
  client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(kReadTimeout));
  client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(kReadTimeout));
  return client;
}

void BM_Crawl(benchmark::State& state) {
  const bool with_grit = state.range(0) != 0;
  auto client = make_client(clean_server().origin());
  grit::prometheus::Registry registry;
  std::chrono::steady_clock::time_point deadline;
  const auto retry = make_retry(&deadline, registry, stderr);
  for (auto _ : state) {
    const std::size_t posts = with_grit ? crawl_grit(client, retry, deadline) : crawl_plain(client);
    if (posts != 100) state.SkipWithError("not 100 posts");
  }
  state.SetLabel(with_grit ? "grit" : "plain");
}
BENCHMARK(BM_Crawl)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_CrawlInterleaved(benchmark::State& state) {
  auto client = make_client(clean_server().origin());
  grit::prometheus::Registry registry;
  std::chrono::steady_clock::time_point deadline;
  const auto retry = make_retry(&deadline, registry, stderr);
  std::chrono::steady_clock::duration plain{}, with_grit{};
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    const std::size_t a = crawl_plain(client);
    auto t1 = std::chrono::steady_clock::now();
    const std::size_t b = crawl_grit(client, retry, deadline);
    auto t2 = std::chrono::steady_clock::now();
    plain += t1 - t0;
    with_grit += t2 - t1;
    if (a != 100 || b != 100) state.SkipWithError("not 100 posts");
  }
  const auto us = [&](auto d) { return std::chrono::duration<double, std::micro>(d).count() / state.iterations(); };
  state.counters["plain_us"] = us(plain);
  state.counters["grit_us"] = us(with_grit);
  state.counters["ratio"] = us(with_grit) / us(plain);
}
BENCHMARK(BM_CrawlInterleaved)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_CrawlWithFaults(benchmark::State& state) {
  flaky::Options options;
  options.seed = 12;
  options.rate = 0.2;
  options.random_kinds = {{"503", ""}, {"500", ""}, {"429", "1"}, {"slow", "150"}, {"close", ""}};
  ServerThread server(options);
  auto client = make_client(server.origin());
  grit::prometheus::Registry registry;
  std::FILE* devnull = std::fopen("/dev/null", "w");
  std::chrono::steady_clock::time_point deadline;
  const auto retry = make_retry(&deadline, registry, devnull);
  std::chrono::steady_clock::duration wall{}, in_attempts{};
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t posts = crawl_grit(client, retry, deadline, &in_attempts);
    wall += std::chrono::steady_clock::now() - t0;
    if (posts != 100) state.SkipWithError("not 100 posts");
  }
  const double n = static_cast<double>(state.iterations());
  const double waits = std::chrono::duration<double>(registry.retry_wait("fetch_page")).count() / n;
  const double requests = std::chrono::duration<double>(in_attempts).count() / n;
  const double wall_s = std::chrono::duration<double>(wall).count() / n;
  state.counters["wall_s"] = wall_s;
  state.counters["waits_s"] = waits;
  state.counters["requests_s"] = requests;
  state.counters["ratio"] = wall_s / (waits + requests);
  std::uint64_t retries = 0;
  for (const char* type :
       {"poller::ServerError", "poller::RateLimited", "poller::TimeoutError", "poller::ConnectionError"})
    retries += registry.retries("fetch_page", type);
  state.counters["retries"] = static_cast<double>(retries) / n;
  state.counters["retry_after"] = static_cast<double>(registry.retries("fetch_page", "poller::RateLimited")) / n;
  std::fclose(devnull);
}
BENCHMARK(BM_CrawlWithFaults)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
