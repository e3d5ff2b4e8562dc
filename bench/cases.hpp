// The cases of grit's overhead benchmark, shared by the Google Benchmark binary (overhead.cpp) and the callgrind
// drivers (callgrind/): for each case the grit type and the hand-written loop that does the same work.
//
// The function under test lives in another translation unit (operations.cpp), so that no contender can fold it
// away, and all three contenders (direct call, hand loop, grit) call the very same function.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <grit/grit.hpp>
#include <random>
#include <stdexcept>
#include <thread>

namespace bench {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

// The transient failure, thrown.
struct Transient : std::runtime_error {
  Transient() : std::runtime_error("transient") {}
};

// The transient failure, returned: a minimal expected-like type (has_value(), error()), 8 bytes, returned in a
// register like std::expected<int, int>. (std::expected needs C++23, which Clang 14 with libstdc++ 12 lacks.)
class Outcome {
 public:
  static Outcome success(int value) noexcept { return Outcome(value, 0); }
  static Outcome failure(int error) noexcept { return Outcome(0, error); }
  bool has_value() const noexcept { return error_ == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  int value() const noexcept { return value_; }
  int error() const noexcept { return error_; }

 private:
  Outcome(int value, int error) noexcept : value_(value), error_(error) {}
  int value_;
  int error_;
};

// The functions under test (operations.cpp). Each of them fails while `failures_left` > 0, counting it down, and
// then succeeds with `value`. On the success path they only read these globals, so threads share nothing written.
extern int failures_left;
extern int value;
int throwing_op();       // throws Transient on failure
Outcome returning_op();  // returns Outcome::failure(11) on failure

// --- the grit side ---------------------------------------------------------------------------------------------

// Attempts only: 3 attempts, the default wait (Exponential<100ms, 5s>), jitter (Additive<1s>) and sink (Hooks).
using AttemptsRetry = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>>;
// stamina's defaults: Attempts<10> and Timeout<45s>, Exponential<100ms, 5s>, Additive<1s>, Hooks.
using StaminaRetry = grit::Retrying<grit::RetryOn<Transient>>;
// Returned errors: 3 attempts, default wait, jitter and sink.
using ExpectedRetry = grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>>;
// Failures with zero wait and no instrumentation: only grit's own machinery is left (and the attempts themselves).
using ZeroWaitThrowRetry = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<20>, grit::wait::None,
                                          grit::jitter::None, grit::sink::None>;
using ZeroWaitValueRetry = grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<20>, grit::wait::None,
                                          grit::jitter::None, grit::sink::None>;

// --- the hand-written side -------------------------------------------------------------------------------------
// What a careful engineer writes for the same policies: a for loop, try/catch or an error check, stamina's backoff
// min(5 s, 100 ms * 2^(n-1) + U[0, 1 s]) drawn from a thread-local std::mt19937_64, and, with a timeout, one
// steady_clock read at the start.

inline nanoseconds hand_jitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  return std::chrono::duration_cast<nanoseconds>(std::chrono::duration<double>(uniform(engine)));
}

inline nanoseconds hand_backoff(int attempt) {
  const auto exponential = std::chrono::duration_cast<nanoseconds>(
      std::chrono::duration<double>(0.1 * std::pow(2.0, std::min(attempt - 1, 62))));
  return std::min<nanoseconds>(5s, exponential + hand_jitter());
}

inline int hand_attempts() {
  for (int attempt = 1;; ++attempt) {
    try {
      return throwing_op();
    } catch (const Transient&) {
      if (attempt >= 3) throw;
      std::this_thread::sleep_for(hand_backoff(attempt));
    }
  }
}

inline int hand_stamina() {
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    try {
      return throwing_op();
    } catch (const Transient&) {
      const nanoseconds elapsed = std::chrono::steady_clock::now() - start;
      if (attempt >= 10 || elapsed >= 45s) throw;
      std::this_thread::sleep_for(std::min(hand_backoff(attempt), 45s - elapsed));
    }
  }
}

inline Outcome hand_expected() {
  for (int attempt = 1;; ++attempt) {
    Outcome result = returning_op();
    if (result.has_value() || attempt >= 3) return result;
    std::this_thread::sleep_for(hand_backoff(attempt));
  }
}

// The same loop calling the function through f (a lambda, as grit is given): for the instruction counts only.
// Deliberately a copy: hand_expected written as hand_expected_via(returning_op) compiles (GCC 12) to 20
// instructions per call instead of 16, which would flatter grit.
template <class F>
Outcome hand_expected_via(F f) {
  for (int attempt = 1;; ++attempt) {
    Outcome result = f();
    if (result.has_value() || attempt >= 3) return result;
    std::this_thread::sleep_for(hand_backoff(attempt));
  }
}

inline int hand_zero_wait_throw() {
  for (int attempt = 1;; ++attempt) {
    try {
      return throwing_op();
    } catch (const Transient&) {
      if (attempt >= 20) throw;
    }
  }
}

inline Outcome hand_zero_wait_value() {
  for (int attempt = 1;; ++attempt) {
    Outcome result = returning_op();
    if (result.has_value() || attempt >= 20) return result;
  }
}

}  // namespace bench
