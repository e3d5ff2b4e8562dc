// The success path of grit against the hand-written loop, compiled at -O2 and disassembled by check.cmake.
// Attempts-only policies (the wait, jitter and sink are the defaults); the hand loop does the same work:
// 3 attempts, stamina's backoff min(5 s, 100 ms * 2^(n-1) + U[0, 1 s]) from a thread-local std::mt19937_64.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <grit/grit.hpp>
#include <random>
#include <stdexcept>
#include <thread>

struct Transient : std::runtime_error {
  Transient() : std::runtime_error("transient") {}
};

int op();  // opaque: defined nowhere in this translation unit

using Retry = grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>>;

extern "C" int grit_success(const Retry& retry) {
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
