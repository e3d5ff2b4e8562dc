// The article's real-life example: a paginated poller in which each page fetch is retried on its own, so a blip
// on one page costs a retry, not the crawl. Plus a Retry-After header honoured exactly.
#include <chrono>
#include <grit/grit.hpp>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "fake_http.hpp"

using namespace std::chrono_literals;
using namespace fake_http;

// A 503 with Retry-After waits what the server asked; other HTTP errors take the exponential backoff.
struct RetryAfterOr {
  std::chrono::duration<double> operator()(const HttpError& e) const {
    if (const auto* status = dynamic_cast<const HttpStatusError*>(&e); status && status->retry_after_s >= 0)
      return std::chrono::duration<double>(status->retry_after_s);
    return std::chrono::duration<double>(0.1);
  }
};

using PageRetry = grit::Retrying<grit::RetryIf<RetryAfterOr>, grit::stop::Attempts<5>, grit::stop::Timeout<60s>,
                                 grit::wait::Exponential<500ms, 8s>, grit::Name<"fetch_page">>;

std::vector<std::string> fetch_page(const std::string& url, int page, int page_size) {
  const std::string body = get(url + "?_page=" + std::to_string(page) + "&_limit=" + std::to_string(page_size));
  return std::vector<std::string>(static_cast<std::size_t>(page_size), body);
}

int main() {
  const std::string url = "https://jsonplaceholder.typicode.com/posts";
  fail_next(url + "?_page=2&_limit=10", 2);

  const auto fetch = grit::retrying<PageRetry>(fetch_page);
  std::vector<std::string> posts;
  for (int page = 1; page <= 3; ++page) {
    const auto items = fetch(url, page, 10);
    posts.insert(posts.end(), items.begin(), items.end());
    std::cout << "page " << page << ": " << items.size() << " posts (total " << posts.size() << ")\n";
    std::this_thread::sleep_for(200ms);  // a polite delay between pages
  }
  std::cout << "fetched " << posts.size() << " posts\n";
}
