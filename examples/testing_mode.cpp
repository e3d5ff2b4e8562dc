// The article's "disabling retries in tests": in testing mode, a failing call fails fast (one attempt by
// default), with no real wait; a Scope restores the previous mode.
#include <cassert>
#include <grit/grit.hpp>
#include <iostream>

#include "fake_http.hpp"

using namespace std::chrono_literals;
using TodoRetry =
    grit::Retrying<grit::RetryOn<fake_http::HttpError>, grit::stop::Attempts<5>, grit::stop::Timeout<30s>>;

int main() {
  const auto fetch_todo = grit::retrying<TodoRetry>(fake_http::get);
  {
    const grit::testing::Scope testing;  // set_testing(True) ... set_testing(False)
    fake_http::fail_next("https://jsonplaceholder.typicode.com/todos/1", 1);
    try {
      fetch_todo("https://jsonplaceholder.typicode.com/todos/1");
      assert(false && "one attempt in testing mode");
    } catch (const fake_http::HttpError& e) {
      std::cout << "failed fast: " << e.what() << '\n';
    }
  }
  {
    // Or keep a few attempts, still without waiting.
    const grit::testing::Scope testing(true, {.attempts = 3});
    fake_http::fail_next("https://jsonplaceholder.typicode.com/todos/2", 2);
    std::cout << fetch_todo("https://jsonplaceholder.typicode.com/todos/2") << '\n';
  }
}
