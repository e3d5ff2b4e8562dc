// A flaky paginated JSON API on cpp-httplib, for grit's poller tests and benchmark: GET /posts?_page=N&_limit=M
// answers like jsonplaceholder's /posts (100 posts by default, each {"userId", "id", "title", "body"}; a page past
// the end is []), and injects faults by request: a fixed schedule ("the 2nd request for page 3 gets a 429"), or a
// seeded random one. Every request is logged as one JSON line (what was asked, what was served), so a test can
// compare what the client saw with what the server did.
//
// Faults (KIND[:ARG]):
//   503, 500           the status, a short text body
//   429[:VALUE]        429 with "Retry-After: VALUE" sent as written (none without VALUE); VALUE "date+N" sends the
//                      IMF-fixdate of the first whole second at least N seconds from now (the HTTP-date form)
//   slow[:MS]          the right answer, after MS milliseconds (default 1000): past a client's read timeout
//   close              200 with the full Content-Length, half the body, then the connection is closed
//   malformed          200 with a body that is not JSON
//   404                a 404 HTML page
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace flaky {

struct Fault {
  std::string kind;  // "503", "500", "429", "slow", "close", "malformed", "404"; "" = none
  std::string arg;
};

// "KIND[:ARG]" -> Fault; throws std::invalid_argument for an unknown kind.
inline Fault parse_fault(const std::string& text) {
  const auto colon = text.find(':');
  Fault f{text.substr(0, colon), colon == std::string::npos ? "" : text.substr(colon + 1)};
  static const char* const kinds[] = {"503", "500", "429", "slow", "close", "malformed", "404"};
  for (const char* k : kinds)
    if (f.kind == k) return f;
  throw std::invalid_argument("unknown fault kind: " + f.kind);
}

// The text of post `id` (1-based): deterministic words, like jsonplaceholder's lorem ipsum.
inline std::string words(std::uint64_t seed, int count) {
  static const char* const lorem[] = {"sunt",   "aut",      "facere", "repellat", "provident", "occaecati",
                                      "optio",  "qui",      "est",    "esse",     "dolorem",   "eum",
                                      "magnam", "voluptas", "quia",   "nesciunt", "odit",      "rerum"};
  std::string out;
  for (int i = 0; i < count; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    if (i) out += ' ';
    out += lorem[(seed >> 33) % (sizeof lorem / sizeof *lorem)];
  }
  return out;
}

inline std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

inline std::string post_json(int id) {
  const int user = (id - 1) / 10 + 1;
  return "{\"userId\": " + std::to_string(user) + ", \"id\": " + std::to_string(id) + ", \"title\": \"" +
         json_escape(words(static_cast<std::uint64_t>(id), 6)) + "\", \"body\": \"" +
         json_escape(words(static_cast<std::uint64_t>(id) * 7919, 20)) + "\"}";
}

// The IMF-fixdate (RFC 9110 5.6.7) of a time.
inline std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

struct Options {
  int posts = 100;
  std::map<std::pair<int, int>, Fault> schedule;  // (page, nth request for that page, from 1) -> fault
  std::optional<std::uint64_t> seed;              // a random schedule: each request faulted with probability rate,
  double rate = 0.0;                              // the kind drawn from random_kinds
  std::vector<Fault> random_kinds = {{"503", ""}, {"500", ""}, {"429", "1"}, {"slow", ""}, {"close", ""}};
  std::FILE* log = nullptr;  // JSON lines, one per request
};

class Server {
 public:
  explicit Server(Options options) : options_(std::move(options)), random_(options_.seed.value_or(0)) {
    http_.Get("/posts", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
  }

  // Binds 127.0.0.1 at an ephemeral port and returns it (<= 0 on failure); then listen() serves until stop().
  int bind() { return http_.bind_to_any_port("127.0.0.1"); }
  bool listen() { return http_.listen_after_bind(); }
  void stop() { http_.stop(); }
  bool is_running() const { return http_.is_running(); }

 private:
  static double now_s() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  Fault pick(int page, int nth) {
    if (const auto it = options_.schedule.find({page, nth}); it != options_.schedule.end()) return it->second;
    if (!options_.seed) return {};
    // splitmix64: one draw per request for whether, one for which.
    auto next = [this] {
      std::uint64_t z = (random_ += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    };
    if (static_cast<double>(next() >> 11) * 0x1.0p-53 >= options_.rate) return {};
    return options_.random_kinds[next() % options_.random_kinds.size()];
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    const double t = now_s();
    const int page = req.has_param("_page") ? std::atoi(req.get_param_value("_page").c_str()) : 0;
    const int limit = req.has_param("_limit") ? std::atoi(req.get_param_value("_limit").c_str()) : options_.posts;
    Fault fault;
    std::uint64_t n = 0;
    int nth = 0;
    {
      const std::lock_guard lock(mutex_);
      n = ++requests_;
      nth = ++per_page_[page];
      fault = pick(page, nth);
    }
    std::string body = "[";
    if (page >= 1 && limit >= 1) {
      const long first = static_cast<long>(page - 1) * limit + 1;
      for (long id = first; id < first + limit && id <= options_.posts; ++id) {
        if (id != first) body += ", ";
        body += post_json(static_cast<int>(id));
      }
    }
    body += "]";
    std::string retry_after;
    double retry_after_epoch = -1;
    int status = 200;
    if (fault.kind == "503" || fault.kind == "500") {
      status = std::atoi(fault.kind.c_str());
      res.status = status;
      res.set_content(status == 503 ? "503 Service Unavailable" : "500 Internal Server Error", "text/plain");
    } else if (fault.kind == "429") {
      status = 429;
      res.status = 429;
      if (fault.arg.rfind("date+", 0) == 0) {
        const double at = t + std::atof(fault.arg.c_str() + 5);
        const auto whole = static_cast<std::time_t>(at) + (at > static_cast<double>(static_cast<std::time_t>(at)));
        retry_after = http_date(whole);
        retry_after_epoch = static_cast<double>(whole);
      } else {
        retry_after = fault.arg;
      }
      if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
      res.set_content("429 Too Many Requests", "text/plain");
    } else if (fault.kind == "404") {
      status = 404;
      res.status = 404;
      res.set_content("<html><body><h1>404 Not Found</h1></body></html>", "text/html");
    } else if (fault.kind == "malformed") {
      res.set_content(body.substr(0, body.size() / 3) + "<oops>", "application/json");
    } else if (fault.kind == "close") {
      auto shared = std::make_shared<std::string>(body);
      res.set_content_provider(shared->size(), "application/json",
                               [shared](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset == 0) sink.write(shared->data(), shared->size() / 2);
                                 return false;  // the connection is closed: the client has half the body
                               });
    } else {
      res.set_content(body, "application/json");
    }
    if (options_.log != nullptr) {
      char line[512];
      std::snprintf(line, sizeof line,
                    "{\"n\": %llu, \"t\": %.6f, \"page\": %d, \"limit\": %d, \"nth\": %d, \"fault\": \"%s\", "
                    "\"arg\": \"%s\", \"status\": %d, \"retry_after\": \"%s\", \"retry_after_epoch\": %.0f}\n",
                    static_cast<unsigned long long>(n), t, page, limit, nth, fault.kind.c_str(),
                    json_escape(fault.arg).c_str(), status, json_escape(retry_after).c_str(), retry_after_epoch);
      const std::lock_guard lock(mutex_);
      std::fputs(line, options_.log);
      std::fflush(options_.log);
    }
    // Logged first, slow after: the log holds every request once it has arrived, in order, whatever the client's
    // timeout does (a test that reads the log at once no longer races the sleep).
    if (fault.kind == "slow")
      std::this_thread::sleep_for(std::chrono::milliseconds(fault.arg.empty() ? 1000 : std::atoi(fault.arg.c_str())));
  }

  Options options_;
  httplib::Server http_;
  std::mutex mutex_;
  std::uint64_t requests_ = 0;
  std::map<int, int> per_page_;
  std::uint64_t random_;
};

}  // namespace flaky
