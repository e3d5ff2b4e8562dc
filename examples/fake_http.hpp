// A stand-in for an HTTP client, so that the examples run without a network: each URL fails a set number of
// times (connection refused, 503) before it answers.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace fake_http {

struct HttpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ConnectError : HttpError {
  using HttpError::HttpError;
};
struct TimeoutError : HttpError {
  using HttpError::HttpError;
};
struct HttpStatusError : HttpError {
  HttpStatusError(int status, double retry_after_s = -1)
      : HttpError("HTTP " + std::to_string(status)), status(status), retry_after_s(retry_after_s) {}
  int status;
  double retry_after_s;  // the Retry-After header, -1 when absent
};

struct User {
  std::string name;
  std::string email;
};

// How often each URL fails before it answers.
inline std::map<std::string, int>& failures_left() {
  static std::map<std::string, int> left;
  return left;
}

inline void fail_next(const std::string& url, int times) { failures_left()[url] = times; }

inline std::string get(const std::string& url) {
  if (int& left = failures_left()[url]; left > 0) {
    --left;
    if (left % 2) throw ConnectError("connection refused: " + url);
    throw HttpStatusError(503, 0.05);
  }
  return "ok: " + url;
}

inline User fetch_user(int id) {
  get("https://jsonplaceholder.typicode.com/users/" + std::to_string(id));
  return {"Leanne Graham", "Sincere@april.biz"};
}

}  // namespace fake_http
