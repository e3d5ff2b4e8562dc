// The async drivers' tests, written once for both Asio flavours: the including file defines `net` (the Asio
// namespace), `ga` (grit::asio or grit::boost_asio), `net_deferred` (the deferred token) and GRIT_TEST_SUITE.
// Time is virtual (ga::testing::VirtualClock, run_virtual) except in RealTimers, which waits a few milliseconds.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace grit_async_tests {

#define GRIT_CAT2(a, b) a##b
#define GRIT_CAT(a, b) GRIT_CAT2(a, b)

using VClock = ga::testing::VirtualClock<>;
using vtimer = ga::testing::virtual_timer<>;
using ec_t = ga::error_code;

struct Transient : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct Fatal : std::logic_error {
  using std::logic_error::logic_error;
};

// One scripted attempt: what it completes with, and after how long (virtual).
enum class Result { ok, transient, fatal };
struct Step {
  Result result = Result::ok;
  std::chrono::nanoseconds takes = 10ms;
};

enum class Sig { errors, exceptions, values };

// An operation that completes with `ec` through the io_context (post), on the handler's associated executor.
template <class Token>
auto post_code(net::io_context& io, ec_t ec, Token&& token) {
  return net::async_initiate<Token, void(ec_t)>(
      [&io, ec](auto handler) {
        auto ex = net::get_associated_executor(handler, io.get_executor());
        net::post(ex, [h = std::move(handler), ec]() mutable { h(ec); });
      },
      token);
}

inline ec_t transient_code() { return ec_t(net::error::timed_out); }
inline ec_t fatal_code() { return ec_t(net::error::access_denied); }
inline ec_t aborted_code() { return ec_t(net::error::operation_aborted); }

struct IsTransientCode {
  bool operator()(const ec_t& e) const { return e == transient_code(); }
};
struct Negative {
  bool operator()(int v) const { return v < 0; }
};

// What the caller received, whatever the token.
struct Delivered {
  int calls = 0;
  ec_t ec;
  std::exception_ptr ep;
  int value = 0;
};

// A fake operation: a virtual timer of `takes`, then the scripted completion; cancelled (terminal or partial), it
// completes with operation_aborted.
template <Sig S>
struct FakeOp {
  std::unique_ptr<vtimer> timer;
  Step step;
  int number;
  std::vector<std::exception_ptr>* thrown;

  template <class Self>
  void operator()(Self& self) {
    self.reset_cancellation_state(net::enable_partial_cancellation());
    timer->expires_after(step.takes);
    timer->async_wait(std::move(self));
  }
  template <class Self>
  void operator()(Self& self, ec_t ec) {
    timer.reset();
    const bool aborted = ec == aborted_code();
    if constexpr (S == Sig::errors) {
      const ec_t out = aborted                            ? aborted_code()
                       : step.result == Result::transient ? transient_code()
                       : step.result == Result::fatal     ? fatal_code()
                                                          : ec_t();
      self.complete(out, number);
    } else if constexpr (S == Sig::exceptions) {
      std::exception_ptr p;
      if (aborted)
        p = std::make_exception_ptr(ga::system_error(aborted_code()));
      else if (step.result == Result::transient)
        p = std::make_exception_ptr(Transient("transient " + std::to_string(number)));
      else if (step.result == Result::fatal)
        p = std::make_exception_ptr(Fatal("fatal"));
      if (p) thrown->push_back(p);
      self.complete(p, number);
    } else {
      self.complete(aborted || step.result != Result::ok ? -number : number);
    }
  }
};

template <Sig S>
using signature_t =
    std::conditional_t<S == Sig::errors, void(ec_t, int),
                       std::conditional_t<S == Sig::exceptions, void(std::exception_ptr, int), void(int)>>;

template <Sig S>
struct Script {
  net::io_context* io;
  std::vector<Step> steps;
  int calls = 0;
  std::vector<std::exception_ptr> thrown{};

  auto attempt() {
    return [this](auto&& token) {
      const Step step = steps.empty() ? Step{} : steps[std::min<std::size_t>(calls, steps.size() - 1)];
      ++calls;
      return net::async_compose<decltype(token), signature_t<S>>(
          FakeOp<S>{std::make_unique<vtimer>(*io), step, calls, &thrown}, token, *io);
    };
  }
};

// The filter for each signature kind.
template <Sig S>
using filter_t = std::conditional_t<
    S == Sig::errors, grit::RetryOnError<IsTransientCode>,
    std::conditional_t<S == Sig::exceptions, grit::RetryOn<Transient>, grit::RetryOnResult<Negative>>>;

template <Sig S>
Delivered& record(Delivered& d) {
  ++d.calls;
  return d;
}

// A completion handler that records, for each signature.
template <Sig S>
struct Recorder {
  Delivered* d;
  void operator()(ec_t ec, int v) const {
    ++d->calls;
    d->ec = ec;
    d->value = v;
  }
  void operator()(std::exception_ptr p, int v) const {
    ++d->calls;
    d->ep = p;
    d->value = v;
  }
  void operator()(int v) const {
    ++d->calls;
    d->value = v;
  }
};

enum class Token { callback, future, awaitable, deferred, detached };

// Starts async_retry with the given token kind; `slot` receives cancellations. For use_future, `pending` keeps the
// future (read by collect after the run).
struct RunResult {
  Delivered delivered;
  ga::Report report;
  std::function<void()> collect = [] {};
};

template <Sig S, Token T, class R, class Attempt>
void start(net::io_context& io, const R& retry, Attempt attempt, RunResult& run, net::cancellation_slot slot) {
  Delivered* d = &run.delivered;
  ga::Report* report = &run.report;
  if constexpr (T == Token::callback) {
    ga::async_retry(retry, io, attempt, *report, net::bind_cancellation_slot(slot, Recorder<S>{d}));
  } else if constexpr (T == Token::future) {
    auto future = std::make_shared<decltype(ga::async_retry(retry, io, attempt, *report, net::use_future))>(
        ga::async_retry(retry, io, attempt, *report, net::bind_cancellation_slot(slot, net::use_future)));
    run.collect = [future, d] {
      if (future->wait_for(0s) != std::future_status::ready) return;
      ++d->calls;
      try {
        if constexpr (S == Sig::values)
          d->value = future->get();
        else
          d->value = future->get();
      } catch (const ga::system_error& e) {
        if constexpr (S == Sig::errors)
          d->ec = e.code();
        else
          d->ep = std::current_exception();
      } catch (...) {
        d->ep = std::current_exception();
      }
    };
  } else if constexpr (T == Token::awaitable) {
#if defined(GRIT_TEST_CO_AWAIT)
    net::co_spawn(
        io,
        [retry, attempt, report, d]() -> net::awaitable<void> {
          co_await net::this_coro::reset_cancellation_state(net::enable_partial_cancellation());
          try {
            if constexpr (S == Sig::errors) {
              ec_t ec;
              d->value = co_await ga::async_retry(retry, co_await net::this_coro::executor, attempt, *report,
                                                  net::redirect_error(net::use_awaitable, ec));
              d->ec = ec;
            } else {
              d->value = co_await ga::async_retry(retry, co_await net::this_coro::executor, attempt, *report,
                                                  net::use_awaitable);
            }
          } catch (...) {
            d->ep = std::current_exception();
          }
          ++d->calls;
        },
        net::bind_cancellation_slot(slot, net::detached));
#endif
  } else if constexpr (T == Token::deferred) {
    auto op = ga::async_retry(retry, io, attempt, *report, net_deferred);
    std::move(op)(net::bind_cancellation_slot(slot, Recorder<S>{d}));
  } else {
    ga::async_retry(retry, io, attempt, *report, net::bind_cancellation_slot(slot, net::detached));
    run.collect = [report, d] {
      if (report->attempts > 0) ++d->calls;  // the report is filled before the (empty) handler
    };
  }
}

// A cancellation emitted at a virtual time.
struct CancelAt {
  std::chrono::nanoseconds at;
  net::cancellation_type type;
};

template <Sig S, Token T, class R>
RunResult run_case(const R& retry, std::vector<Step> steps, std::optional<CancelAt> cancel = {},
                   Script<S>* out = nullptr) {
  VClock::reset();
  net::io_context io;
  Script<S> local{&io, std::move(steps)};
  Script<S>& script = out ? (*out = Script<S>{&io, std::move(local.steps)}, *out) : local;
  RunResult run;
  net::cancellation_signal signal;
  start<S, T>(io, retry, script.attempt(), run, signal.slot());
  vtimer canceller(io);
  if (cancel) {
    canceller.expires_after(cancel->at);
    canceller.async_wait([&](ec_t) { signal.emit(cancel->type); });
  }
  ga::testing::run_virtual(io);
  run.collect();
  return run;
}

template <class P>
struct Case;
template <Sig S, Token T>
struct Case<std::pair<std::integral_constant<Sig, S>, std::integral_constant<Token, T>>> {
  static constexpr Sig sig = S;
  static constexpr Token token = T;
};

template <class C>
class GRIT_TEST_SUITE : public ::testing::Test {};

template <Sig S, Token T>
using case_t = std::pair<std::integral_constant<Sig, S>, std::integral_constant<Token, T>>;
using Cases = ::testing::Types<case_t<Sig::errors, Token::callback>, case_t<Sig::errors, Token::future>,
                               case_t<Sig::errors, Token::deferred>, case_t<Sig::errors, Token::detached>,
                               case_t<Sig::exceptions, Token::callback>, case_t<Sig::exceptions, Token::future>,
                               case_t<Sig::exceptions, Token::deferred>, case_t<Sig::exceptions, Token::detached>,
                               case_t<Sig::values, Token::callback>, case_t<Sig::values, Token::future>,
                               case_t<Sig::values, Token::deferred>, case_t<Sig::values, Token::detached>
#if defined(GRIT_TEST_CO_AWAIT)
                               ,
                               case_t<Sig::errors, Token::awaitable>, case_t<Sig::exceptions, Token::awaitable>,
                               case_t<Sig::values, Token::awaitable>
#endif
                               >;
TYPED_TEST_SUITE(GRIT_TEST_SUITE, Cases);

template <class C>
constexpr Sig sig_of = Case<C>::sig;
template <class C>
constexpr Token token_of = Case<C>::token;

template <Sig S>
using Basic = grit::Retrying<filter_t<S>, grit::stop::Attempts<3>, grit::wait::Fixed<100ms>, grit::jitter::None, VClock,
                             grit::sink::None>;

const std::vector<Step> ok{{Result::ok}};
const std::vector<Step> twice_then_ok{{Result::transient}, {Result::transient}, {Result::ok}};
const std::vector<Step> always{{Result::transient}};
const std::vector<Step> fatal{{Result::fatal}};

// Whether the delivered completion is the scripted failure of attempt n (the last attempt's, unchanged).
template <Sig S, Token T>
void expect_transient_of(const Delivered& d, int n) {
  if constexpr (S == Sig::errors) {
    EXPECT_EQ(d.ec, transient_code());
    if constexpr (T != Token::future) {
      EXPECT_EQ(d.value, n);  // a future holds the error only
    }
  } else if constexpr (S == Sig::exceptions) {
    ASSERT_TRUE(d.ep);
    try {
      std::rethrow_exception(d.ep);
    } catch (const Transient& e) {
      EXPECT_EQ(std::string(e.what()), "transient " + std::to_string(n));
    } catch (...) {
      ADD_FAILURE() << "not the Transient of attempt " << n;
    }
  } else {
    EXPECT_EQ(d.value, -n);
  }
}

TYPED_TEST(GRIT_TEST_SUITE, SucceedsAtOnce) {
  constexpr Sig S = sig_of<TypeParam>;
  const RunResult run = run_case<S, token_of<TypeParam>>(Basic<S>{}, ok);
  EXPECT_EQ(run.delivered.calls, 1);
  EXPECT_EQ(run.report.outcome, ga::Outcome::succeeded);
  EXPECT_EQ(run.report.attempts, 1u);
  if constexpr (token_of<TypeParam> != Token::detached) {
    EXPECT_EQ(run.delivered.value, 1);
    EXPECT_FALSE(run.delivered.ec);
    EXPECT_FALSE(run.delivered.ep);
  }
  EXPECT_EQ(VClock::now().time_since_epoch(), 10ms);
}

TYPED_TEST(GRIT_TEST_SUITE, SucceedsAfterRetries) {
  constexpr Sig S = sig_of<TypeParam>;
  const RunResult run = run_case<S, token_of<TypeParam>>(Basic<S>{}, twice_then_ok);
  EXPECT_EQ(run.delivered.calls, 1);
  EXPECT_EQ(run.report.outcome, ga::Outcome::succeeded);
  EXPECT_EQ(run.report.attempts, 3u);
  EXPECT_EQ(run.report.waited, 200ms);
  if constexpr (token_of<TypeParam> != Token::detached) {
    EXPECT_EQ(run.delivered.value, 3);
  }
  EXPECT_EQ(VClock::now().time_since_epoch(), 230ms);  // 3 attempts of 10 ms, 2 waits of 100 ms
}

TYPED_TEST(GRIT_TEST_SUITE, NotRetried) {
  constexpr Sig S = sig_of<TypeParam>;
  if constexpr (S == Sig::values) {
    GTEST_SKIP() << "a completion without an error slot cannot fail other than by its result filter";
  } else {
    const RunResult run = run_case<S, token_of<TypeParam>>(Basic<S>{}, fatal);
    EXPECT_EQ(run.delivered.calls, 1);
    EXPECT_EQ(run.report.outcome, ga::Outcome::not_retried);
    EXPECT_EQ(run.report.attempts, 1u);
    if constexpr (token_of<TypeParam> != Token::detached) {
      if constexpr (S == Sig::errors) {
        EXPECT_EQ(run.delivered.ec, fatal_code());
      }
      if constexpr (S == Sig::exceptions) {
        EXPECT_TRUE(run.delivered.ep);
      }
    }
  }
}

TYPED_TEST(GRIT_TEST_SUITE, GivesUpAfterAttemptsWithTheLastCompletionUnchanged) {
  constexpr Sig S = sig_of<TypeParam>;
  Script<S> script;
  const RunResult run = run_case<S, token_of<TypeParam>>(Basic<S>{}, always, {}, &script);
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(run.delivered.calls, 1);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::attempts);
  EXPECT_EQ(run.report.attempts, 3u);
  if constexpr (token_of<TypeParam> != Token::detached) expect_transient_of<S, token_of<TypeParam>>(run.delivered, 3);
  if constexpr (S == Sig::exceptions) {
    ASSERT_EQ(script.thrown.size(), 3u);
    EXPECT_EQ(run.report.last_exception, script.thrown.back());  // the same exception object
    if constexpr (token_of<TypeParam> != Token::detached) {
      EXPECT_EQ(run.delivered.ep, script.thrown.back());
    }
  }
  if constexpr (S == Sig::errors) {
    EXPECT_EQ(run.report.last_error, std::error_code(transient_code()));
  }
}

TYPED_TEST(GRIT_TEST_SUITE, GivesUpAtTheTimeout) {
  constexpr Sig S = sig_of<TypeParam>;
  using R = grit::Retrying<filter_t<S>, grit::stop::Attempts<10>, grit::stop::Timeout<250ms>, grit::wait::Fixed<100ms>,
                           grit::jitter::None, VClock, grit::sink::None>;
  const RunResult run = run_case<S, token_of<TypeParam>>(R{}, always);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::timeout);
  // 10 + 100 + 10 + 100 + 10 = 230; the third wait is clamped to the 20 ms left, then the 4th attempt fails at 260.
  EXPECT_EQ(run.report.attempts, 4u);
  EXPECT_EQ(run.report.waited, 220ms);
  EXPECT_EQ(VClock::now().time_since_epoch(), 260ms);
}

TYPED_TEST(GRIT_TEST_SUITE, GivesUpWhenInactive) {
  constexpr Sig S = sig_of<TypeParam>;
  grit::set_active(false);
  const RunResult run = run_case<S, token_of<TypeParam>>(Basic<S>{}, always);
  grit::set_active(true);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::inactive);
  EXPECT_EQ(run.report.attempts, 1u);
}

struct StopAtOnce : grit::stop::Base {
  bool should_stop(const grit::StopContext&) const { return true; }
};

TYPED_TEST(GRIT_TEST_SUITE, GivesUpWhenAStopOfYourOwnSaysSo) {
  constexpr Sig S = sig_of<TypeParam>;
  using R =
      grit::Retrying<filter_t<S>, StopAtOnce, grit::wait::Fixed<100ms>, grit::jitter::None, VClock, grit::sink::None>;
  const RunResult run = run_case<S, token_of<TypeParam>>(R{}, always);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::stopped);
  EXPECT_EQ(run.report.attempts, 1u);
}

TYPED_TEST(GRIT_TEST_SUITE, GivesUpWhenTheBudgetIsSpent) {
  constexpr Sig S = sig_of<TypeParam>;
  grit::budget::TokenBucket bucket{{.max_tokens = 2, .token_ratio = 1}};  // one failure leaves 1: not > 2 / 2
  using R = grit::Retrying<filter_t<S>, grit::stop::Attempts<5>, grit::wait::Fixed<100ms>, grit::jitter::None, VClock,
                           grit::sink::None, grit::budget::Shared<>>;
  const RunResult run = run_case<S, token_of<TypeParam>>(R{grit::budget::Shared<>{bucket}}, always);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::budget);
  EXPECT_EQ(run.report.attempts, 1u);
}

// A success refills the budget as in the sync driver, whether the first attempt succeeds (no schedule exists: every
// driver's first success goes through one function) or a later one does (the schedule tells it).
TYPED_TEST(GRIT_TEST_SUITE, ASuccessRefillsTheBudget) {
  constexpr Sig S = sig_of<TypeParam>;
  grit::budget::TokenBucket bucket{{.max_tokens = 10, .token_ratio = 1}};
  for (int i = 0; i < 3; ++i) bucket.on_failure();
  using R = grit::Retrying<filter_t<S>, grit::stop::Attempts<5>, grit::wait::Fixed<100ms>, grit::jitter::None, VClock,
                           grit::sink::None, grit::budget::Shared<>>;
  const R retry{grit::budget::Shared<>{bucket}};
  EXPECT_EQ((run_case<S, token_of<TypeParam>>(retry, ok).report.attempts), 1u);
  EXPECT_EQ(bucket.tokens(), 8.0);  // 7 + 1
  EXPECT_EQ((run_case<S, token_of<TypeParam>>(retry, twice_then_ok).report.attempts), 3u);
  EXPECT_EQ(bucket.tokens(), 7.0);  // 8 - 2 + 1
}

TYPED_TEST(GRIT_TEST_SUITE, CancelledDuringAWait) {
  constexpr Sig S = sig_of<TypeParam>;
  for (auto type : {net::cancellation_type::terminal, net::cancellation_type::partial}) {
    Script<S> script;
    const RunResult run = run_case<S, token_of<TypeParam>>(Basic<S>{}, always, CancelAt{50ms, type}, &script);
    EXPECT_EQ(script.calls, 1);
    EXPECT_EQ(run.delivered.calls, 1);
    EXPECT_EQ(run.report.outcome, ga::Outcome::cancelled);
    EXPECT_EQ(run.report.reason, grit::GiveUpReason::cancelled);
    EXPECT_EQ(VClock::now().time_since_epoch(), 50ms);  // at once, not at the end of the wait
    if constexpr (token_of<TypeParam> != Token::detached) {
      if constexpr (S == Sig::errors) {
        EXPECT_EQ(run.delivered.ec, aborted_code());
      }
      if constexpr (S == Sig::exceptions) {
        try {
          std::rethrow_exception(run.delivered.ep);
        } catch (const ga::system_error& e) {
          EXPECT_EQ(e.code(), aborted_code());
        } catch (...) {
          ADD_FAILURE() << "not operation_aborted";
        }
      }
      if constexpr (S == Sig::values) {
        EXPECT_EQ(run.delivered.value, -1);  // no error slot: the last completion
      }
    }
    if constexpr (S == Sig::errors) {
      EXPECT_EQ(run.report.last_error, std::error_code(transient_code()));
    }
    if constexpr (S == Sig::exceptions) {
      EXPECT_EQ(run.report.last_exception, script.thrown.front());
    }
  }
}

TYPED_TEST(GRIT_TEST_SUITE, TotalCancellationIsIgnored) {
  constexpr Sig S = sig_of<TypeParam>;
  const RunResult run =
      run_case<S, token_of<TypeParam>>(Basic<S>{}, twice_then_ok, CancelAt{50ms, net::cancellation_type::total});
  EXPECT_EQ(run.report.outcome, ga::Outcome::succeeded);
  EXPECT_EQ(run.report.attempts, 3u);
}

TYPED_TEST(GRIT_TEST_SUITE, CancelledDuringAnAttemptIsForwardedAndNotRetried) {
  constexpr Sig S = sig_of<TypeParam>;
  Script<S> script;
  const std::vector<Step> slow{{Result::transient, 100ms}};
  const RunResult run =
      run_case<S, token_of<TypeParam>>(Basic<S>{}, slow, CancelAt{50ms, net::cancellation_type::terminal}, &script);
  EXPECT_EQ(script.calls, 1);
  EXPECT_EQ(run.delivered.calls, 1);
  EXPECT_EQ(run.report.outcome, ga::Outcome::cancelled);
  EXPECT_EQ(VClock::now().time_since_epoch(), 50ms);  // the attempt itself was cancelled
  if constexpr (S == Sig::errors && token_of<TypeParam> != Token::detached) {
    EXPECT_EQ(run.delivered.ec, aborted_code());  // the attempt's own completion, unchanged
  }
}

TYPED_TEST(GRIT_TEST_SUITE, AttemptTimeoutRetriesASlowAttempt) {
  constexpr Sig S = sig_of<TypeParam>;
  using R = grit::Retrying<filter_t<S>, grit::stop::Attempts<3>, grit::attempt::Timeout<30ms>, grit::wait::Fixed<100ms>,
                           grit::jitter::None, VClock, grit::sink::None>;
  const std::vector<Step> slow_then_fast{{Result::ok, 1s}, {Result::ok, 10ms}};
  const RunResult run = run_case<S, token_of<TypeParam>>(R{}, slow_then_fast);
  EXPECT_EQ(run.report.outcome, ga::Outcome::succeeded);
  EXPECT_EQ(run.report.attempts, 2u);
  EXPECT_EQ(VClock::now().time_since_epoch(), 140ms);  // 30 (cut) + 100 + 10
  if constexpr (token_of<TypeParam> != Token::detached) {
    EXPECT_EQ(run.delivered.value, 2);
  }
}

TYPED_TEST(GRIT_TEST_SUITE, AttemptTimeoutGivesUpWithTheAbortedAttempt) {
  constexpr Sig S = sig_of<TypeParam>;
  using R = grit::Retrying<filter_t<S>, grit::stop::Attempts<2>, grit::attempt::Timeout<30ms>, grit::wait::Fixed<100ms>,
                           grit::jitter::None, VClock, grit::sink::None>;
  const std::vector<Step> slow{{Result::ok, 1s}};
  const RunResult run = run_case<S, token_of<TypeParam>>(R{}, slow);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::attempts);
  EXPECT_TRUE(run.report.last_attempt_timed_out);
  EXPECT_EQ(VClock::now().time_since_epoch(), 160ms);
  if constexpr (S == Sig::errors && token_of<TypeParam> != Token::detached) {
    EXPECT_EQ(run.delivered.ec, aborted_code());
  }
}

TYPED_TEST(GRIT_TEST_SUITE, AttemptDeadlineNeverAfterTheStopTimeout) {
  constexpr Sig S = sig_of<TypeParam>;
  using R =
      grit::Retrying<filter_t<S>, grit::stop::Attempts<5>, grit::stop::Timeout<150ms>, grit::attempt::Timeout<100ms>,
                     grit::wait::Fixed<100ms>, grit::jitter::None, VClock, grit::sink::None>;
  const std::vector<Step> slow{{Result::ok, 1s}};
  const RunResult run = run_case<S, token_of<TypeParam>>(R{}, slow);
  EXPECT_EQ(run.report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(run.report.reason, grit::GiveUpReason::timeout);
  // attempt 1 cut at 100 ms; the wait clamped to 50 ms; attempt 2 cut at the call's deadline, 150 ms.
  EXPECT_EQ(VClock::now().time_since_epoch(), 150ms);
}

TYPED_TEST(GRIT_TEST_SUITE, IoContextDestroyedWithTheOperationPending) {
  constexpr Sig S = sig_of<TypeParam>;
  if constexpr (token_of<TypeParam> == Token::future) {
    GTEST_SKIP() << "a destroyed promise is a broken_promise, not a handler call";
  } else {
    VClock::reset();
    RunResult run;
    {
      net::io_context io;
      Script<S> script{&io, always};
      net::cancellation_signal signal;
      start<S, token_of<TypeParam>>(io, Basic<S>{}, script.attempt(), run, signal.slot());
      io.restart();
      io.poll();  // the first attempt starts; its timer is pending
      VClock::advance(10ms);
      io.restart();
      io.poll();  // it fails; the wait's timer is pending
    }             // destroyed with the wait pending: no handler, everything released (ASan checks)
    EXPECT_EQ(run.delivered.calls, 0);
  }
}

// --- The same Retrying type drives the sync call, async_retry and co_retry: one table ---------------------------
struct ParityCase {
  const char* name;
  int failures;  // the attempt fails this many times, then succeeds
  std::chrono::nanoseconds takes;
};

template <class R>
struct Outcomes {
  std::uint64_t attempts = 0;
  bool succeeded = false;
  std::vector<std::chrono::nanoseconds> waits;
};

struct Waits : grit::sink::Base {
  std::vector<std::chrono::nanoseconds>* waits;
  void retry_scheduled(const grit::RetryDetails& d) const { waits->push_back(d.wait_for); }
};

template <class R>
Outcomes<R> sync_run(int failures, std::chrono::nanoseconds takes) {
  Outcomes<R> out;
  VClock::reset();
  R retry{Waits{{}, &out.waits}};
  int calls = 0;
  try {
    retry([&] {
      VClock::advance(takes);
      if (++calls <= failures) throw Transient("t");
      return calls;
    });
    out.succeeded = true;
  } catch (const Transient&) {
  }
  out.attempts = static_cast<std::uint64_t>(calls);
  return out;
}

template <class R>
Outcomes<R> async_run(int failures, std::chrono::nanoseconds takes) {
  Outcomes<R> out;
  VClock::reset();
  net::io_context io;
  R retry{Waits{{}, &out.waits}};
  int calls = 0;
  ga::async_retry(
      retry, io,
      [&](auto&& token) {
        return net::async_compose<decltype(token), void(std::exception_ptr, int)>(
            [&, timer = std::make_unique<vtimer>(io, takes), started = false](auto& self, ec_t = {}) mutable {
              if (!started) {
                started = true;
                return timer->async_wait(std::move(self));
              }
              const int n = ++calls;
              self.complete(n <= failures ? std::make_exception_ptr(Transient("t")) : nullptr, n);
            },
            token, io);
      },
      [&](std::exception_ptr p, int) { out.succeeded = !p; });
  ga::testing::run_virtual(io);
  out.attempts = static_cast<std::uint64_t>(calls);
  return out;
}

#if defined(GRIT_TEST_CO_AWAIT)
template <class R>
Outcomes<R> co_run(int failures, std::chrono::nanoseconds takes) {
  Outcomes<R> out;
  VClock::reset();
  net::io_context io;
  R retry{Waits{{}, &out.waits}};
  int calls = 0;
  auto attempt = [&]() -> net::awaitable<int> {
    vtimer timer(co_await net::this_coro::executor, takes);
    co_await timer.async_wait(net::use_awaitable);
    if (++calls <= failures) throw Transient("t");
    co_return calls;
  };
  net::co_spawn(io, ga::co_retry(retry, attempt), [&](std::exception_ptr p, int) { out.succeeded = !p; });
  ga::testing::run_virtual(io);
  out.attempts = static_cast<std::uint64_t>(calls);
  return out;
}
#endif

template <class R>
void expect_parity(int failures, std::chrono::nanoseconds takes) {
  const auto s = sync_run<R>(failures, takes);
  const auto a = async_run<R>(failures, takes);
  EXPECT_EQ(s.attempts, a.attempts);
  EXPECT_EQ(s.succeeded, a.succeeded);
  EXPECT_EQ(s.waits, a.waits);
#if defined(GRIT_TEST_CO_AWAIT)
  const auto c = co_run<R>(failures, takes);
  EXPECT_EQ(s.attempts, c.attempts);
  EXPECT_EQ(s.succeeded, c.succeeded);
  EXPECT_EQ(s.waits, c.waits);
#endif
}

template <class... P>
using Parity = grit::Retrying<grit::RetryOn<Transient>, VClock, Waits, P...>;

TEST(GRIT_CAT(GRIT_TEST_SUITE, Parity), StaminaWaitRanges) {
  // stamina's default: Exponential<100ms, 5s> + Additive<1s>: seeded so every driver draws the same sequence.
  using R = Parity<grit::stop::Attempts<6>, grit::random::Seeded<42>>;
  expect_parity<R>(10, 1ms);
  const auto s = sync_run<R>(10, 1ms);
  ASSERT_EQ(s.waits.size(), 5u);
  for (std::size_t i = 0; i < s.waits.size(); ++i) {
    const auto base = std::min<std::chrono::nanoseconds>(100ms * (1 << i), 5s);
    EXPECT_GE(s.waits[i], base);
    EXPECT_LE(s.waits[i], std::min<std::chrono::nanoseconds>(base + 1s, 5s));
  }
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Parity), AttemptsAndTimeoutWhicheverFirst) {
  using R = Parity<grit::stop::Attempts<4>, grit::stop::Timeout<1s>, grit::wait::Fixed<300ms>, grit::jitter::None>;
  expect_parity<R>(10, 10ms);   // attempts first
  expect_parity<R>(10, 400ms);  // the timeout first
  expect_parity<R>(2, 10ms);    // success
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Parity), DeadlineClamp) {
  using R = Parity<grit::stop::Attempts<10>, grit::stop::Timeout<250ms>, grit::wait::Fixed<100ms>, grit::jitter::None>;
  expect_parity<R>(10, 10ms);
  const auto a = async_run<R>(10, 10ms);
  ASSERT_FALSE(a.waits.empty());
  EXPECT_EQ(a.waits.back(), 20ms);
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Parity), TestingMode) {
  using R = Parity<grit::stop::Attempts<10>, grit::wait::Fixed<1s>, grit::jitter::None>;
  grit::testing::Scope scope(true, {.attempts = 3});
  expect_parity<R>(10, 1ms);
  const auto a = async_run<R>(10, 1ms);
  EXPECT_EQ(a.attempts, 3u);
  EXPECT_EQ(a.waits, (std::vector<std::chrono::nanoseconds>{0ns, 0ns}));
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Parity), Inactive) {
  using R = Parity<grit::stop::Attempts<10>, grit::wait::Fixed<1s>, grit::jitter::None>;
  grit::set_active(false);
  expect_parity<R>(10, 1ms);
  const auto a = async_run<R>(10, 1ms);
  grit::set_active(true);
  EXPECT_EQ(a.attempts, 1u);
}

// --- co_retry ------------------------------------------------------------------------------------------------
#if defined(GRIT_TEST_CO_AWAIT)
TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), RethrowsTheSameExceptionObjectOnGiveUp) {
  VClock::reset();
  net::io_context io;
  std::vector<std::exception_ptr> thrown;
  using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::wait::Fixed<10ms>,
                           grit::jitter::None, VClock>;
  auto f = [&]() -> net::awaitable<int> {
    thrown.push_back(std::make_exception_ptr(Transient("t")));
    std::rethrow_exception(thrown.back());
    co_return 0;
  };
  std::exception_ptr got;
  net::co_spawn(io, ga::co_retry(R{}, f), [&](std::exception_ptr p, int) { got = p; });
  ga::testing::run_virtual(io);
  ASSERT_EQ(thrown.size(), 3u);
  EXPECT_EQ(got, thrown.back());
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), CancelledDuringAWait) {
  VClock::reset();
  net::io_context io;
  int calls = 0;
  using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::wait::Fixed<100ms>,
                           grit::jitter::None, VClock>;
  auto f = [&]() -> net::awaitable<int> {
    ++calls;
    throw Transient("t");
    co_return 0;
  };
  std::exception_ptr got;
  net::cancellation_signal signal;
  net::co_spawn(io, ga::co_retry(R{}, f),
                net::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr p, int) { got = p; }));
  vtimer canceller(io, 50ms);
  canceller.async_wait([&](ec_t) { signal.emit(net::cancellation_type::terminal); });
  ga::testing::run_virtual(io);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(VClock::now().time_since_epoch(), 50ms);
  try {
    std::rethrow_exception(got);
  } catch (const ga::system_error& e) {
    EXPECT_EQ(e.code(), aborted_code());
  } catch (...) {
    ADD_FAILURE() << "not operation_aborted";
  }
}

// co_retry catches the first filter's exception type in its own catch clause and the rest by rethrowing: every
// filter is still asked, in order, as by the sync driver (a first filter that declines passes the failure on).
struct Declined : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct DeclineAll {
  bool operator()(const std::exception&) const { return false; }
};
TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), EveryExceptionFilterIsAskedInOrderAsByTheSyncDriver) {
  using R = grit::Retrying<grit::RetryIf<DeclineAll>, grit::RetryOn<Transient>, grit::RetryOn<Declined>,
                           grit::stop::Attempts<4>, grit::wait::Fixed<10ms>, grit::jitter::None, VClock>;
  for (int kind = 0; kind < 3; ++kind) {  // Transient: the second filter; Declined: the third; logic_error: none
    auto fail = [kind] {
      if (kind == 0) throw Transient("t");
      if (kind == 1) throw Declined("d");
      throw std::logic_error("l");
    };
    int sync_calls = 0;
    try {
      R{}([&] {
        ++sync_calls;
        fail();
      });
    } catch (const std::exception&) {
    }
    VClock::reset();
    net::io_context io;
    int co_calls = 0;
    auto f = [&]() -> net::awaitable<void> {
      ++co_calls;
      fail();
      co_return;
    };
    net::co_spawn(io, ga::co_retry(R{}, f), net::detached);
    ga::testing::run_virtual(io);
    EXPECT_EQ(co_calls, sync_calls) << "kind " << kind;
    EXPECT_EQ(co_calls, kind == 2 ? 1 : 4) << "kind " << kind;
  }
}

// attempt::Timeout through co_retry: an attempt still running at its deadline is cancelled (its awaited timer ends
// with operation_aborted) and retried; the attempt that finishes in time gives the value.
TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), AttemptTimeoutCancelsASlowAttemptAndRetries) {
  VClock::reset();
  net::io_context io;
  using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::attempt::Timeout<30ms>,
                           grit::wait::Fixed<100ms>, grit::jitter::None, VClock>;
  std::vector<std::uint64_t> numbers;
  std::vector<grit::nanoseconds> started;
  auto f = [&](const ga::Attempt& a) -> net::awaitable<int> {
    numbers.push_back(a.number);
    started.push_back(VClock::now().time_since_epoch());
    vtimer slow(co_await net::this_coro::executor, a.number < 3 ? 50ms : 10ms);
    co_await slow.async_wait(net::use_awaitable);  // throws operation_aborted when the deadline cancels it
    co_return 7;
  };
  int got = 0;
  std::exception_ptr failure;
  net::co_spawn(io, ga::co_retry(R{}, f), [&](std::exception_ptr p, int v) {
    failure = p;
    got = v;
  });
  ga::testing::run_virtual(io);
  EXPECT_FALSE(failure);
  EXPECT_EQ(got, 7);
  EXPECT_EQ(numbers, (std::vector<std::uint64_t>{1, 2, 3}));
  // 30 ms attempt, 100 ms wait, 30 ms attempt, 100 ms wait, then 10 ms.
  EXPECT_EQ(started, (std::vector<grit::nanoseconds>{0ms, 130ms, 260ms}));
  EXPECT_EQ(VClock::now().time_since_epoch(), 270ms);
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), AttemptTimeoutGivesUpWithTheLastAttemptsException) {
  VClock::reset();
  net::io_context io;
  using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<2>, grit::attempt::Timeout<30ms>,
                           grit::wait::Fixed<100ms>, grit::jitter::None, VClock>;
  int calls = 0;
  auto f = [&]() -> net::awaitable<void> {
    ++calls;
    vtimer slow(co_await net::this_coro::executor, 1s);
    co_await slow.async_wait(net::use_awaitable);
  };
  std::exception_ptr failure;
  net::co_spawn(io, ga::co_retry(R{}, f), [&](std::exception_ptr p) { failure = p; });
  ga::testing::run_virtual(io);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(VClock::now().time_since_epoch(), 160ms);
  try {
    std::rethrow_exception(failure);
  } catch (const ga::system_error& e) {
    EXPECT_EQ(e.code(), aborted_code()) << "the last attempt's own completion: its timer was cancelled";
  } catch (...) {
    ADD_FAILURE() << "not the attempt's system_error";
  }
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), OperationAbortedIsNeverRetried) {
  VClock::reset();
  net::io_context io;
  int calls = 0;
  using R = grit::Retrying<grit::RetryOn<std::system_error>, grit::stop::Attempts<3>, grit::wait::Fixed<10ms>,
                           grit::jitter::None, VClock>;
  auto f = [&]() -> net::awaitable<void> {
    ++calls;
    throw ga::system_error(aborted_code());
    co_return;
  };
  net::co_spawn(io, ga::co_retry(R{}, f), net::detached);
  ga::testing::run_virtual(io);
  EXPECT_EQ(calls, 1);
}
#endif

// --- Wait scopes: a sink's wait_scope lives during each wait and ends before the next attempt, on every path ------
struct ScopeCounts {
  int made = 0, ended = 0, open = 0;
  std::vector<int> open_during_attempt;
};
struct CountedScope {
  ScopeCounts* counts;
  explicit CountedScope(ScopeCounts* c) : counts(c) { ++c->made, ++c->open; }
  CountedScope(CountedScope&& o) noexcept : counts(std::exchange(o.counts, nullptr)) {}
  CountedScope(const CountedScope&) = delete;
  CountedScope& operator=(const CountedScope&) = delete;
  CountedScope& operator=(CountedScope&&) = delete;
  ~CountedScope() {
    if (counts) ++counts->ended, --counts->open;
  }
};
struct ScopedSink : grit::sink::Base {
  ScopeCounts* counts;
  CountedScope wait_scope(const grit::RetryDetails&) const { return CountedScope(counts); }
};
using ScopedRetry = grit::Retrying<grit::RetryOn<Transient>, grit::RetryOnError<>, grit::stop::Attempts<3>,
                                   grit::wait::Fixed<100ms>, grit::jitter::None, VClock, ScopedSink>;

TEST(GRIT_CAT(GRIT_TEST_SUITE, WaitScopes), AsyncRetryEndsEachScopeBeforeTheNextAttempt) {
  VClock::reset();
  ScopeCounts counts;
  net::io_context io;
  ec_t got;
  ga::async_retry(
      ScopedRetry{ScopedSink{{}, &counts}}, io,
      [&](auto&& token) {
        counts.open_during_attempt.push_back(counts.open);
        return post_code(io, ec_t(net::error::timed_out), std::move(token));
      },
      [&](ec_t ec) { got = ec; });
  ga::testing::run_virtual(io);
  EXPECT_EQ(got, ec_t(net::error::timed_out));
  EXPECT_EQ(counts.open_during_attempt, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(counts.made, 2);
  EXPECT_EQ(counts.ended, 2);
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, WaitScopes), AScopeEndsOnceWhenTheIoContextIsDestroyedDuringTheWait) {
  VClock::reset();
  ScopeCounts counts;
  {
    net::io_context io;
    ga::async_retry(
        ScopedRetry{ScopedSink{{}, &counts}}, io,
        [&](auto&& token) { return post_code(io, ec_t(net::error::timed_out), std::move(token)); },
        [&](ec_t) { ADD_FAILURE() << "no handler runs"; });
    io.poll();  // the first attempt fails; the operation waits
    EXPECT_EQ(counts.open, 1);
  }
  EXPECT_EQ(counts.made, 1);
  EXPECT_EQ(counts.ended, 1);
}

#if defined(GRIT_TEST_CO_AWAIT)
TEST(GRIT_CAT(GRIT_TEST_SUITE, WaitScopes), CoRetryEndsEachScopeBeforeTheNextAttempt) {
  VClock::reset();
  ScopeCounts counts;
  net::io_context io;
  auto f = [&]() -> net::awaitable<void> {
    counts.open_during_attempt.push_back(counts.open);
    throw Transient("t");
    co_return;
  };
  net::co_spawn(io, ga::co_retry(ScopedRetry{ScopedSink{{}, &counts}}, f), net::detached);
  ga::testing::run_virtual(io);
  EXPECT_EQ(counts.open_during_attempt, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(counts.made, 2);
  EXPECT_EQ(counts.ended, 2);
}
#endif

// --- Sinks hear a cancellation --------------------------------------------------------------------------------
struct Heard : grit::sink::Base {
  std::vector<std::string>* events;
  void retry_scheduled(const grit::RetryDetails&) const { events->push_back("retry"); }
  void gave_up(const grit::GiveUpDetails& d) const {
    events->push_back(std::string("gave_up:") + std::string(grit::to_string(d.reason)) + ":" + d.caused_by.message());
  }
};

TEST(GRIT_CAT(GRIT_TEST_SUITE, Sinks), HearTheLastFailureOnCancellation) {
  std::vector<std::string> events;
  using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::wait::Fixed<100ms>,
                           grit::jitter::None, VClock, Heard>;
  const R retry{Heard{{}, &events}};
  const RunResult run =
      run_case<Sig::exceptions, Token::callback>(retry, always, CancelAt{50ms, net::cancellation_type::terminal});
  EXPECT_EQ(run.report.outcome, ga::Outcome::cancelled);
  EXPECT_EQ(events, (std::vector<std::string>{"retry", "gave_up:cancelled:transient 1"}));
}

#if defined(GRIT_TEST_CO_AWAIT)
// co_retry runs its first attempt in one frame and the later ones in another (docs/design.md): in either, an attempt
// that fails after a cancellation reached it is never retried; the caller gets that attempt's own exception, and the
// sinks hear of it as cancelled.
TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), CancelledDuringAnAttemptIsNeverRetried) {
  for (const int cancelled_attempt : {1, 2}) {
    VClock::reset();
    net::io_context io;
    std::vector<std::string> events;
    using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<5>, grit::wait::Fixed<10ms>,
                             grit::jitter::None, VClock, Heard>;
    int calls = 0;
    std::exception_ptr thrown;
    auto f = [&]() -> net::awaitable<int> {
      ++calls;
      vtimer t(co_await net::this_coro::executor, 100ms);
      try {
        co_await t.async_wait(net::use_awaitable);
      } catch (const ga::system_error&) {  // the cancellation: the attempt fails as it would have anyway
      }
      thrown = std::make_exception_ptr(Transient("transient " + std::to_string(calls)));
      std::rethrow_exception(thrown);
    };
    std::exception_ptr got;
    net::cancellation_signal signal;
    net::co_spawn(io, ga::co_retry(R{Heard{{}, &events}}, f),
                  net::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr p, int) { got = p; }));
    vtimer canceller(io, cancelled_attempt == 1 ? 50ms : 150ms);  // attempts: [0, 100 ms), then [110 ms, 210 ms)
    canceller.async_wait([&](ec_t) { signal.emit(net::cancellation_type::terminal); });
    ga::testing::run_virtual(io);
    EXPECT_EQ(calls, cancelled_attempt);
    ASSERT_TRUE(got);
    EXPECT_EQ(got, thrown);
    if (cancelled_attempt == 1)
      EXPECT_EQ(events, (std::vector<std::string>{"gave_up:cancelled:transient 1"}));
    else
      EXPECT_EQ(events, (std::vector<std::string>{"retry", "gave_up:cancelled:transient 2"}));
  }
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, Co), ASuccessRefillsTheBudgetInEitherFrame) {
  VClock::reset();
  net::io_context io;
  grit::budget::TokenBucket bucket{{.max_tokens = 10, .token_ratio = 1}};
  for (int i = 0; i < 3; ++i) bucket.on_failure();
  using R = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<5>, grit::wait::Fixed<10ms>,
                           grit::jitter::None, VClock, grit::sink::None, grit::budget::Shared<>>;
  const R retry{grit::budget::Shared<>{bucket}};
  int failures = 0;
  auto f = [&]() -> net::awaitable<int> {
    if (failures > 0) {
      --failures;
      throw Transient("t");
    }
    co_return 1;
  };
  int value = 0;
  net::co_spawn(io, ga::co_retry(retry, f), [&](std::exception_ptr, int v) { value += v; });
  ga::testing::run_virtual(io);
  EXPECT_EQ(bucket.tokens(), 8.0);  // 7 + 1: the first attempt's frame
  failures = 2;
  io.restart();
  net::co_spawn(io, ga::co_retry(retry, f), [&](std::exception_ptr, int v) { value += v; });
  ga::testing::run_virtual(io);
  EXPECT_EQ(bucket.tokens(), 7.0);  // 8 - 2 + 1: the later attempts' frame
  EXPECT_EQ(value, 2);
}
#endif

TEST(GRIT_CAT(GRIT_TEST_SUITE, Timeout), AttemptTimeoutWithAHandlerThatHasNoCancellationSlot) {
  VClock::reset();
  net::io_context io;
  Script<Sig::errors> script{&io, {{Result::ok, 1s}, {Result::ok, 10ms}}};
  using R = grit::Retrying<filter_t<Sig::errors>, grit::stop::Attempts<3>, grit::attempt::Timeout<30ms>,
                           grit::wait::Fixed<100ms>, grit::jitter::None, VClock>;
  ga::Report report;
  int value = 0;
  ga::async_retry(R{}, io, script.attempt(), report, [&](ec_t, int v) { value = v; });
  ga::testing::run_virtual(io);
  EXPECT_EQ(value, 2);
  EXPECT_EQ(report.attempts, 2u);
  EXPECT_EQ(VClock::now().time_since_epoch(), 140ms);
}

// --- Real timers, millisecond waits --------------------------------------------------------------------------
TEST(GRIT_CAT(GRIT_TEST_SUITE, Real), SteadyTimerWaits) {
  net::io_context io;
  using R = grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, grit::wait::Fixed<5ms>, grit::jitter::None>;
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  ec_t got = aborted_code();
  ga::async_retry(
      R{}, io,
      [&](auto&& token) {
        ++calls;
        return post_code(io, calls < 3 ? transient_code() : ec_t(), std::move(token));
      },
      [&](ec_t ec) { got = ec; });
  io.run();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(got);
  EXPECT_GE(took, 10ms);
  EXPECT_LT(took, 2s);
}

// --- Threads: cancellation posted from another thread, a 2-thread io_context, a strand (for TSan) ------------
TEST(GRIT_CAT(GRIT_TEST_SUITE, Threads), CancellationFromAnotherThreadWithAStrand) {
  net::io_context io(2);
  auto strand = net::make_strand(io);
  using R =
      grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<1000000>, grit::wait::Fixed<100us>, grit::jitter::None>;
  constexpr int ops = 8;
  std::vector<std::unique_ptr<net::cancellation_signal>> signals;
  std::atomic<int> done{0}, aborted{0}, attempts{0};
  for (int i = 0; i < ops; ++i) {
    signals.push_back(std::make_unique<net::cancellation_signal>());
    ga::async_retry(
        R{}, strand,
        [&](auto&& token) {
          ++attempts;
          return post_code(io, transient_code(), std::move(token));
        },
        net::bind_cancellation_slot(signals.back()->slot(), net::bind_executor(strand, [&](ec_t ec) {
                                      ++done;
                                      if (ec == aborted_code()) ++aborted;
                                    })));
  }
  std::thread a([&] { io.run(); });
  std::thread b([&] { io.run(); });
  std::thread canceller([&] {
    while (attempts.load() < ops * 5) std::this_thread::yield();
    for (auto& s : signals) net::post(strand, [&s] { s->emit(net::cancellation_type::terminal); });
  });
  canceller.join();
  a.join();
  b.join();
  EXPECT_EQ(done.load(), ops);
  EXPECT_EQ(done.load(), aborted.load() + (done.load() - aborted.load()));
  EXPECT_GE(attempts.load(), ops * 5);
}

// --- Allocations: the wait timer is allocated with the handler's associated allocator, at the first failure ----
template <class T>
struct Counting {
  using value_type = T;
  int* count;
  explicit Counting(int* c) : count(c) {}
  template <class U>
  Counting(const Counting<U>& o) : count(o.count) {}
  T* allocate(std::size_t n) {
    ++*count;
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(const Counting<U>& o) const {
    return count == o.count;
  }
};

TEST(GRIT_CAT(GRIT_TEST_SUITE, Alloc), NothingOnSuccessOneBlockAtTheFirstFailure) {
  for (int failures : {0, 1, 3}) {
    net::io_context io;
    int allocations = 0;
    int calls = 0;
    using R = grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<5>, grit::wait::Fixed<1ms>, grit::jitter::None,
                             VClock>;
    VClock::reset();
    ga::async_retry(
        R{}, io,
        [&](auto&& token) {
          ++calls;
          return post_code(io, calls <= failures ? transient_code() : ec_t(), std::move(token));
        },
        net::bind_allocator(Counting<void>(&allocations), [](ec_t) {}));
    ga::testing::run_virtual(io);
    // Nothing on the success path; from the first failure, one block (the schedule and the timer), then Asio's own
    // allocation of each timer wait, also with the handler's allocator.
    EXPECT_EQ(allocations, failures > 0 ? 1 + failures : 0) << failures;
  }
}

// --- The first attempt (detail::FirstAttempt): where nothing can cancel it, it runs with a handler of its own, and
// must run where async_compose would run it and count the same work on `where`'s executor ---------------------------
using FirstR =
    grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, grit::wait::Fixed<1ms>, grit::jitter::None, VClock>;

TEST(GRIT_CAT(GRIT_TEST_SUITE, First), TheAttemptRunsOnTheHandlersExecutorElseOnWheres) {
  net::io_context io;
  net::io_context where;
  auto strand = net::make_strand(io);
  bool on_strand = false, on_where = false;
  int done = 0;
  ga::async_retry(
      FirstR{}, io,
      [&](auto&& token) {
        on_strand = net::any_io_executor(net::get_associated_executor(token, io.get_executor())) ==
                    net::any_io_executor(strand);
        return post_code(io, ec_t(), std::move(token));
      },
      net::bind_executor(strand, [&](ec_t) { ++done; }));
  ga::async_retry(
      FirstR{}, where.get_executor(),
      [&](auto&& token) {
        on_where = net::any_io_executor(net::get_associated_executor(token, io.get_executor())) ==
                   net::any_io_executor(where.get_executor());
        return post_code(io, ec_t(), std::move(token));
      },
      [&](ec_t) { ++done; });
  io.run();
  EXPECT_TRUE(on_strand);
  EXPECT_TRUE(on_where);
  EXPECT_EQ(done, 1);  // the second completes on `where`, which has not run yet
  where.run();
  EXPECT_EQ(done, 2);
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, First), ThePendingFirstAttemptCountsAsWorkOnWhere) {
  // The handler runs on `io`, the attempt is a timer of `io`'s: only the operation itself can count work on `where`.
  net::io_context io;
  net::io_context where;
  net::steady_timer timer(io);
  ec_t got = transient_code();
  ga::async_retry(
      FirstR{}, where.get_executor(),
      [&](auto&& token) {
        timer.expires_after(0ms);
        return timer.async_wait(std::move(token));
      },
      net::bind_executor(io, [&](ec_t ec) { got = ec; }));
  where.poll();
  EXPECT_FALSE(where.stopped());  // the pending operation keeps `where` from running out of work
  io.run();
  EXPECT_FALSE(got);
  where.restart();
  where.poll();
  EXPECT_TRUE(where.stopped());  // and lets go of it when it completes
}

TEST(GRIT_CAT(GRIT_TEST_SUITE, First), AFailedFirstAttemptIsHandedOverUnchanged) {
  // The composed operation takes over with the first attempt's own completion: the same exception object on give-up
  // (Attempts<1>, so the first completion is the one delivered) and the attempt count in the Report.
  net::io_context io;
  const auto thrown = std::make_exception_ptr(Transient("first"));
  std::exception_ptr got;
  ga::Report report;
  using One =
      grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<1>, grit::wait::None, grit::jitter::None, VClock>;
  ga::async_retry(
      One{}, io,
      [&](auto&& token) {
        return net::async_initiate<decltype(token), void(std::exception_ptr)>(
            [&](auto handler) { net::post(io, [h = std::move(handler), thrown]() mutable { h(thrown); }); }, token);
      },
      report, [&](std::exception_ptr p) { got = p; });
  io.run();
  EXPECT_EQ(got, thrown);
  EXPECT_EQ(report.outcome, ga::Outcome::gave_up);
  EXPECT_EQ(report.reason, grit::GiveUpReason::attempts);
  EXPECT_EQ(report.attempts, 1u);
  EXPECT_EQ(report.last_exception, thrown);
}

}  // namespace grit_async_tests
