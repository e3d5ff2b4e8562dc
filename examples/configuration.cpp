// The article's configurations: attempts and waits, a timeout, several exception types, and both limits at once.
#include <chrono>
#include <grit/grit.hpp>
#include <iostream>

#include "fake_http.hpp"

using namespace std::chrono_literals;
using namespace fake_http;

// [tutorial:basic]
// attempts=5, wait_initial=0.1, wait_max=10.0, wait_jitter=1.0
using BasicRetry = grit::Retrying<grit::RetryOn<HttpStatusError>, grit::stop::Attempts<5>,
                                  grit::wait::Exponential<100ms, 10s>, grit::jitter::Additive<1s>>;
// [/tutorial:basic]

// [tutorial:timeout]
// timeout=30.0 alone: any stop policy given replaces both defaults.
using TimeoutRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Timeout<30s>>;
// [/tutorial:timeout]

// [tutorial:several]
// on=(ConnectError, TimeoutException, HTTPStatusError), attempts=4, timeout=20.0: whichever comes first.
using Resilient = grit::Retrying<grit::RetryOn<ConnectError, TimeoutError, HttpStatusError>, grit::stop::Attempts<4>,
                                 grit::stop::Timeout<20s>>;
// [/tutorial:several]

int main() {
  fail_next("https://jsonplaceholder.typicode.com/posts/1", 1);
  std::cout << BasicRetry{}(get, "https://jsonplaceholder.typicode.com/posts/1") << '\n';

  fail_next("https://jsonplaceholder.typicode.com/comments?postId=1", 2);
  std::cout << TimeoutRetry{}(get, "https://jsonplaceholder.typicode.com/comments?postId=1") << '\n';

  fail_next("https://jsonplaceholder.typicode.com/todos/1", 3);
  std::cout << Resilient{}(get, "https://jsonplaceholder.typicode.com/todos/1") << '\n';

  // The same knobs from a configuration file, at run time, under the same names.
  const int attempts_from_config = 4;
  const grit::Retrying<grit::RetryOn<HttpError>, grit::stop::Attempts<>, grit::wait::Exponential<grit::runtime>> tuned{
      grit::stop::Attempts<>{attempts_from_config}, grit::wait::Exponential<grit::runtime>{50ms}};
  fail_next("https://example.org/tuned", 1);
  std::cout << tuned(get, "https://example.org/tuned") << '\n';
}
