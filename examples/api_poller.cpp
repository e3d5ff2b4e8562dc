// The article's real-life example, for real: a paginated REST poller (GET URL?_page=N&_limit=M, cpp-httplib) in
// which each page fetch is retried on its own, so a blip on page 7 costs a retry, not the crawl; plus the article's
// two extensions: each page is checkpointed to a JSON file (a crash loses at most the page in flight) and the
// retries are counted for Prometheus (GET /metrics).
//
//   grit_api_poller --url=http://127.0.0.1:PORT/posts --checkpoint-dir=DIR [options]
//     --limit=M            posts per page (10)           --pages=N          stop after page N (1000)
//     --attempts=N         per page (5)                  --timeout=S        per page, all attempts (60)
//     --backoff-initial=S  (0.5)  --backoff-max=S (8)    --jitter=S         added to each backoff (1)
//     --read-timeout=S     per request (10)              --delay=S          between pages (0.2)
//     --metrics-port=P     /metrics on 127.0.0.1:P (0: an ephemeral port; -1: none)
//     --metrics-file=F     the exposition, written at exit   --await-scrape  wait (up to 15 s) for a scrape
//                                                            before the crawl, and for two after it
//
// Retried: connection errors (refused, reset, closed mid-body), timeouts, 5xx and 429. A 429's Retry-After
// (seconds or HTTP-date) is waited exactly, unless it ends after the page's deadline (then the page gives up at
// once); without a usable one (none, negative, longer than a day, garbage) a 429 takes the exponential backoff like
// every other transient failure. Never retried: a 404, a malformed body, another 4xx. A page that fails is reported
// and skipped; the crawl goes on (five failed pages in a row stop it: the API is down), and a run that missed pages
// exits with status 2: run it again, and it fetches only what is missing (pages with a valid checkpoint are read back,
// not fetched). Once every page is there, it writes DIR/posts.json (all posts, in order) and prints a summary. Progress
// and grit's events are logfmt lines on stderr.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <grit/grit.hpp>
#include <grit/log.hpp>
#include <grit/prometheus.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "poller/cli.hpp"
#include "poller/poller.hpp"
#include "poller/sync_client.hpp"

using namespace std::chrono_literals;
using poller::fetch_page_once;
using poller::log_line;
using poller::PageRetry;
using seconds_d = std::chrono::duration<double>;

namespace {

// GET /metrics on 127.0.0.1, counting the scrapes so that --await-scrape can wait for one.
class MetricsServer {
 public:
  int start(int port) {
    http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(grit::prometheus::default_registry().text(),
                      std::string(grit::prometheus::content_type_text).c_str());
      {
        const std::lock_guard lock(mutex_);
        ++scrapes_;
      }
      scraped_.notify_all();
    });
    port = port == 0 ? http_.bind_to_any_port("127.0.0.1") : (http_.bind_to_port("127.0.0.1", port) ? port : -1);
    if (port > 0) thread_ = std::thread([this] { http_.listen_after_bind(); });
    return port;
  }
  // Waits for a scrape after this call (at most `limit`).
  void await_scrape(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    const auto seen = scrapes_;
    scraped_.wait_for(lock, limit, [&] { return scrapes_ > seen; });
  }
  void stop() {
    if (thread_.joinable()) {
      http_.stop();
      thread_.join();
    }
  }

 private:
  httplib::Server http_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable scraped_;
  unsigned long scrapes_ = 0;
};

template <class D>
std::chrono::nanoseconds ns(D d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d);
}

}  // namespace

int main(int argc, char** argv) {
  poller::Options cfg;
  if (!poller::parse_options(argc, argv, cfg)) {
    std::fprintf(stderr, "usage: %s --url=http://HOST:PORT/posts --checkpoint-dir=DIR [options] (see the source)\n",
                 argv[0]);
    return 64;
  }
  // http://host:port and the path.
  const auto slash = cfg.url.find('/', cfg.url.find("://") == std::string::npos ? 0 : cfg.url.find("://") + 3);
  const std::string origin = cfg.url.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : cfg.url.substr(slash);

  MetricsServer metrics;
  if (cfg.metrics_port >= 0) {
    const int port = metrics.start(cfg.metrics_port);
    if (port <= 0) {
      std::fprintf(stderr, "cannot serve /metrics on 127.0.0.1:%d\n", cfg.metrics_port);
      return 1;
    }
    log_line("event=metrics_listening address=127.0.0.1:" + std::to_string(port));
    if (cfg.await_scrape) metrics.await_scrape(15s);
  }

  httplib::Client client(origin);
  const auto read_timeout = seconds_d(cfg.read_timeout);
  client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(read_timeout));
  client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(read_timeout));

  // [tutorial:poller-loop]
  std::chrono::steady_clock::time_point deadline;  // of the page being fetched, for RetryTransient
  const PageRetry retry{grit::RetryIf<poller::RetryTransient>{poller::RetryTransient{&deadline}},
                        grit::stop::Attempts<>{cfg.attempts}, grit::stop::Timeout<>{seconds_d(cfg.timeout)},
                        grit::wait::Exponential<grit::runtime, grit::runtime>{ns(seconds_d(cfg.backoff_initial)),
                                                                              ns(seconds_d(cfg.backoff_max))},
                        grit::jitter::Additive<grit::runtime>{seconds_d(cfg.jitter)}};
  const poller::Checkpoints checkpoints(cfg.dir, cfg.limit);

  poller::Crawl crawl(checkpoints);
  for (int page = 1; page <= cfg.pages; ++page) {
    if (crawl.resumed(page)) continue;  // fetched by an earlier run
    nlohmann::json posts;
    try {
      deadline = std::chrono::steady_clock::now() + ns(seconds_d(cfg.timeout));
      posts = retry([&] { return fetch_page_once(client, path, page, cfg.limit, read_timeout); });
    } catch (const std::exception& e) {  // given up on (transient) or never retried (404, malformed, 4xx)
      if (crawl.failed(page, dynamic_cast<const poller::TransientError*>(&e) != nullptr, e.what())) continue;
      break;
    }
    if (!crawl.fetched(page, posts)) break;
    std::this_thread::sleep_for(seconds_d(cfg.delay));  // a polite delay between pages
  }
  // [/tutorial:poller-loop]

  const int status = poller::finish_run(cfg, checkpoints, crawl.missing());
  if (cfg.metrics_port >= 0 && cfg.await_scrape) {  // twice: rate() and increase() need two samples of a series
    metrics.await_scrape(15s);
    metrics.await_scrape(15s);
  }
  metrics.stop();
  return status;
}
