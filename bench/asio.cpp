// The async driver against hand-written Asio retry loops doing the same thing, side by side in one run
// (bash tools/bench.sh's build, target grit_asio_bench): a callback loop with a steady_timer against async_retry with
// a callback, and a coroutine loop against co_retry. The operation is the cheapest real Asio operation: a post
// through the io_context that completes with a scripted error_code.
//
//   success_*      the first attempt succeeds                      (time; operator new calls per operation)
//   failing_*      3 failed attempts, zero waits, then a success   (time per operation of 4 attempts)
//   concurrent_*   10,000 operations retrying at once on one io_context: heap bytes in use per operation while they
//                  all wait (one-hour waits), from glibc's mallinfo2 (so Asio's own aligned_alloc'ed operations,
//                  which a replaced operator new does not see, count too)
//
// At the end: a table of medians, hand | grit | grit/hand, and the allocation counts.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "asio_cases.hpp"

// --- Counting every allocation ------------------------------------------------------------------------------------
namespace {
std::atomic<std::size_t> news{0};
void* counted(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  ++news;
  return p;
}
void uncounted(void* p) noexcept {
  if (!p) return;
  std::free(p);
}
}  // namespace
void* operator new(std::size_t n) { return counted(n); }
void* operator new[](std::size_t n) { return counted(n); }
void operator delete(void* p) noexcept { uncounted(p); }
void operator delete[](void* p) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t) noexcept { uncounted(p); }

namespace {
using namespace bench_asio;

// One operation, run to completion, per iteration.
void callback_hand(benchmark::State& state, int failures) {
  asio::io_context io;
  Flaky op{&io, failures};
  int done = 0;
  const std::size_t before = news.load();
  for (auto _ : state) {
    hand_retry(op, 10, 0ns, [&](ec_t) { ++done; });
    io.restart();
    io.run();
  }
  state.counters["news_per_op"] = static_cast<double>(news.load() - before) / static_cast<double>(state.iterations());
  benchmark::DoNotOptimize(done);
}
void callback_grit(benchmark::State& state, int failures) {
  asio::io_context io;
  Flaky op{&io, failures};
  const Retry retry;
  int done = 0;
  const std::size_t before = news.load();
  for (auto _ : state) {
    grit_retry(retry, op, [&](ec_t) { ++done; });
    io.restart();
    io.run();
  }
  state.counters["news_per_op"] = static_cast<double>(news.load() - before) / static_cast<double>(state.iterations());
  benchmark::DoNotOptimize(done);
}

template <bool Grit>
void coroutine(benchmark::State& state, int failures) {
  asio::io_context io;
  Flaky op{&io, failures};
  std::size_t before = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        before = news.load();
        for (auto _ : state) {
          if constexpr (Grit)
            co_await grit_co(op);
          else
            co_await hand_co(op, 10);
        }
      },
      asio::detached);
  io.run();
  state.counters["news_per_op"] = static_cast<double>(news.load() - before) / static_cast<double>(state.iterations());
}

void success_callback_compose(benchmark::State& state) {
  asio::io_context io;
  Flaky op{&io, 0};
  int done = 0;
  for (auto _ : state) {
    compose_once(op, [&](ec_t) { ++done; });
    io.restart();
    io.run();
  }
  benchmark::DoNotOptimize(done);
}

void success_callback_hand(benchmark::State& s) { callback_hand(s, 0); }
void success_callback_grit(benchmark::State& s) { callback_grit(s, 0); }
void success_coroutine_hand(benchmark::State& s) { coroutine<false>(s, 0); }
void success_coroutine_grit(benchmark::State& s) { coroutine<true>(s, 0); }
void failing_callback_hand(benchmark::State& s) { callback_hand(s, 3); }
void failing_callback_grit(benchmark::State& s) { callback_grit(s, 3); }
void failing_coroutine_hand(benchmark::State& s) { coroutine<false>(s, 3); }
void failing_coroutine_grit(benchmark::State& s) { coroutine<true>(s, 3); }

// --- 10,000 operations waiting at once: heap bytes per operation ------------------------------------------------
template <bool Grit>
void concurrent(benchmark::State& state) {
  constexpr int ops = 10'000;
  double per_op = 0;
  for (auto _ : state) {
    asio::io_context io;
    Flaky op{&io, 1'000'000};  // every attempt fails: all of them end up waiting
    io.poll();                 // the io_context's own first allocations, outside the count
    const std::size_t before = mallinfo2().uordblks;
    int done = 0;
    for (int i = 0; i < ops; ++i) {
      if constexpr (Grit) {
        grit::asio::async_retry(
            LongRetry{}, io, [&](auto&& token) { return post_code(io, op.next(), std::move(token)); },
            [&done](ec_t) { ++done; });
      } else {
        hand_retry(op, 10, 1h, [&done](ec_t) { ++done; });  // the hand loop with a one-hour wait
      }
    }
    io.restart();
    io.poll();  // every first attempt fails; every operation is now waiting
    per_op = static_cast<double>(mallinfo2().uordblks - before) / ops;
    benchmark::DoNotOptimize(done);
  }  // destroyed with everything pending
  state.counters["bytes_per_op"] = per_op;
}
void concurrent_hand(benchmark::State& s) { concurrent<false>(s); }
void concurrent_grit(benchmark::State& s) { concurrent<true>(s); }

struct Collector : benchmark::BenchmarkReporter {
  benchmark::ConsoleReporter console;
  std::map<std::string, double> median_ns;
  std::map<std::string, std::map<std::string, double>> counters;
  bool ReportContext(const Context& c) override { return console.ReportContext(c); }
  void ReportRuns(const std::vector<Run>& runs) override {
    console.ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      median_ns[r.run_name.function_name] = r.GetAdjustedRealTime();
      for (const auto& [k, v] : r.counters) counters[r.run_name.function_name][k] = v;
    }
  }
  void Finalize() override { console.Finalize(); }
};

}  // namespace

BENCHMARK(success_callback_hand);
BENCHMARK(success_callback_compose);
BENCHMARK(success_callback_grit);
BENCHMARK(success_coroutine_hand);
BENCHMARK(success_coroutine_grit);
BENCHMARK(failing_callback_hand);
BENCHMARK(failing_callback_grit);
BENCHMARK(failing_coroutine_hand);
BENCHMARK(failing_coroutine_grit);
BENCHMARK(concurrent_hand)->Iterations(3);
BENCHMARK(concurrent_grit)->Iterations(3);

int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=9", inter = "--benchmark_enable_random_interleaving=true",
              aggr = "--benchmark_report_aggregates_only=true", mint = "--benchmark_min_time=0.2";
  args.insert(args.begin() + 1, {reps.data(), inter.data(), aggr.data(), mint.data()});
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  std::printf("\n%-22s %12s %12s %10s %16s %16s\n", "case (median)", "hand", "grit", "grit/hand", "hand news/op",
              "grit news/op");
  for (const char* c : {"success_callback", "success_coroutine", "failing_callback", "failing_coroutine"}) {
    const std::string h = std::string(c) + "_hand", g = std::string(c) + "_grit";
    if (!collector.median_ns.count(h) || !collector.median_ns.count(g)) continue;
    std::printf("%-22s %10.1fns %10.1fns %10.3f %16.3f %16.3f\n", c, collector.median_ns[h], collector.median_ns[g],
                collector.median_ns[g] / collector.median_ns[h], collector.counters[h]["news_per_op"],
                collector.counters[g]["news_per_op"]);
  }
  if (collector.median_ns.count("success_callback_compose"))
    std::printf("%-22s %10.1fns %10.1fns %10.3f   (async_compose around one attempt, no retry: Asio's own cost)\n",
                "success_compose_only", collector.median_ns["success_callback_hand"],
                collector.median_ns["success_callback_compose"],
                collector.median_ns["success_callback_compose"] / collector.median_ns["success_callback_hand"]);
  std::printf(
      "%-22s %10zu B   (sizeof the schedule an operation keeps from its first failure: the Retrying's copy, "
      "the decision's state)\n",
      "schedule", sizeof(grit::detail::async::CallSchedule<LongRetry>));
  if (collector.counters.count("concurrent_hand") && collector.counters.count("concurrent_grit"))
    std::printf(
        "%-22s %10.0f B %10.0f B %10.3f   (10,000 operations waiting at once: heap bytes per operation)\n",
        "concurrent", collector.counters["concurrent_hand"]["bytes_per_op"],
        collector.counters["concurrent_grit"]["bytes_per_op"],
        collector.counters["concurrent_grit"]["bytes_per_op"] / collector.counters["concurrent_hand"]["bytes_per_op"]);
}
