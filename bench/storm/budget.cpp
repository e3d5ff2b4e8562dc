// grit_storm_budget: what a retry budget does to the load on a failing server, in the setup of Brooker's "Fixing
// retries with token buckets and circuit breakers" (2022): 100 independent clients, a server whose failure rate is
// swept from 0 to 100 %, and the load amplification (server calls per logical request) with plain retries and with
// a token bucket per client (grit::budget::TokenBucket{{.max_tokens = 10, .token_ratio = 0.1}}, gRPC's example).
//
// The model (the post gives charts, not its code; this is our reading of it, in virtual time):
//   - each of 100 clients sends logical requests as a Poisson process, 10 per second (1000/s in all), for
//     --seconds of virtual time (default 60);
//   - a request is retried by a grit::Schedule driven by hand: 4 attempts at most (Brooker's "N retries" with
//     N = 3), exponential backoff from 10 ms (cap 1 s) with full jitter, seeded per request (algorithms.hpp);
//   - every attempt is a server call, one network hop |N(10 ms, 2 ms)| each way;
//   - the server fails a call with probability min(1, rate * max(1, load)), load being the calls it received in
//     the last second over the 1000 per second of first attempts: so the swept rate is the failure rate at the
//     offered load, and retries that add load add failures (the retry storm);
//   - with the budget, the client tells its bucket of every failed attempt (on_failure) and success (on_success,
//     skipped when full), and retries only if the schedule says retry AND bucket.allows_retry(); a throttled
//     request gives up at once.
//
//   grit_storm_budget [--seconds S] [--rates 0,5,...] [--seed N] [--out DIR] [--check]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <grit/budget.hpp>

#include "algorithms.hpp"
#include "cli.hpp"
#include "events.hpp"
#include "random.hpp"
#include "svg.hpp"

namespace {

constexpr int clients = 100;
constexpr double requests_per_client_per_s = 10;
constexpr std::int64_t window_ns = 1'000'000'000;
constexpr double offered_per_window = clients * requests_per_client_per_s;  // first attempts per second

struct Result {
  std::uint64_t requests = 0;   // logical requests
  std::uint64_t calls = 0;      // server calls (attempts) made for them
  std::uint64_t succeeded = 0;  // requests that ended in success
  std::uint64_t throttled = 0;  // retries the budget refused
  double amplification() const { return requests ? static_cast<double>(calls) / requests : 0; }
  double success_rate() const { return requests ? static_cast<double>(succeeded) / requests : 0; }
};

class BudgetSimulation {
 public:
  using retry_type = storm::BudgetClient::retry_type;
  using schedule_type = decltype(std::declval<const retry_type&>().schedule());

  Result run(double rate, bool budget, double seconds, std::uint64_t seed) {
    const auto end_ns = static_cast<std::int64_t>(seconds * 1e9);
    storm::Net net(storm::derive_seed(seed, 0), 10.0, 2.0);
    storm::Rng arrivals(storm::derive_seed(seed, 1));
    storm::Rng server(storm::derive_seed(seed, 2));
    std::vector<std::optional<grit::budget::TokenBucket>> buckets(clients);
    if (budget)
      for (auto& b : buckets) b.emplace(grit::budget::TokenBucket::Settings{.max_tokens = 10, .token_ratio = 0.1});

    storm::EventQueue<Message> queue;
    std::deque<std::int64_t> window;  // the times of the server's calls in the last second
    Result result;
    const auto next_arrival = [&] {
      return static_cast<std::int64_t>(-std::log(1.0 - arrivals.uniform01()) / requests_per_client_per_s * 1e9);
    };
    for (std::uint32_t c = 0; c < clients; ++c) queue.push(next_arrival(), {Kind::arrival, c, 0, false});

    while (!queue.empty()) {
      const auto e = queue.pop();
      const Message& m = e.payload;
      switch (m.kind) {
        case Kind::arrival: {  // a new logical request: its first attempt leaves now
          if (e.time >= end_ns) break;
          const std::uint32_t slot = start_request(storm::derive_seed(seed, 1'000 + result.requests));
          ++result.requests;
          queue.push(e.time + net.delay_ns(), {Kind::at_server, m.client, slot, false});
          queue.push(e.time + next_arrival(), {Kind::arrival, m.client, 0, false});
          break;
        }
        case Kind::at_server: {
          ++result.calls;
          window.push_back(e.time);
          while (window.front() <= e.time - window_ns) window.pop_front();
          // Never below the offered load: the swept rate holds from the first call on, and only more load raises it.
          const double load = std::max(1.0, static_cast<double>(window.size()) / offered_per_window);
          const bool ok = server.uniform01() >= std::min(1.0, rate * load);
          queue.push(e.time + net.delay_ns(), {Kind::reply, m.client, m.request, ok});
          break;
        }
        case Kind::reply: {
          Request& r = requests_[m.request];
          auto& bucket = buckets[m.client];
          if (m.ok) {
            if (bucket && !bucket->full()) bucket->on_success();
            ++result.succeeded;
            finish_request(m.request);
            break;
          }
          if (bucket) bucket->on_failure();
          const grit::Decision d = r.schedule->on_result(storm::CallReply{false});
          bool retry = d.retries();
          if (retry && bucket && !bucket->allows_retry()) {
            retry = false;
            ++result.throttled;
          }
          if (retry)  // the next attempt leaves after the wait and travels one hop
            queue.push(e.time + d.wait().count() + net.delay_ns(), {Kind::at_server, m.client, m.request, false});
          else
            finish_request(m.request);
          break;
        }
      }
    }
    return result;
  }

 private:
  enum class Kind : std::uint8_t { arrival, at_server, reply };
  struct Message {
    Kind kind;
    std::uint32_t client;
    std::uint32_t request;  // the slot of the request in flight
    bool ok;                // the reply: success or failure
  };
  // A request in flight: its Retrying (own seed) and the schedule that refers to it. Slots are reused, in a deque
  // so that their addresses never change.
  struct Request {
    std::optional<retry_type> retry;
    std::optional<schedule_type> schedule;
  };

  std::uint32_t start_request(std::uint64_t seed) {
    std::uint32_t slot = 0;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(requests_.size());
      requests_.emplace_back();
    }
    Request& r = requests_[slot];
    r.retry.emplace(storm::BudgetClient::make(seed));
    r.schedule.emplace(r.retry->schedule());
    return slot;
  }
  void finish_request(std::uint32_t slot) {
    requests_[slot].schedule.reset();
    requests_[slot].retry.reset();
    free_.push_back(slot);
  }

  std::deque<Request> requests_;
  std::vector<std::uint32_t> free_;
};

struct Options {
  double seconds = 60;
  std::vector<int> rates;  // percent
  std::uint64_t seed = 2022;
  std::string out_dir;
  bool check = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "grit_storm_budget: %s\nusage: grit_storm_budget [--seconds S] [--rates 0,5,...] [--seed N] "
               "[--out DIR] [--check]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value");
      return argv[++i];
    };
    if (a == "--seconds") {
      o.seconds = std::atof(value().c_str());
    } else if (a == "--rates") {
      o.rates = storm::int_list(value(), 0, 100, [] { usage("rates are percentages, 0..100"); });
    } else if (a == "--seed") {
      o.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--out") {
      o.out_dir = value();
    } else if (a == "--check") {
      o.check = true;
    } else {
      usage("unknown argument");
    }
  }
  if (!(o.seconds > 0)) usage("--seconds must be positive");
  if (o.rates.empty())
    for (int r = 0; r <= 100; r += 5) o.rates.push_back(r);
  return o;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "grit_storm_budget: cannot write %s\n", path.c_str());
    std::exit(1);
  }
  f << text;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto start = std::chrono::steady_clock::now();

  struct Row {
    int rate;
    Result plain, budget;
  };
  std::vector<Row> rows;
  BudgetSimulation sim;
  for (int rate : o.rates) {
    // The same seed with and without the budget: the same arrivals, the same first network delays.
    const std::uint64_t seed = storm::derive_seed(o.seed, static_cast<std::uint64_t>(rate));
    rows.push_back({rate, sim.run(rate / 100.0, false, o.seconds, seed), sim.run(rate / 100.0, true, o.seconds, seed)});
  }
  std::fprintf(stderr, "grit_storm_budget: %zu rates x 2 x %.0f s of virtual time in %.2f s\n", o.rates.size(),
               o.seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  char buf[256];
  std::string table =
      "| failure rate | requests | calls/request, no budget | calls/request, TokenBucket{10, 0.1} | success, no "
      "budget | success, budget | retries refused |\n|---:|---:|---:|---:|---:|---:|---:|\n";
  std::string csv =
      "failure_rate,requests,calls_no_budget,calls_budget,amplification_no_budget,amplification_budget,"
      "success_no_budget,success_budget,throttled\n";
  for (const Row& r : rows) {
    std::snprintf(buf, sizeof buf, "| %d %% | %llu | %.3f | %.3f | %.1f %% | %.1f %% | %llu |\n", r.rate,
                  static_cast<unsigned long long>(r.plain.requests), r.plain.amplification(), r.budget.amplification(),
                  100 * r.plain.success_rate(), 100 * r.budget.success_rate(),
                  static_cast<unsigned long long>(r.budget.throttled));
    table += buf;
    std::snprintf(buf, sizeof buf, "%.2f,%llu,%llu,%llu,%.4f,%.4f,%.4f,%.4f,%llu\n", r.rate / 100.0,
                  static_cast<unsigned long long>(r.plain.requests), static_cast<unsigned long long>(r.plain.calls),
                  static_cast<unsigned long long>(r.budget.calls), r.plain.amplification(), r.budget.amplification(),
                  r.plain.success_rate(), r.budget.success_rate(), static_cast<unsigned long long>(r.budget.throttled));
    csv += buf;
  }
  std::fputs(table.c_str(), stdout);

  if (!o.out_dir.empty()) {
    storm::svg::Panel amp{
        "Load amplification", "failure rate at the offered load (%)", "server calls per request", {}, 1.0};
    storm::svg::Panel success{"Requests that succeed", "failure rate at the offered load (%)", "success (%)", {}, 0};
    storm::svg::Series ap{"4 attempts, no budget", {}, false}, ab{"4 attempts, TokenBucket{10, 0.1}", {}, false};
    storm::svg::Series sp{"4 attempts, no budget", {}, false}, sb{"4 attempts, TokenBucket{10, 0.1}", {}, false};
    for (const Row& r : rows) {
      ap.points.emplace_back(r.rate, r.plain.amplification());
      ab.points.emplace_back(r.rate, r.budget.amplification());
      sp.points.emplace_back(r.rate, 100 * r.plain.success_rate());
      sb.points.emplace_back(r.rate, 100 * r.budget.success_rate());
    }
    amp.series = {ap, ab};
    success.series = {sp, sb};
    write_file(o.out_dir + "/budget.csv", csv);
    write_file(o.out_dir + "/budget.svg",
               storm::svg::chart("100 clients, failure rate rising with load: retries with and without a budget",
                                 {amp, success}));
  }

  if (!o.check) return 0;
  int failed = 0;
  std::string report;
  const auto expect = [&](bool ok, const std::string& what) {
    report += (ok ? "  ok    " : "  FAIL  ") + what + "\n";
    if (!ok) ++failed;
  };
  for (const Row& r : rows) {
    if (r.rate > 10) {
      std::snprintf(buf, sizeof buf, "at %d %%: amplification with the budget %.3f <= 1.1", r.rate,
                    r.budget.amplification());
      expect(r.budget.amplification() <= 1.1, buf);
    }
    if (r.rate == 0) {
      std::snprintf(buf, sizeof buf, "at 0 %%: one call per request, both ways (%.3f, %.3f)", r.plain.amplification(),
                    r.budget.amplification());
      expect(r.plain.calls == r.plain.requests && r.budget.calls == r.budget.requests, buf);
    }
    if (r.rate == 100) {
      std::snprintf(buf, sizeof buf, "at 100 %%: the attempt count without the budget (%.3f == 4)",
                    r.plain.amplification());
      expect(r.plain.calls == 4 * r.plain.requests, buf);
    }
    if (r.rate >= 50 && r.rate < 100) {
      std::snprintf(buf, sizeof buf, "at %d %%: without the budget, near the attempt count (%.3f >= 3.5)", r.rate,
                    r.plain.amplification());
      expect(r.plain.amplification() >= 3.5, buf);
    }
  }
  std::printf("\nchecks:\n%s%s\n", report.c_str(), failed ? "FAILED" : "all hold");
  return failed ? 1 : 0;
}
