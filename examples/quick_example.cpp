// The article's first example: retry fetch_user on HTTP errors, 3 attempts in all.
//
//   @stamina.retry(on=httpx.HTTPError, attempts=3)
//   def fetch_user(user_id: int) -> dict: ...
#include <grit/grit.hpp>
#include <iostream>

#include "fake_http.hpp"

using FetchRetry = grit::Retrying<grit::RetryOn<fake_http::HttpError>, grit::stop::Attempts<3>>;

int main() {
  fake_http::fail_next("https://jsonplaceholder.typicode.com/users/1", 2);

  const auto fetch_user = grit::retrying<FetchRetry>(fake_http::fetch_user);  // same signature as fetch_user
  const fake_http::User user = fetch_user(1);
  std::cout << user.name << '\n' << user.email << '\n';
}
