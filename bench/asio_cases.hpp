// The contenders of the async benchmarks (bench/asio.cpp, timed; bench/callgrind/asio_driver.cpp, instruction
// counts): the cheapest real Asio operation (a post through the io_context completing with a scripted error_code),
// the hand-written retry loops grit is measured against, and the Retrying types grit runs them with.
#pragma once

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <grit/asio.hpp>
#include <memory>
#include <optional>

namespace bench_asio {
using namespace std::chrono_literals;
using ec_t = asio::error_code;

inline const ec_t transient(asio::error::timed_out);

// The operation: completes through the io_context with `ec`, on the handler's associated executor.
template <class Token>
auto post_code(asio::io_context& io, ec_t ec, Token&& token) {
  return asio::async_initiate<Token, void(ec_t)>(
      [&io, ec](auto handler) {
        auto ex = asio::get_associated_executor(handler, io.get_executor());
        asio::post(ex, [h = std::move(handler), ec]() mutable { h(ec); });
      },
      token);
}

// Fails `failures` times in every `failures + 1` calls.
struct Flaky {
  asio::io_context* io;
  int failures;
  int calls = 0;
  ec_t next() { return calls++ % (failures + 1) < failures ? transient : ec_t(); }
};

// The hand-written callback loop: an attempt, then a steady_timer made at the first retry, `wait` between attempts.
template <class Handler>
struct HandLoop {
  Flaky* op;
  int left;
  std::chrono::nanoseconds wait;
  std::unique_ptr<asio::steady_timer> timer;
  Handler handler;
  bool waiting = false;

  void start() {
    Flaky* o = op;
    post_code(*o->io, o->next(), std::move(*this));
  }
  void operator()(ec_t ec) {
    if (waiting) {
      waiting = false;
      return start();
    }
    if (!ec || --left == 0) return handler(ec);
    if (!timer) timer = std::make_unique<asio::steady_timer>(*op->io);
    timer->expires_after(wait);
    waiting = true;
    asio::steady_timer* t = timer.get();
    t->async_wait(std::move(*this));
  }
};
template <class Handler>
void hand_retry(Flaky& op, int attempts, std::chrono::nanoseconds wait, Handler h) {
  HandLoop<Handler>{&op, attempts, wait, nullptr, std::move(h)}.start();
}

using Retry = grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<10>, grit::wait::None, grit::jitter::None,
                             grit::sink::None>;
using CoRetry = grit::Retrying<grit::RetryOn<std::system_error>, grit::stop::Attempts<10>, grit::wait::None,
                               grit::jitter::None, grit::sink::None>;
// One-hour waits: operations that stay waiting (the memory case).
using LongRetry = grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<10>,
                                 grit::wait::Fixed<std::chrono::hours(1)>, grit::jitter::None, grit::sink::None>;

template <class Handler>
void grit_retry(const Retry& retry, Flaky& op, Handler h) {
  grit::asio::async_retry(
      retry, *op.io, [&op](auto&& token) { return post_code(*op.io, op.next(), std::move(token)); }, std::move(h));
}

// Asio's own cost of a composed operation: async_compose around one attempt, no retry at all (what async_retry is
// built on; the hand loop is not).
struct ComposeOnce {
  Flaky* op;
  template <class Self>
  void operator()(Self& self) {
    Flaky* o = op;
    post_code(*o->io, o->next(), std::move(self));
  }
  template <class Self>
  void operator()(Self& self, ec_t ec) {
    self.complete(ec);
  }
};
template <class Handler>
void compose_once(Flaky& op, Handler h) {
  asio::async_compose<Handler, void(ec_t)>(ComposeOnce{&op}, h, *op.io);
}

// The coroutine loops: failures are exceptions (use_awaitable throws), as co_retry classifies them.
inline asio::awaitable<void> co_attempt(Flaky& op) { co_await post_code(*op.io, op.next(), asio::use_awaitable); }

inline asio::awaitable<void> hand_co(Flaky& op, int attempts) {
  std::optional<asio::steady_timer> timer;
  for (int i = 1;; ++i) {
    try {
      co_await co_attempt(op);
      co_return;
    } catch (const std::system_error&) {
      if (i == attempts) throw;
    }
    if (!timer) timer.emplace(co_await asio::this_coro::executor);
    timer->expires_after(0ns);
    co_await timer->async_wait(asio::use_awaitable);
  }
}

// Not a coroutine itself: co_retry's coroutine stands where hand_co's does.
inline asio::awaitable<void> grit_co(Flaky& op) {
  return grit::asio::co_retry(CoRetry{}, [&op] { return co_attempt(op); });
}
}  // namespace bench_asio
