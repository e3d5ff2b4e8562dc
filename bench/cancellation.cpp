// Sync cancellation (issue 11): the time from std::stop_source::request_stop() to the caller regaining control, for
// a call waiting out a 10 s backoff on clock::Steady. 1000 stops, each in a fresh thread; the median and the 99th
// percentile are reported as counters (goal: median <= 1 ms on the 2-core CI machine).
//   build-bench/bench/grit_cancellation_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <grit/grit.hpp>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <vector>

namespace {

struct Transient : std::runtime_error {
  Transient() : std::runtime_error("transient") {}
};

// Tells the test the wait is about to start.
struct WaitStarts : grit::sink::Base {
  std::atomic<bool>* started;
  void retry_scheduled(const grit::RetryDetails&) const noexcept { started->store(true, std::memory_order_release); }
};

void StopToReturn(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(state.max_iterations));
  for (auto _ : state) {
    std::atomic<bool> started{false};
    const grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<2>, grit::wait::Fixed<std::chrono::seconds(10)>,
                         grit::jitter::None, WaitStarts>
        retry{WaitStarts{{}, &started}};
    std::stop_source source;
    Clock::time_point returned;
    std::jthread caller([&] {
      try {
        retry(source.get_token(), [] { throw Transient(); });
      } catch (const Transient&) {
      }
      returned = Clock::now();
    });
    while (!started.load(std::memory_order_acquire)) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // into the wait
    const Clock::time_point stopped = Clock::now();
    source.request_stop();
    caller.join();
    const double seconds = std::chrono::duration<double>(returned - stopped).count();
    state.SetIterationTime(seconds);
    micros.push_back(seconds * 1e6);
  }
  std::sort(micros.begin(), micros.end());
  state.counters["median_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["max_us"] = micros.back();
}
BENCHMARK(StopToReturn)->UseManualTime()->Iterations(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
