// What the article's poller needs besides an HTTP client, shared by the sync poller (examples/api_poller.cpp) and the
// async one (examples/async_poller.cpp): the failures and which of them are transient, the Retry-After header, a page's
// JSON, and the checkpoints (one JSON file per page, written atomically, checked when read back).
//
// A client reports one attempt through posts_from_response (a response) or by throwing ConnectionError /
// TimeoutError (no response); RetryTransient is the one retry decision, whichever driver asks it.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <grit/filter.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace poller {

// --- failures ------------------------------------------------------------------------------------------------------
// [tutorial:errors]
// Transient (retried): no connection or a connection lost mid-answer, no answer in time, 5xx, 429.
struct TransientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ConnectionError : TransientError {
  using TransientError::TransientError;
};
struct TimeoutError : TransientError {
  using TransientError::TransientError;
};
struct ServerError : TransientError {  // a 5xx
  ServerError(int status, std::string what) : TransientError(std::move(what)), status(status) {}
  int status;
};
struct RateLimited : TransientError {  // a 429
  RateLimited(std::string what, std::optional<std::chrono::nanoseconds> retry_after)
      : TransientError(std::move(what)), retry_after(retry_after) {}
  std::optional<std::chrono::nanoseconds> retry_after;  // a well-formed Retry-After header, else none
};
// Not transient (never retried: the article's FAQ, "convert a 404 to a NotFoundError that is not in your retryable
// list"): trying again gives the same answer.
struct NotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct MalformedBody : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ClientError : std::runtime_error {  // another 4xx
  using std::runtime_error::runtime_error;
};
// [/tutorial:errors]

// --- Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date ---------------------------------------------------
// The longest Retry-After taken at its word; a longer one (or a negative one, or garbage) is treated as absent.
inline constexpr std::chrono::seconds max_retry_after{24 * 3600};

namespace detail {
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (the form senders must use), to seconds since the epoch.
inline std::optional<std::int64_t> parse_imf_fixdate(std::string_view s) {
  static constexpr std::string_view days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  bool day_ok = false;
  for (auto d : days) day_ok |= s.substr(0, 3) == d;
  int month = -1;
  for (int m = 0; m < 12; ++m)
    if (s.substr(8, 3) == months[m]) month = m;
  const auto number = [&](std::size_t at, std::size_t n) -> int {
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + n, v);
    return ec == std::errc{} && end == s.data() + at + n ? v : -1;
  };
  const int mday = number(5, 2), year = number(12, 4), hour = number(17, 2), min = number(20, 2), sec = number(23, 2);
  if (!day_ok || month < 0 || mday < 1 || mday > 31 || year < 1970 || hour < 0 || hour > 23 || min < 0 || min > 59 ||
      sec < 0 || sec > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = mday;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm));
}
}  // namespace detail

// The wait a Retry-After header asks for, seen at `now`; none when it is malformed, negative or longer than
// max_retry_after. A date in the past asks for no wait.
inline std::optional<std::chrono::nanoseconds> parse_retry_after(std::string_view header,
                                                                 std::chrono::system_clock::time_point now) {
  const std::string_view v = detail::trim(header);
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string_view::npos) {
    std::uint64_t seconds = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc{} || end != v.data() + v.size() ||
        seconds > static_cast<std::uint64_t>(max_retry_after.count()))
      return std::nullopt;  // too large for the type, or longer than we take at its word
    return std::chrono::seconds(seconds);
  }
  const auto date = detail::parse_imf_fixdate(v);
  if (!date) return std::nullopt;
  const auto wait = std::chrono::system_clock::time_point(std::chrono::seconds(*date)) - now;
  if (wait > max_retry_after) return std::nullopt;
  return std::max(std::chrono::nanoseconds::zero(), std::chrono::duration_cast<std::chrono::nanoseconds>(wait));
}

// --- the retry decision ------------------------------------------------------------------------------------------
// For grit::RetryIf: a 429 with a well-formed Retry-After waits exactly that long, unless the call's deadline comes
// first (then it gives up at once, with that 429); every other transient failure, a 429 without a usable header
// included, takes the exponential backoff. Anything else is not a TransientError and is never seen here.
// [tutorial:decision]
struct RetryTransient {
  // The current call's deadline (the same as its stop::Timeout's), or none.
  const std::chrono::steady_clock::time_point* deadline = nullptr;

  grit::Verdict operator()(const TransientError& e) const {
    if (const auto* limited = dynamic_cast<const RateLimited*>(&e); limited && limited->retry_after) {
      if (deadline != nullptr && std::chrono::steady_clock::now() + *limited->retry_after > *deadline)
        return grit::Verdict::give_up();
      return grit::Verdict::retry_after(*limited->retry_after);
    }
    return grit::Verdict::retry();
  }
};
// [/tutorial:decision]

// --- pages ---------------------------------------------------------------------------------------------------------
// A post is an object with integer userId and id and string title and body; a page is an array of them.
inline bool valid_posts(const nlohmann::json& posts) {
  if (!posts.is_array()) return false;
  for (const auto& p : posts)
    if (!p.is_object() || !p.contains("userId") || !p["userId"].is_number_integer() || !p.contains("id") ||
        !p["id"].is_number_integer() || !p.contains("title") || !p["title"].is_string() || !p.contains("body") ||
        !p["body"].is_string())
      return false;
  return true;
}

// One attempt's response, as the page's posts or the failure it is. `retry_after` is the header's value, if any.
inline nlohmann::json posts_from_response(int page, int status, const std::string* retry_after, const std::string& body,
                                          std::chrono::system_clock::time_point now) {
  const std::string where = " (page " + std::to_string(page) + ")";
  if (status == 429)
    throw RateLimited("HTTP 429 Too Many Requests" + where,
                      retry_after ? parse_retry_after(*retry_after, now) : std::nullopt);
  if (status >= 500) throw ServerError(status, "HTTP " + std::to_string(status) + where);
  if (status == 404) throw NotFound("HTTP 404 Not Found" + where);
  if (status != 200) throw ClientError("HTTP " + std::to_string(status) + where);
  nlohmann::json posts = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!valid_posts(posts)) throw MalformedBody("not a JSON array of posts" + where);
  return posts;
}

// --- checkpoints: DIR/page-0001.json ---------------------------------------------------------------------------------
// {"format": "grit-poller-page/1", "page": 1, "limit": 10, "fnv1a64": "...", "posts": [...]}. A file that does not
// parse (half-written), has another page or limit, or whose posts do not match their checksum is not a checkpoint:
// the page is fetched again.
inline std::string fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

// Writes `text` to `path` atomically: a temporary file in the same directory, fsync, rename, fsync of the directory.
// A crash leaves the old file or the new one, never half of one (at worst a stray temporary, ignored).
inline void write_atomically(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + tmp.string());
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw std::system_error(err, std::generic_category(), "write " + tmp.string());
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    throw std::system_error(errno, std::generic_category(), "fsync " + tmp.string());
  std::filesystem::rename(tmp, path);
  if (const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

class Checkpoints {
 public:
  Checkpoints(std::filesystem::path dir, int limit) : dir_(std::move(dir)), limit_(limit) {
    std::filesystem::create_directories(dir_);
  }

  std::filesystem::path path(int page) const {
    char name[32];
    std::snprintf(name, sizeof name, "page-%04d.json", page);
    return dir_ / name;
  }

  // The saved posts of `page`; none if there is no file or it is not a valid checkpoint of this page and limit.
  std::optional<nlohmann::json> load(int page, std::string* why = nullptr) const {
    std::ifstream in(path(page), std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    const auto fail = [&](const char* reason) -> std::optional<nlohmann::json> {
      if (why) *why = reason;
      return std::nullopt;
    };
    const nlohmann::json saved = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (saved.is_discarded() || !saved.is_object()) return fail("does not parse");
    if (saved.value("format", "") != "grit-poller-page/1" || saved.value("page", -1) != page ||
        saved.value("limit", -1) != limit_ || !saved.contains("posts"))
      return fail("another format, page or limit");
    const nlohmann::json& posts = saved["posts"];
    if (!valid_posts(posts) || posts.empty() || posts.size() > static_cast<std::size_t>(limit_))
      return fail("not a page of posts");
    if (saved.value("fnv1a64", "") != fnv1a64(posts.dump())) return fail("checksum mismatch");
    return posts;
  }

  void save(int page, const nlohmann::json& posts) const {
    const nlohmann::json saved = {{"format", "grit-poller-page/1"},
                                  {"page", page},
                                  {"limit", limit_},
                                  {"fnv1a64", fnv1a64(posts.dump())},
                                  {"posts", posts}};
    write_atomically(path(page), saved.dump(1) + "\n");
  }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int limit_;
};

}  // namespace poller
