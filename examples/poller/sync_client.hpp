// The sync poller's HTTP side, shared by examples/api_poller.cpp and bench/poller.cpp: one attempt with cpp-httplib
// (fetch_page_once) and the Retrying every page goes through (PageRetry).
#pragma once

#include <httplib.h>

#include <chrono>
#include <grit/grit.hpp>
#include <grit/log.hpp>
#include <grit/prometheus.hpp>
#include <string>

#include "poller.hpp"

namespace poller {

// [tutorial:poller-retry]
// One alias for every page: retry transient failures (RetryTransient: Retry-After exactly, else the backoff),
// at most `attempts` tries within `timeout`, logged (stderr) and counted (Prometheus).
using PageRetry =
    grit::Retrying<grit::RetryIf<poller::RetryTransient>,          // which failures, and how long to wait
                   grit::stop::Attempts<>, grit::stop::Timeout<>,  // values from the command line
                   grit::wait::Exponential<grit::runtime, grit::runtime>, grit::jitter::Additive<grit::runtime>,
                   grit::Name<"fetch_page">, grit::sink::Log<>, grit::sink::Prometheus<>>;
// [/tutorial:poller-retry]

// One attempt: GET the page; the posts, or the failure it is (poller.hpp).
inline nlohmann::json fetch_page_once(httplib::Client& client, const std::string& path, int page, int limit,
                                      std::chrono::duration<double> read_timeout) {
  const auto start = std::chrono::steady_clock::now();
  const auto res = client.Get(path + "?_page=" + std::to_string(page) + "&_limit=" + std::to_string(limit));
  if (!res) {
    const auto error = res.error();
    const bool timed_out = error == httplib::Error::ConnectionTimeout ||
                           (error == httplib::Error::Read && std::chrono::steady_clock::now() - start >=
                                                                 0.9 * read_timeout);  // httplib says Read for both
    const std::string what = httplib::to_string(error) + " (page " + std::to_string(page) + ")";
    if (timed_out) throw poller::TimeoutError("no answer in time: " + what);
    throw poller::ConnectionError("connection failed: " + what);
  }
  const std::string* retry_after = nullptr;
  if (const auto it = res->headers.find("Retry-After"); it != res->headers.end()) retry_after = &it->second;
  return poller::posts_from_response(page, res->status, retry_after, res->body, std::chrono::system_clock::now());
}

}  // namespace poller
