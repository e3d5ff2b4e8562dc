// The success path of grit against the hand-written loop, compiled at -O2 and disassembled by check.cmake: two
// ways of calling through grit, each held to at most the hand loop's instruction count.
// Attempts-only policies (the wait, jitter and sink are the defaults); the hand loop does the same work:
// 3 attempts, stamina's backoff min(5 s, 100 ms * 2^(n-1) + U[0, 1 s]) from a thread-local std::mt19937_64.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <grit/grit.hpp>
#include <grit/log.hpp>
#include <grit/prometheus.hpp>
#include <random>
#include <stdexcept>
#include <thread>

struct Transient : std::runtime_error {
  Transient() : std::runtime_error("transient") {}
};

int op();  // opaque: defined nowhere in this translation unit

using Retry = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>>;

// A Retrying passed by reference: NameText keeps the default name's strlen out of the caller (13 -> 9 with GCC).
extern "C" int grit_by_reference(const Retry& retry) {
  return retry([] { return op(); });
}

// A Retrying made at the call, as the README shows it: the first decision waits in memory (CallState), so that the
// caller holds no callee-saved registers across the end of the catch clause (12 -> 8 with GCC).
extern "C" int grit_made_at_call() {
  return Retry{}([] { return op(); });
}

// With the log and Prometheus sinks in the type: a sink is reached only after a failure, so the success path is the
// same (issue 10).
using Observed =
    grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::sink::Log<>, grit::sink::Prometheus<>>;
extern "C" int grit_with_sinks(const Observed& retry) {
  return retry([] { return op(); });
}

extern "C" int hand_success() {
  for (int attempt = 1;; ++attempt) {
    try {
      return op();
    } catch (const Transient&) {
      if (attempt >= 3) throw;
      thread_local std::mt19937_64 engine{std::random_device{}()};
      std::uniform_real_distribution<double> jitter(0.0, 1.0);
      const double seconds = std::min(5.0, 0.1 * std::pow(2.0, attempt - 1) + jitter(engine));
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
  }
}

// With a retry budget (issue 13): a success gives token_ratio back to the bucket, so the success path reads the
// bucket once (relaxed) and writes it only while it is below full. Held to the hand loop that does the same with
// the same bucket: no more instructions, no more atomic instructions, no more references to the bucket.
grit::budget::TokenBucket budget_bucket{{.max_tokens = 10, .token_ratio = 0.1}};
using Budgeted = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::budget::Shared<budget_bucket>>;
extern "C" int grit_with_budget(const Budgeted& retry) {
  return retry([] { return op(); });
}

extern "C" int hand_with_budget() {
  for (int attempt = 1;; ++attempt) {
    try {
      const int result = op();
      budget_bucket.on_success();
      return result;
    } catch (const Transient&) {
      budget_bucket.on_failure();
      if (attempt >= 3 || !budget_bucket.allows_retry()) throw;
      thread_local std::mt19937_64 engine{std::random_device{}()};
      std::uniform_real_distribution<double> jitter(0.0, 1.0);
      const double seconds = std::min(5.0, 0.1 * std::pow(2.0, attempt - 1) + jitter(engine));
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
  }
}
