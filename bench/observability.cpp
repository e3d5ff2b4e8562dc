// The cost of grit's optional integrations (log.hpp, prometheus.hpp), against the cost of the failure they report
// (a throw and catch). Targets: a counter update on an existing series <= 50 ns; a logfmt line to /dev/null <= 1 us.
// Memory: the registry's bytes, empty and with 1000 series (glibc's mallinfo2: heap bytes in use, malloc's overhead
// included), as counters of BM_RegistryMemory.
//
//   build/bench/grit_observability_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <grit/log.hpp>
#include <grit/prometheus.hpp>

#include <malloc.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

// Heap bytes in use (glibc): what the registry really costs, malloc's own overhead included.
namespace {
std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}
}  // namespace

namespace {

struct HttpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --- context: what a failure costs anyway ----------------------------------------------------------------------

[[gnu::noinline]] void fail(int i) {
  if (i >= 0) throw HttpError("503 Service Unavailable");
}

void BM_ThrowCatch(benchmark::State& state) {
  int i = 0;
  for (auto _ : state) {
    try {
      fail(i++);
    } catch (const HttpError& e) {
      benchmark::DoNotOptimize(&e);
    }
  }
}
BENCHMARK(BM_ThrowCatch);

// --- Prometheus -------------------------------------------------------------------------------------------------

// A name the compiler cannot see through (a literal's hash would be folded at compile time).
std::string_view opaque(std::string_view name) {
  benchmark::DoNotOptimize(name);
  return name;
}

grit::prometheus::Registry& bench_registry() {
  static grit::prometheus::Registry registry;
  return registry;
}

// One counter, one label, existing series: grit_succeeded_after_retries_total{callable}.
void BM_PrometheusCounterUpdate(benchmark::State& state) {
  auto& registry = bench_registry();
  const std::string_view name = opaque("fetch_user");
  registry.count_success(name);
  for (auto _ : state) registry.count_success(name);
}
BENCHMARK(BM_PrometheusCounterUpdate);
// The same series from 2 threads at once: both add to one cache line.
BENCHMARK(BM_PrometheusCounterUpdate)->Threads(1)->Threads(2)->UseRealTime();

// What retry_scheduled updates: grit_retries_total{callable, error_type} and grit_retry_wait_seconds_total{callable}.
void BM_PrometheusCountRetry(benchmark::State& state) {
  auto& registry = bench_registry();
  const std::string_view name = opaque("fetch_user"), type = opaque("HttpError");
  for (auto _ : state) registry.count_retry(name, type, 250ms);
}
BENCHMARK(BM_PrometheusCountRetry);

// The whole sink event: the error type's name (cached per type) and both updates.
void BM_PrometheusSinkRetryScheduled(benchmark::State& state) {
  const grit::sink::Prometheus<> sink{bench_registry()};
  const HttpError e("503 Service Unavailable");
  const grit::RetryDetails details{"fetch_user", 1, 250ms, 0ms, grit::Cause::of_exception(e)};
  for (auto _ : state) sink.retry_scheduled(details);
}
BENCHMARK(BM_PrometheusSinkRetryScheduled);

// text() of a registry with 100 series per family.
void BM_PrometheusText100Series(benchmark::State& state) {
  grit::prometheus::Registry registry;
  for (int i = 0; i < 100; ++i) {
    const std::string name = "service.call_" + std::to_string(i);
    registry.count_retry(name, "HttpError", 250ms);
    registry.count_gave_up(name, "HttpError", grit::GiveUpReason::attempts);
    registry.count_success(name);
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    registry.write_text(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_PrometheusText100Series);

// Bytes allocated by an empty registry, and by one with 1000 series in grit_succeeded_after_retries_total (and,
// separately, 1000 callables through count_retry: 1000 series in each of two families). Names of 23 bytes (longer
// than the standard library's short-string buffer, so each series owns a heap string, as real names do).
void BM_RegistryMemory(benchmark::State& state) {
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "service.fetch_user_%04d", i);
    names.emplace_back(name);
  }
  std::size_t empty = 0, one_family = 0, two_families = 0;
  for (auto _ : state) {
    const std::size_t before = heap_in_use();
    auto* registry = new grit::prometheus::Registry;
    const std::size_t made = heap_in_use();
    for (const auto& name : names) registry->count_success(name);
    const std::size_t after_one = heap_in_use();
    for (const auto& name : names) registry->count_retry(name, "HttpError", 1ms);
    const std::size_t after_two = heap_in_use();
    empty = made - before;
    one_family = after_one - made;
    two_families = after_two - after_one;
    delete registry;
  }
  state.counters["empty_registry_bytes"] = static_cast<double>(empty);
  state.counters["1000_series_bytes"] = static_cast<double>(one_family);
  state.counters["1000_callables_retry_bytes"] = static_cast<double>(two_families);
  state.counters["total_bytes_3000_series"] = static_cast<double>(empty + one_family + two_families);
}
BENCHMARK(BM_RegistryMemory)->Iterations(1);

// --- logfmt -----------------------------------------------------------------------------------------------------

// Formatting alone: the line of a retry_scheduled (about 170 bytes).
void BM_LogfmtFormatLine(benchmark::State& state) {
  const HttpError e("503 Service Unavailable");
  const grit::RetryDetails details{"fetch_user", 1, 250ms, 0ms, grit::Cause::of_exception(e)};
  for (auto _ : state) {
    auto line = grit::log::line(details);
    benchmark::DoNotOptimize(line.data());
  }
  state.counters["line_bytes"] = static_cast<double>(grit::log::line(details).size());
}
BENCHMARK(BM_LogfmtFormatLine);

// The sink's whole event to /dev/null, unbuffered as stderr is: formatting plus one write(2) per line.
void BM_LogfmtLineToDevNull(benchmark::State& state) {
  std::FILE* null = std::fopen("/dev/null", "w");
  if (null == nullptr) {
    state.SkipWithError("cannot open /dev/null");
    return;
  }
  std::setvbuf(null, nullptr, _IONBF, 0);
  const grit::sink::Log<> sink{null};
  const HttpError e("503 Service Unavailable");
  const grit::RetryDetails details{"fetch_user", 1, 250ms, 0ms, grit::Cause::of_exception(e)};
  for (auto _ : state) sink.retry_scheduled(details);
  std::fclose(null);
}
BENCHMARK(BM_LogfmtLineToDevNull);

}  // namespace

BENCHMARK_MAIN();
