// The article's poller on Asio (grit::asio): the crawler of examples/api_poller.cpp (same options, log lines,
// checkpoints and Prometheus counts; the decision, Retry-After, pages and checkpoints are examples/poller/poller.hpp's,
// the command line and the end of a run examples/poller/cli.hpp's) as one C++20 coroutine, each page fetched through
// grit::asio::async_retry with asio::use_awaitable. The per-request read timeout is grit::attempt::Timeout: the
// driver cancels an attempt at its deadline (a cancellation slot into the request's coroutine) and counts it as a
// retryable failure, logged as grit::asio::AttemptTimedOut.
//
//   example_async_poller --url=http://127.0.0.1:PORT/posts --checkpoint-dir=DIR [options]
//     --limit, --pages, --attempts, --timeout, --backoff-initial, --backoff-max, --jitter, --read-timeout, --delay,
//     --metrics-file: as api_poller's. No /metrics server (--metrics-port=-1 is accepted; another port and
//     --await-scrape are not): a scrape endpoint is api_poller's job; the counts are the same, in --metrics-file.
//   example_async_poller [--demo]
//     a demo: serves a few pages itself on 127.0.0.1 (each page's first request gets a 503, page 2's second a 429
//     with Retry-After: 1) and crawls them into a temporary directory.
//
// The HTTP client is a minimal HTTP/1.1 GET on standalone Asio (one connection per request, Content-Length or
// read-to-close bodies; a chunked body is refused as malformed), not Boost.Beast: grit::asio is standalone Asio, and
// Beast would tie the example to the Boost flavour (and to Boost 1.81, which Debian 12 has only as headers unpacked
// in the build tree). A poller needs four failures from its client, and they are a few lines each: no connection,
// a connection lost before Content-Length bytes (ConnectionError), no answer in time (attempt::Timeout), a status.
#include <unistd.h>

#include <grit/asio.hpp>
#include <grit/grit.hpp>
#include <grit/log.hpp>
#include <grit/prometheus.hpp>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "poller/cli.hpp"
#include "poller/poller.hpp"

#if !defined(ASIO_HAS_CO_AWAIT)
int main() {
  std::cerr << "this example needs C++20 coroutines in Asio (with Clang: -DASIO_HAS_CO_AWAIT=1 "
               "-DASIO_HAS_STD_COROUTINE=1, as the grit::asio target sets)\n";
}
#else
using namespace std::chrono_literals;
using asio::ip::tcp;
using poller::log_line;
using seconds_d = std::chrono::duration<double>;

namespace {

// api_poller's PageRetry (examples/poller/sync_client.hpp), plus the per-request deadline only an async driver can
// carry out.
using PageRetry = grit::Retrying<grit::RetryIf<poller::RetryTransient>, grit::stop::Attempts<>, grit::stop::Timeout<>,
                                 grit::attempt::Timeout<>, grit::wait::Exponential<grit::runtime, grit::runtime>,
                                 grit::jitter::Additive<grit::runtime>, grit::Name<"fetch_page">, grit::sink::Log<>,
                                 grit::sink::Prometheus<> >;

template <class D>
std::chrono::nanoseconds ns(D d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d);
}

// --- the HTTP client ---------------------------------------------------------------------------------------------
struct Url {
  std::string host, port, path;
};
std::optional<Url> parse_url(const std::string& url) {
  if (url.rfind("http://", 0) != 0) return std::nullopt;
  const auto slash = url.find('/', 7);
  const std::string authority = url.substr(7, slash == std::string::npos ? std::string::npos : slash - 7);
  const auto colon = authority.rfind(':');
  Url u{authority.substr(0, colon), colon == std::string::npos ? "80" : authority.substr(colon + 1),
        slash == std::string::npos ? "/" : url.substr(slash)};
  if (u.host.empty()) return std::nullopt;
  return u;
}

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// Asio's error as a ConnectionError; a cancellation (the attempt's deadline, or the caller's) stays what it is, so
// that it is never mistaken for a failure of the server.
[[noreturn]] void fail(const asio::error_code& ec, const std::string& doing, int page) {
  if (ec == asio::error::operation_aborted) throw asio::system_error(ec);
  throw poller::ConnectionError("connection failed: " + doing + ": " + ec.message() + " (page " + std::to_string(page) +
                                ")");
}

// GET url.path + query, HTTP/1.1, one connection; the response in full or a ConnectionError.
asio::awaitable<Response> http_get(const Url& url, const std::string& target, int page) {
  const auto ex = co_await asio::this_coro::executor;
  asio::error_code ec;
  tcp::resolver resolver(ex);
  const auto endpoints =
      co_await resolver.async_resolve(url.host, url.port, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(ec, "resolve " + url.host, page);
  tcp::socket socket(ex);
  co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(ec, "connect", page);
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: " + url.host + ":" + url.port + "\r\nConnection: close\r\n\r\n";
  co_await asio::async_write(socket, asio::buffer(request), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(ec, "send", page);

  std::string data;
  const std::size_t head = co_await asio::async_read_until(socket, asio::dynamic_buffer(data), "\r\n\r\n",
                                                           asio::redirect_error(asio::use_awaitable, ec));
  if (ec) fail(ec, "read the head", page);
  Response res;
  const std::string_view head_text(data.data(), head);
  if (head_text.rfind("HTTP/1.", 0) != 0 || head_text.size() < 12)
    throw poller::ConnectionError("not an HTTP response (page " + std::to_string(page) + ")");
  res.status = std::atoi(std::string(head_text.substr(9, 3)).c_str());
  for (std::size_t at = head_text.find("\r\n") + 2; at < head_text.size();) {
    const std::size_t eol = head_text.find("\r\n", at);
    const std::string_view line = head_text.substr(at, eol - at);
    at = eol + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    res.headers[name] = std::string(poller::detail::trim(line.substr(colon + 1)));
  }
  res.body = data.substr(head);
  if (res.headers.contains("transfer-encoding"))
    throw poller::MalformedBody("a Transfer-Encoding this client does not decode (page " + std::to_string(page) + ")");
  if (const auto it = res.headers.find("content-length"); it != res.headers.end()) {
    std::size_t length = 0;
    const auto [end, err] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), length);
    if (err != std::errc{} || end != it->second.data() + it->second.size())
      throw poller::ConnectionError("not an HTTP response: Content-Length " + it->second + " (page " +
                                    std::to_string(page) + ")");
    if (res.body.size() < length)
      co_await asio::async_read(socket, asio::dynamic_buffer(res.body),
                                asio::transfer_exactly(length - res.body.size()),
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) fail(ec, "", page);
    if (res.body.size() < length)
      throw poller::ConnectionError("connection closed after " + std::to_string(res.body.size()) + " of " +
                                    std::to_string(length) + " body bytes (page " + std::to_string(page) + ")");
    res.body.resize(length);
  } else {  // the body ends with the connection
    co_await asio::async_read(socket, asio::dynamic_buffer(res.body), asio::redirect_error(asio::use_awaitable, ec));
    if (ec && ec != asio::error::eof) fail(ec, "read the body", page);
  }
  co_return res;
}

// One attempt: GET the page; the posts, or the failure it is (poller.hpp).
asio::awaitable<nlohmann::json> fetch_page_once(const Url& url, int page, int limit) {
  const Response res =
      co_await http_get(url, url.path + "?_page=" + std::to_string(page) + "&_limit=" + std::to_string(limit), page);
  const auto it = res.headers.find("retry-after");
  co_return poller::posts_from_response(page, res.status, it == res.headers.end() ? nullptr : &it->second, res.body,
                                        std::chrono::system_clock::now());
}

// --- the crawl: api_poller's loop, awaiting instead of blocking --------------------------------------------------
asio::awaitable<int> crawl(const poller::Options& cfg, const Url& url) {
  const auto ex = co_await asio::this_coro::executor;
  std::chrono::steady_clock::time_point deadline;  // of the page being fetched, for RetryTransient
  const PageRetry retry{grit::RetryIf<poller::RetryTransient>{poller::RetryTransient{&deadline}},
                        grit::stop::Attempts<>{cfg.attempts},
                        grit::stop::Timeout<>{seconds_d(cfg.timeout)},
                        grit::attempt::Timeout<>{seconds_d(cfg.read_timeout)},
                        grit::wait::Exponential<grit::runtime, grit::runtime>{ns(seconds_d(cfg.backoff_initial)),
                                                                              ns(seconds_d(cfg.backoff_max))},
                        grit::jitter::Additive<grit::runtime>{seconds_d(cfg.jitter)}};
  const poller::Checkpoints checkpoints(cfg.dir, cfg.limit);
  asio::steady_timer pause(ex);

  poller::Crawl crawl(checkpoints);
  for (int page = 1; page <= cfg.pages; ++page) {
    if (crawl.resumed(page)) continue;  // fetched by an earlier run
    nlohmann::json posts;
    grit::asio::Report report;
    std::string error;
    bool transient = false;
    try {
      deadline = std::chrono::steady_clock::now() + ns(seconds_d(cfg.timeout));
      // [tutorial:async-page]
      // Each attempt is a coroutine of its own, spawned with the token async_retry gives: its completion
      // (exception_ptr, json) is classified, and the driver's cancellation at the attempt's deadline reaches it.
      posts = co_await grit::asio::async_retry(
          retry, ex,
          [&](auto token) { return asio::co_spawn(ex, fetch_page_once(url, page, cfg.limit), std::move(token)); },
          report, asio::use_awaitable);
      // [/tutorial:async-page]
    } catch (const std::exception& e) {  // given up on (transient) or never retried (404, malformed, 4xx)
      transient = report.last_attempt_timed_out || dynamic_cast<const poller::TransientError*>(&e) != nullptr;
      error = report.last_attempt_timed_out ? "no answer in time (page " + std::to_string(page) + ")" : e.what();
    }
    if (!error.empty()) {
      if (crawl.failed(page, transient, error)) continue;
      break;
    }
    if (!crawl.fetched(page, posts)) break;
    pause.expires_after(ns(seconds_d(cfg.delay)));  // a polite delay between pages
    co_await pause.async_wait(asio::use_awaitable);
  }

  const int status = poller::finish_run(cfg, checkpoints, crawl.missing());
  co_return status;
}

// --- the demo's server: 3 pages of posts, a 503 first for each, a 429 (Retry-After: 1) second for page 2 ----------
asio::awaitable<void> demo_server(tcp::acceptor& acceptor) {
  std::map<int, int> seen;  // requests per page
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    std::string request;
    co_await asio::async_read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n", asio::use_awaitable);
    const auto at = request.find("_page=");
    const int page = at == std::string::npos ? 0 : std::atoi(request.c_str() + at + 6);
    const int n = ++seen[page];
    nlohmann::json posts = nlohmann::json::array();
    for (int id = (page - 1) * 10 + 1; page >= 1 && page <= 3 && id <= page * 10; ++id)
      posts.push_back(
          {{"userId", (id - 1) / 10 + 1}, {"id", id}, {"title", "post " + std::to_string(id)}, {"body", "..."}});
    const std::string status = n == 1                ? "503 Service Unavailable"
                               : n == 2 && page == 2 ? "429 Too Many Requests"
                                                     : "200 OK";
    const std::string body = status == "200 OK" ? posts.dump() : status;
    const std::string response = "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
                                 (status[0] == '4' ? "\r\nRetry-After: 1" : "") + "\r\nConnection: close\r\n\r\n" +
                                 body;
    co_await asio::async_write(socket, asio::buffer(response), asio::use_awaitable);
  }
}

}  // namespace

int main(int argc, char** argv) {
  asio::io_context io;
  poller::Options cfg;
  cfg.metrics_port = -1;  // no /metrics server here
  std::optional<tcp::acceptor> demo;
  if (argc == 1 || (argc == 2 && std::string_view(argv[1]) == "--demo")) {
    demo.emplace(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    cfg.url = "http://127.0.0.1:" + std::to_string(demo->local_endpoint().port()) + "/posts";
    cfg.dir =
        (std::filesystem::temp_directory_path() / ("grit-async-poller-demo-" + std::to_string(::getpid()))).string();
    cfg.backoff_initial = 0.05, cfg.jitter = 0.01, cfg.delay = 0, cfg.timeout = 10, cfg.read_timeout = 2;
    asio::co_spawn(io, demo_server(*demo), asio::detached);
  } else if (!poller::parse_options(argc, argv, cfg) || cfg.metrics_port >= 0 || cfg.await_scrape ||
             cfg.read_timeout <= 0) {
    std::fprintf(stderr, "usage: %s --url=http://HOST:PORT/posts --checkpoint-dir=DIR [options] (see the source)\n",
                 argv[0]);
    return 64;
  }
  const auto url = parse_url(cfg.url);
  if (!url) {
    std::fprintf(stderr, "--url: only http://HOST[:PORT]/PATH\n");
    return 64;
  }
  int status = 1;
  asio::co_spawn(io, crawl(cfg, *url), [&](std::exception_ptr failure, int s) {
    status = s;
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "the crawl failed: %s\n", e.what());
        status = 1;
      }
    }
    io.stop();  // the demo's server would accept forever
  });
  io.run();
  if (demo) std::filesystem::remove_all(cfg.dir);
  return status;
}
#endif
