// Optional integration: logfmt lines, with no dependency. Never included by grit.hpp.
//
//   using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::sink::Log<>>;   // lines to stderr
//   grit::sink::Log<>{stdout}                  // a FILE*
//   grit::sink::Log<>{[](std::string_view line) { my_log(line); }}   // any callable taking the whole line
//   grit::instrumentation::set_on_retry_hooks({grit::log::hook()});  // process-wide, like stamina (retries only)
//
// One line per event, written whole with one call of the writer (one fwrite for a FILE*, which stdio locks: lines
// from several threads never interleave):
//   level=warn logger=grit event=grit.retry_scheduled callable=fetch_user retry_num=1 wait_for=0.250
//     waited_so_far=0.000 error_type=HttpError caused_by="503 Service Unavailable"
//   level=warn logger=grit event=grit.gave_up callable=fetch_user attempts=3 waited=0.750 reason=attempts
//     error_type=HttpError caused_by="503 Service Unavailable"
//   level=info logger=grit event=grit.succeeded_after_retries callable=fetch_user attempts=2 waited=0.250
// (each on one line). Durations are seconds with 3 decimals, rounded half up. `error_type` is the failure's demangled
// type; `caused_by` its message, cut to at most 256 bytes (at a UTF-8 character boundary) and then ended by "...".
//
// Quoting (logfmt has no formal spec; these are grit's rules): a value is written bare if it is non-empty and every
// byte is printable ASCII (0x21..0x7e) other than `"`, `=` and `\`. Otherwise it is double-quoted, with `\"`, `\\`,
// `\n`, `\r`, `\t`, and `\u00XX` (lower-case hex) for the other bytes below 0x20 and for 0x7f; bytes from 0x80 up
// (UTF-8) are copied unchanged. So a line never contains a raw control byte, and ends at its only '\n'.
#pragma once

#include <array>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/observability.hpp"
#include "sink.hpp"
#include "stop.hpp"

namespace grit::log {

// The longest `caused_by` message, in bytes, before "..." is appended.
inline constexpr std::size_t max_message_bytes = 256;

// Where lines go: a FILE* (stderr by default), or any callable taking `std::string_view` (one whole line, its '\n'
// included), kept by shared ownership (copies of a Writer share one callable, as the copies of a sink must).
class Writer {
 public:
  Writer() noexcept : file_(stderr) {}
  Writer(std::FILE* file) noexcept : file_(file) {}
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, Writer> && !std::is_convertible_v<F, std::FILE*> &&
           std::is_invocable_v<std::decay_t<F>&, std::string_view>) Writer(F&& f)
      : state_(std::make_shared<std::decay_t<F>>(static_cast<F&&>(f))),
        call_([](void* state, std::string_view line) { (*static_cast<std::decay_t<F>*>(state))(line); }) {}

  void operator()(std::string_view line) const {
    if (call_ != nullptr)
      call_(state_.get(), line);
    else if (file_ != nullptr)
      std::fwrite(line.data(), 1, line.size(), file_);
  }

 private:
  std::FILE* file_ = nullptr;
  std::shared_ptr<void> state_;
  void (*call_)(void*, std::string_view) = nullptr;
};

namespace detail {
// What each byte asks of a value: 0 nothing (bare is fine), 1 quotes (space, `=`, bytes from 0x80), 2 an escape.
inline constexpr auto byte_class = [] {
  std::array<unsigned char, 256> classes{};
  for (int b = 0; b < 256; ++b)
    classes[static_cast<std::size_t>(b)] = b < 0x20 || b == 0x7f || b == '"' || b == '\\' ? 2
                                           : b == ' ' || b == '=' || b >= 0x80            ? 1
                                                                                          : 0;
  return classes;
}();
}  // namespace detail

// Appends `value` to `out`, bare or quoted by the rules above.
inline void append_value(std::string& out, std::string_view value) {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const std::size_t n = value.size();
  std::size_t i = 0;
  while (i < n && detail::byte_class[p[i]] == 0) ++i;
  if (i == n && n != 0) {
    out.append(value);
    return;
  }
  out.push_back('"');
  std::size_t run = 0;  // the bytes since the last escape, appended in one go
  for (; i < n; ++i) {
    if (detail::byte_class[p[i]] != 2) continue;
    out.append(value.data() + run, i - run);
    run = i + 1;
    const unsigned char b = p[i];
    switch (b) {
      case '"':
        out.append("\\\"", 2);
        break;
      case '\\':
        out.append("\\\\", 2);
        break;
      case '\n':
        out.append("\\n", 2);
        break;
      case '\r':
        out.append("\\r", 2);
        break;
      case '\t':
        out.append("\\t", 2);
        break;
      default: {
        constexpr char hex[] = "0123456789abcdef";
        const char escape[] = {'\\', 'u', '0', '0', hex[b >> 4], hex[b & 0xf]};
        out.append(escape, sizeof escape);
      }
    }
  }
  out.append(value.data() + run, n - run);
  out.push_back('"');
}

// A failure's message as logged: at most max_message_bytes, not cut inside a UTF-8 character, then "...".
inline std::string_view clip_message(std::string_view message, bool& clipped) noexcept {
  clipped = message.size() > max_message_bytes;
  if (!clipped) return message;
  std::size_t n = max_message_bytes;
  // Back off over continuation bytes (10xxxxxx), at most 3 of them, so a character is not cut.
  for (int i = 0; i < 3 && n > 0 && (static_cast<unsigned char>(message[n]) & 0xc0) == 0x80; ++i) --n;
  return message.substr(0, n);
}

namespace detail {
inline void field(std::string& out, std::string_view key_eq, std::string_view value) {
  out.append(key_eq);  // " key="
  append_value(out, value);
}
inline void number(std::string& out, std::string_view key_eq, std::uint64_t n) {
  out.append(key_eq);  // " key="
  grit::detail::append_decimal(out, n);
}
inline void seconds(std::string& out, std::string_view key_eq, nanoseconds d) {
  out.append(key_eq);  // " key="
  grit::detail::append_seconds(out, d, 3);
}
inline void cause(std::string& out, const Cause& cause) {
  std::string scratch;
  field(out, " error_type=", grit::detail::type_name_of(cause, scratch));
  const std::string message = cause.message();
  bool clipped = false;
  const std::string_view text = clip_message(message, clipped);
  if (!clipped) {
    field(out, " caused_by=", text);
  } else {
    std::string with_marker(text);
    with_marker.append("...");
    field(out, " caused_by=", with_marker);
  }
}
}  // namespace detail

// The event's pairs, from `event=` on, without a leading space or the trailing '\n' (spdlog.hpp logs these as its
// message; the Log sink puts `level=... logger=grit ` before them).
inline void append_event(std::string& out, const RetryDetails& d) {
  out.append("event=grit.retry_scheduled");
  detail::field(out, " callable=", d.name);
  detail::number(out, " retry_num=", d.retry_num);
  detail::seconds(out, " wait_for=", d.wait_for);
  detail::seconds(out, " waited_so_far=", d.waited_so_far);
  detail::cause(out, d.caused_by);
}
inline void append_event(std::string& out, const GiveUpDetails& d) {
  out.append("event=grit.gave_up");
  detail::field(out, " callable=", d.name);
  detail::number(out, " attempts=", d.attempts);
  detail::seconds(out, " waited=", d.waited);
  detail::field(out, " reason=", grit::to_string(d.reason));
  detail::cause(out, d.caused_by);
}
inline void append_event(std::string& out, const SuccessDetails& d) {
  out.append("event=grit.succeeded_after_retries");
  detail::field(out, " callable=", d.name);
  detail::number(out, " attempts=", d.attempts);
  detail::seconds(out, " waited=", d.waited);
}

// The whole line of an event, '\n' included. Levels: warn for a retry and a give-up (stamina's), info for a success.
template <class Details>
std::string line(const Details& d) {
  constexpr bool success = std::is_same_v<Details, SuccessDetails>;
  std::string out;
  out.reserve(320);
  out.append(success ? "level=info logger=grit " : "level=warn logger=grit ");
  append_event(out, d);
  out.push_back('\n');
  return out;
}

}  // namespace grit::log

namespace grit::sink {

// logfmt lines for the three events (see the top of this header). `Log<>` writes to stderr; `Log<>{writer}` to a
// log::Writer (a FILE* or any callable taking the line); `Log<W>` to a writer type of your own, called as
// `w(std::string_view line)`.
template <class W = log::Writer>
class Log : public Base {
 public:
  Log() = default;
  explicit Log(W writer) : write_(std::move(writer)) {}

  void retry_scheduled(const RetryDetails& d) const { write_(log::line(d)); }
  void gave_up(const GiveUpDetails& d) const { write_(log::line(d)); }
  void succeeded_after_retries(const SuccessDetails& d) const { write_(log::line(d)); }

 private:
  W write_{};
};

}  // namespace grit::sink

namespace grit::log {

// A hook for the process-wide list (instrumentation::set_on_retry_hooks): a grit.retry_scheduled line per scheduled
// retry, to stderr or to `writer`. (Hooks hear retries only, as stamina's do; a sink::Log in the type hears all three
// events.)
inline RetryHook hook(Writer writer = {}) {
  return [writer = std::move(writer)](const RetryDetails& d) { writer(line(d)); };
}

}  // namespace grit::log
