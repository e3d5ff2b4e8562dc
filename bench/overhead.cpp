// grit's overhead, side by side in one run: for each case a direct call (no retry at all), the hand-written loop
// that does the same work, and grit. The cases and the hand loops are in cases.hpp; the function under test is in
// operations.cpp, out of every contender's sight.
//
// Defaults (each overridable on the command line): 9 repetitions (25 for the success cases) in random
// interleaving, 0.2 s per repetition, only the aggregates displayed. At the end a table of medians: case | direct |
// hand loop | grit | grit/hand.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "cases.hpp"

namespace {

using namespace bench;

// --- 1. success on the first attempt ------------------------------------------------------------------------------

void success_attempts_direct(benchmark::State& state) {
  for (auto _ : state) {
    int v = throwing_op();
    benchmark::DoNotOptimize(v);
  }
}
void success_attempts_hand(benchmark::State& state) {
  for (auto _ : state) {
    int v = hand_attempts();
    benchmark::DoNotOptimize(v);
  }
}
void success_attempts_grit(benchmark::State& state) {
  const AttemptsRetry retry;
  for (auto _ : state) {
    int v = retry([] { return throwing_op(); });
    benchmark::DoNotOptimize(v);
  }
}

void success_stamina_direct(benchmark::State& state) { success_attempts_direct(state); }
void success_stamina_hand(benchmark::State& state) {
  for (auto _ : state) {
    int v = hand_stamina();
    benchmark::DoNotOptimize(v);
  }
}
void success_stamina_grit(benchmark::State& state) {
  const StaminaRetry retry;
  for (auto _ : state) {
    int v = retry([] { return throwing_op(); });
    benchmark::DoNotOptimize(v);
  }
}

void success_expected_direct(benchmark::State& state) {
  for (auto _ : state) {
    Outcome v = returning_op();
    benchmark::DoNotOptimize(v);
  }
}
void success_expected_hand(benchmark::State& state) {
  for (auto _ : state) {
    Outcome v = hand_expected();
    benchmark::DoNotOptimize(v);
  }
}
void success_expected_grit(benchmark::State& state) {
  const ExpectedRetry retry;
  for (auto _ : state) {
    Outcome v = retry([] { return returning_op(); });
    benchmark::DoNotOptimize(v);
  }
}

// A success costs 0.4-0.8 ns, where one cycle is 2.5-5 % and the target is 2 %: these cases take 25 repetitions, so
// that the median's own scatter (cv 2-4 % per repetition) stays well under the target.
constexpr int success_repetitions = 25;
BENCHMARK(success_attempts_direct)->Name("success_attempts/direct")->Repetitions(success_repetitions);
BENCHMARK(success_attempts_hand)->Name("success_attempts/hand")->Repetitions(success_repetitions);
BENCHMARK(success_attempts_grit)->Name("success_attempts/grit")->Repetitions(success_repetitions);
BENCHMARK(success_stamina_direct)->Name("success_stamina/direct")->Repetitions(success_repetitions);
BENCHMARK(success_stamina_hand)->Name("success_stamina/hand")->Repetitions(success_repetitions);
BENCHMARK(success_stamina_grit)->Name("success_stamina/grit")->Repetitions(success_repetitions);
BENCHMARK(success_expected_direct)->Name("success_expected/direct")->Repetitions(success_repetitions);
BENCHMARK(success_expected_hand)->Name("success_expected/hand")->Repetitions(success_repetitions);
BENCHMARK(success_expected_grit)->Name("success_expected/grit")->Repetitions(success_repetitions);

// --- 2. k failures, then success, zero wait -------------------------------------------------------------------------
// "direct" is the k + 1 attempts alone, with no retry logic: the floor under both loops.

void thrown_direct(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  for (auto _ : state) {
    failures_left = k;
    int v = 0;
    for (int i = 0; i <= k; ++i) {
      try {
        v = throwing_op();
      } catch (const Transient&) {
      }
    }
    benchmark::DoNotOptimize(v);
  }
}
void thrown_hand(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  for (auto _ : state) {
    failures_left = k;
    int v = hand_zero_wait_throw();
    benchmark::DoNotOptimize(v);
  }
}
void thrown_grit(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const ZeroWaitThrowRetry retry;
  for (auto _ : state) {
    failures_left = k;
    int v = retry([] { return throwing_op(); });
    benchmark::DoNotOptimize(v);
  }
}

void returned_direct(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  for (auto _ : state) {
    failures_left = k;
    Outcome v = Outcome::failure(0);
    for (int i = 0; i <= k; ++i) v = returning_op();
    benchmark::DoNotOptimize(v);
  }
}
void returned_hand(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  for (auto _ : state) {
    failures_left = k;
    Outcome v = hand_zero_wait_value();
    benchmark::DoNotOptimize(v);
  }
}
void returned_grit(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const ZeroWaitValueRetry retry;
  for (auto _ : state) {
    failures_left = k;
    Outcome v = retry([] { return returning_op(); });
    benchmark::DoNotOptimize(v);
  }
}

constexpr int failure_counts[] = {0, 1, 3, 10};
void failure_args(benchmark::internal::Benchmark* b) {
  for (int k : failure_counts) b->Arg(k);
}
BENCHMARK(thrown_direct)->Name("thrown/direct")->Apply(failure_args);
BENCHMARK(thrown_hand)->Name("thrown/hand")->Apply(failure_args);
BENCHMARK(thrown_grit)->Name("thrown/grit")->Apply(failure_args);
BENCHMARK(returned_direct)->Name("returned/direct")->Apply(failure_args);
BENCHMARK(returned_hand)->Name("returned/hand")->Apply(failure_args);
BENCHMARK(returned_grit)->Name("returned/grit")->Apply(failure_args);

// --- 3. one jitter draw: 100 ms + U[0, 1 s] ----------------------------------------------------------------------
// direct: no jitter at all; hand: a thread-local std::mt19937_64 and std::uniform_real_distribution; grit:
// jitter::Additive<1s> drawing from the default random policy (random::ThreadLocal), as a schedule draws.

void jitter_direct(benchmark::State& state) {
  for (auto _ : state) {
    nanoseconds wait = 100ms;
    benchmark::DoNotOptimize(wait);
  }
}
void jitter_hand(benchmark::State& state) {
  for (auto _ : state) {
    nanoseconds wait = 100ms + hand_jitter();
    benchmark::DoNotOptimize(wait);
  }
}
void jitter_grit(benchmark::State& state) {
  const grit::jitter::Additive<1s> jitter;
  const grit::random::ThreadLocal random;
  auto random_state = random.start();
  auto draw = [&] { return random.next(random_state); };
  const grit::JitterInput input{1, 100ms, 100ms, 5s};
  for (auto _ : state) {
    nanoseconds wait = jitter.apply(100ms, input, draw);
    benchmark::DoNotOptimize(wait);
  }
}
BENCHMARK(jitter_direct)->Name("jitter/direct");
BENCHMARK(jitter_hand)->Name("jitter/hand");
BENCHMARK(jitter_grit)->Name("jitter/grit");

// --- 4. one Retrying shared by threads, success path -------------------------------------------------------------

const AttemptsRetry shared_retry;

void threads_direct(benchmark::State& state) {
  for (auto _ : state) {
    int v = throwing_op();
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
void threads_hand(benchmark::State& state) {
  for (auto _ : state) {
    int v = hand_attempts();
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
void threads_grit(benchmark::State& state) {
  for (auto _ : state) {
    int v = shared_retry([] { return throwing_op(); });
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(threads_direct)->Name("threads/direct")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(threads_hand)->Name("threads/hand")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(threads_grit)->Name("threads/grit")->Threads(1)->Threads(2)->UseRealTime();

// --- the table ----------------------------------------------------------------------------------------------------

// Collects the medians while the console reporter prints as usual; prints the table at the end.
class TableReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Aggregate || run.aggregate_name != "median" || run.error_occurred) continue;
      const std::string& name = run.run_name.function_name;  // "<case>/<contender>"
      const auto slash = name.rfind('/');
      Key key{name.substr(0, slash), run.run_name.args, run.run_name.threads};
      Cell& cell = cells_[key];
      const std::string contender = name.substr(slash + 1);
      const auto rate = run.counters.find("items_per_second");
      // One thread: CPU time, which leaves out the time this process was not running (the machine is shared).
      // Threads: the throughput over wall-clock time (UseRealTime), summed over the threads.
      const double value = rate != run.counters.end() ? double(rate->second) : run.GetAdjustedCPUTime();
      (contender == "direct" ? cell.direct : contender == "hand" ? cell.hand : cell.grit) = value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::FILE* out = stdout;
    std::fflush(out);
    std::fprintf(out, "\ngrit overhead: medians of the repetitions above (compiler: %s)\n", __VERSION__);
    rule(out);
    std::fprintf(out, "%-44s %12s %12s %12s %10s   %s\n", "case", "direct", "hand loop", "grit", "grit/hand", "target");
    rule(out);
    row(out, "success: attempts only (RetryOn, Attempts<3>)", find("success_attempts"), "<= 1.02");
    row(out, "success: stamina defaults (+ Timeout<45s>)", find("success_stamina"), "<= 1.02");
    row(out, "success: returned value (RetryOnError)", find("success_expected"), "<= 1.02");
    for (int k : failure_counts) row(out, "thrown, zero wait: " + failures(k), find("thrown", k), "");
    per_attempt(out, "thrown");
    for (int k : failure_counts) row(out, "returned, zero wait: " + failures(k), find("returned", k), "");
    per_attempt(out, "returned");
    const Cell* jitter = find("jitter");
    row(out, "one jitter draw (none | mt19937_64+urd | grit)", jitter, "< 1 and grit <= 5 ns");
    threads(out);
    rule(out);
    std::fprintf(out,
                 "times: median CPU ns per call; \"thrown\"/\"returned\" direct = the k+1 attempts with no retry "
                 "logic; threads: median wall-clock throughput\n");
  }

 private:
  struct Key {
    std::string name, args, threads;
    bool operator<(const Key& o) const { return std::tie(name, args, threads) < std::tie(o.name, o.args, o.threads); }
  };
  struct Cell {
    double direct = -1, hand = -1, grit = -1;
  };

  const Cell* find(const std::string& name, int k = -1, int threads = 1) const {
    const auto it = cells_.find(Key{name, k < 0 ? "" : std::to_string(k), threads > 1 ? "threads:2" : "threads:1"});
    if (it != cells_.end()) return &it->second;
    if (threads == 1) {  // a benchmark without ->Threads() has no "threads:" part
      const auto plain = cells_.find(Key{name, k < 0 ? "" : std::to_string(k), ""});
      if (plain != cells_.end()) return &plain->second;
    }
    return nullptr;
  }

  static std::string failures(int k) { return k == 0 ? "k=0 (success)" : "k=" + std::to_string(k) + " failures"; }
  static void rule(std::FILE* out) { std::fprintf(out, "%s\n", std::string(120, '-').c_str()); }
  static std::string ns(double v) {
    if (v < 0) return "-";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, v < 100 ? "%.2f" : v < 10000 ? "%.1f" : "%.0f", v);
    return buffer;
  }
  static std::string verdict(double ratio, std::string_view target) {
    if (target.empty() || ratio < 0) return std::string(target);
    if (target.front() == '(') {  // informative: the target's verdict, in parentheses
      std::string inner = verdict(ratio, target.substr(1, target.size() - 2));
      inner.insert(inner.begin(), '(');
      inner.push_back(')');
      return inner;
    }
    const bool le = target.substr(0, 2) == "<=";
    const double bound = std::stod(std::string(target.substr(le ? 2 : 1)));
    const bool met = le ? ratio <= bound : ratio < bound;
    return std::string(target) + (met ? "  met" : "  MISSED");
  }

  void row(std::FILE* out, const std::string& label, const Cell* cell, std::string_view target) const {
    if (!cell) return;
    const double ratio = cell->hand > 0 && cell->grit > 0 ? cell->grit / cell->hand : -1;
    std::string status = verdict(ratio, target);
    if (target.find("5 ns") != std::string_view::npos && ratio >= 0)
      status = std::string(target) + (ratio < 1 && cell->grit <= 5 ? "  met" : "  MISSED");
    std::fprintf(out, "%-44s %12s %12s %12s %10s   %s\n", label.c_str(), ns(cell->direct).c_str(),
                 ns(cell->hand).c_str(), ns(cell->grit).c_str(), ratio < 0 ? "-" : ns(ratio).c_str(), status.c_str());
  }

  // (t(10) - t(0)) / 10: a failed attempt's cost, averaged over a call with 10 of them (the first failure's one-time
  // cost of entering the retry loop included); and (t(10) - t(1)) / 9: the marginal cost of one more failed attempt.
  void per_attempt(std::FILE* out, const std::string& name) const {
    const Cell* zero = find(name, 0);
    const Cell* one = find(name, 1);
    const int k = failure_counts[std::size(failure_counts) - 1];
    const Cell* many = find(name, k);
    if (!zero || !one || !many) return;
    const auto slope = [&](const Cell* from, int from_k) {
      const auto per = [&](double Cell::*m) { return (many->*m - from->*m) / (k - from_k); };
      return Cell{per(&Cell::direct), per(&Cell::hand), per(&Cell::grit)};
    };
    const Cell average = slope(zero, 0), marginal = slope(one, 1);
    row(out, "  per failed attempt, (t(k=10) - t(0)) / 10", &average, name == "returned" ? "<= 1.10" : "");
    row(out, "  one more failed attempt, (t(10) - t(1)) / 9", &marginal, name == "returned" ? "(<= 1.10)" : "");
  }

  void threads(std::FILE* out) const {
    const Cell* one = find("threads", -1, 1);
    const Cell* two = find("threads", -1, 2);
    if (!one || !two) return;
    const auto millions = [](double v) { return v / 1e6; };
    Cell a{millions(one->direct), millions(one->hand), millions(one->grit)};
    Cell b{millions(two->direct), millions(two->hand), millions(two->grit)};
    const auto show = [&](const char* label, const Cell& c) {
      std::fprintf(out, "%-44s %12s %12s %12s %10s   %s\n", label, ns(c.direct).c_str(), ns(c.hand).c_str(),
                   ns(c.grit).c_str(), ns(c.hand > 0 ? c.grit / c.hand : -1).c_str(), "(M calls/s, higher is better)");
    };
    show("shared Retrying, success: 1 thread", a);
    show("shared Retrying, success: 2 threads", b);
    const auto scale = [](double x, double y) { return x > 0 && y > 0 ? y / x : -1; };
    const double grit_scaling = scale(a.grit, b.grit);
    std::fprintf(out, "%-44s %12s %12s %12s %10s   %s\n", "  2 threads / 1 thread (throughput)",
                 ns(scale(a.direct, b.direct)).c_str(), ns(scale(a.hand, b.hand)).c_str(), ns(grit_scaling).c_str(),
                 "-", (std::string("grit >= 1.8") + (grit_scaling >= 1.8 ? "  met" : "  MISSED")).c_str());
  }

  std::map<Key, Cell> cells_;
};

bool has_flag(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]).substr(0, flag.size()) == flag) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // The defaults this comparison needs, unless given on the command line.
  std::vector<char*> args(argv, argv + argc);
  std::string defaults[] = {"--benchmark_repetitions=9", "--benchmark_enable_random_interleaving=true",
                            "--benchmark_min_time=0.2", "--benchmark_display_aggregates_only=true"};
  for (std::string& d : defaults)
    if (!has_flag(argc, argv, d.substr(0, d.find('=')))) args.push_back(d.data());
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  TableReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
