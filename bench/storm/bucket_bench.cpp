// grit::budget::TokenBucket under contention: one thread against two threads updating one bucket. Each iteration
// is one failed attempt (on_failure), one allows_retry() and ten successes (on_success): the mix of gRPC's example
// bucket at a 10 % failure rate. The bucket stays between its bounds, so every update is a compare-and-swap.
//
//   grit_bucket_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <grit/budget.hpp>

namespace {

grit::budget::TokenBucket& shared_bucket() {
  static grit::budget::TokenBucket bucket{{.max_tokens = 1000, .token_ratio = 0.1}};
  return bucket;
}

void Bucket_FailureAndTenSuccesses(benchmark::State& state) {
  grit::budget::TokenBucket& bucket = shared_bucket();
  if (state.thread_index() == 0) bucket.on_failure();  // not full: on_success always writes
  for (auto _ : state) {
    bucket.on_failure();
    benchmark::DoNotOptimize(bucket.allows_retry());
    for (int i = 0; i < 10; ++i) bucket.on_success();
  }
  state.SetItemsProcessed(state.iterations() * 12);  // bucket operations
}
BENCHMARK(Bucket_FailureAndTenSuccesses)->Threads(1)->Threads(2)->UseRealTime();

// A success on a full bucket: one load, no read-modify-write (what full() lets a caller skip, and on_success does).
void Bucket_SuccessWhenFull(benchmark::State& state) {
  static grit::budget::TokenBucket bucket{{.max_tokens = 10, .token_ratio = 0.1}};
  for (auto _ : state) bucket.on_success();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Bucket_SuccessWhenFull)->Threads(1)->Threads(2)->UseRealTime();

// The read a client makes before each retry.
void Bucket_AllowsRetry(benchmark::State& state) {
  grit::budget::TokenBucket& bucket = shared_bucket();
  for (auto _ : state) benchmark::DoNotOptimize(bucket.allows_retry());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Bucket_AllowsRetry)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
