// Optional integration: spdlog (>= 1.10, as in Debian 12). Never included by grit.hpp. CMake: link grit::spdlog.
//
//   using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::sink::Spdlog<>>;
//   grit::sink::Spdlog<>{logger}                                          // a logger of yours
//   grit::sink::Spdlog<spdlog::level::err>                                // other levels: retry, give-up, success
//   grit::instrumentation::set_on_retry_hooks({grit::spdlog::hook()});    // process-wide (retries only)
//
// The logger: the one given, else the logger registered as "grit" (looked up at each event, so it may be registered
// after the Retrying is made), else spdlog's default logger. Levels: warn for grit.retry_scheduled and grit.gave_up,
// info for grit.succeeded_after_retries. spdlog 1.10 has no key-value fields, so the message is the event's logfmt
// pairs, exactly as log.hpp writes them after `level=... logger=grit ` (same fields, quoting and 256-byte cut):
//   event=grit.retry_scheduled callable=fetch_user retry_num=1 wait_for=0.250 waited_so_far=0.000 error_type=...
// Nothing is formatted unless the logger's level lets the event through (should_log). The message is passed as a {}
// argument, never as a format string: a `{}` in a failure's message comes out verbatim.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <utility>

#include "log.hpp"
#include "sink.hpp"

namespace grit::spdlog {

using level = ::spdlog::level::level_enum;

// The logger an event goes to when none was given: "grit", else the default logger (may be null if the user has
// dropped it; then nothing is logged).
inline std::shared_ptr<::spdlog::logger> default_logger() {
  if (auto logger = ::spdlog::get("grit")) return logger;
  return ::spdlog::default_logger();
}

namespace detail {
template <class Details>
void log(const std::shared_ptr<::spdlog::logger>& given, level lvl, const Details& d) {
  const std::shared_ptr<::spdlog::logger> logger = given ? given : default_logger();
  if (!logger || !logger->should_log(lvl)) return;
  std::string message;
  message.reserve(192);
  grit::log::append_event(message, d);
  logger->log(lvl, "{}", message);
}
}  // namespace detail

}  // namespace grit::spdlog

namespace grit::sink {

template <::spdlog::level::level_enum RetryLevel = ::spdlog::level::warn,
          ::spdlog::level::level_enum GiveUpLevel = ::spdlog::level::warn,
          ::spdlog::level::level_enum SuccessLevel = ::spdlog::level::info>
class Spdlog : public Base {
 public:
  Spdlog() = default;
  explicit Spdlog(std::shared_ptr<::spdlog::logger> logger) noexcept : logger_(std::move(logger)) {}

  void retry_scheduled(const RetryDetails& d) const { grit::spdlog::detail::log(logger_, RetryLevel, d); }
  void gave_up(const GiveUpDetails& d) const { grit::spdlog::detail::log(logger_, GiveUpLevel, d); }
  void succeeded_after_retries(const SuccessDetails& d) const { grit::spdlog::detail::log(logger_, SuccessLevel, d); }

 private:
  std::shared_ptr<::spdlog::logger> logger_;  // null: default_logger() at each event
};

}  // namespace grit::sink

namespace grit::spdlog {

// A hook for the process-wide list: grit.retry_scheduled at `lvl` (warn) to `logger` (else as above).
inline RetryHook hook(std::shared_ptr<::spdlog::logger> logger = nullptr, level lvl = ::spdlog::level::warn) {
  return [logger = std::move(logger), lvl](const RetryDetails& d) { detail::log(logger, lvl, d); };
}

}  // namespace grit::spdlog
