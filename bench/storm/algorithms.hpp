// The retry policies of the storm simulations, as grit::Retrying types: every Retrying alias and construction of
// bench/storm is here and nowhere else, so that a change of grit's spelling is made in this one file.
//
// The backoffs of awslabs/aws-arch-backoff-simulator (src/backoff_simulator.py: base 5 ms, cap 2000 ms, attempt n
// counted from 1 at the first failed write):
//
//   simulator     formula                                   grit
//   None          0                                         wait::None, jitter::None
//   Exponential   min(cap, base * 2^n)                      wait::Exponential<10ms, 2s>, jitter::None
//   FullJitter    U(0, min(cap, base * 2^n))                wait::Exponential<10ms, 2s>, jitter::Full
//   EqualJitter   v/2 + U(0, v/2), v = min(cap, base * 2^n) wait::Exponential<10ms, 2s>, jitter::Equal
//   Decorr        sleep = min(cap, U(base, 3 * sleep)),     wait::Exponential<5ms, 2s>, jitter::Decorrelated
//                 sleep starting at base                    (U[initial, 3 max(previous, initial)], capped)
//
// grit's Initial * 2^(n-1) with Initial = 10 ms is the simulator's 5 * 2^n; its Decorrelated draws from the
// wait policy's initial() (5 ms) to three times the previous capped wait, as the simulator does. No attempt limit:
// the simulator retries until the write succeeds.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include <grit/filter.hpp>
#include <grit/jitter.hpp>
#include <grit/random.hpp>
#include <grit/retrying.hpp>
#include <grit/schedule.hpp>
#include <grit/sink.hpp>
#include <grit/stop.hpp>
#include <grit/wait.hpp>

namespace storm {

using namespace std::chrono_literals;

// A write's reply as the client sees it: retried while it says the write failed.
struct WriteReply {
  bool ok;
};
struct WriteFailed {
  bool operator()(const WriteReply& r) const noexcept { return !r.ok; }
};

// The random policy of one client's jitter: each Retrying gets its own seed, and each schedule replays from it.
using Random = grit::random::Seeded<>;
// Seeds are kept to 63 bits: the first grit (jitter::SeededEngine<>) saturated every seed >= 2^63 to INT64_MAX, and
// the committed outputs (docs/storm) were made with these seeds. random::Seeded<> keeps all 64 bits.
inline Random random_of(std::uint64_t seed) { return Random{seed >> 1}; }

template <class Wait, class Jitter>
using OccRetry =
    grit::Retrying<grit::RetryOnResult<WriteFailed>, grit::stop::Never, Wait, Jitter, Random, grit::sink::None>;

// One algorithm of the simulator: its name (the simulator's, in its CSV), its Retrying type, and how one client's
// Retrying is made from that client's seed.
struct NoBackoff {
  static constexpr std::string_view name = "None";
  using retry_type = OccRetry<grit::wait::None, grit::jitter::None>;
  static retry_type make(std::uint64_t) { return retry_type{Random{0}}; }
};
struct Exponential {
  static constexpr std::string_view name = "Exponential";
  using retry_type = OccRetry<grit::wait::Exponential<10ms, 2s>, grit::jitter::None>;
  static retry_type make(std::uint64_t) { return retry_type{Random{0}}; }
};
struct FullJitter {
  static constexpr std::string_view name = "FullJitter";
  using jitter_type = grit::jitter::Full;
  using retry_type = OccRetry<grit::wait::Exponential<10ms, 2s>, jitter_type>;
  static retry_type make(std::uint64_t seed) { return retry_type{random_of(seed)}; }
};
struct EqualJitter {
  static constexpr std::string_view name = "EqualJitter";
  using jitter_type = grit::jitter::Equal;
  using retry_type = OccRetry<grit::wait::Exponential<10ms, 2s>, jitter_type>;
  static retry_type make(std::uint64_t seed) { return retry_type{random_of(seed)}; }
};
struct Decorrelated {
  static constexpr std::string_view name = "Decorr";
  using jitter_type = grit::jitter::Decorrelated;
  using retry_type = OccRetry<grit::wait::Exponential<5ms, 2s>, jitter_type>;
  static retry_type make(std::uint64_t seed) { return retry_type{random_of(seed)}; }
};

// The simulator's order of algorithms (its backoff_types), so that the CSVs line up.
inline constexpr std::array<std::string_view, 5> algorithm_names = {
    Exponential::name, Decorrelated::name, EqualJitter::name, FullJitter::name, NoBackoff::name};

// Calls f.template operator()<Algorithm>() for each algorithm, in the simulator's order.
template <class F>
void for_each_algorithm(F&& f) {
  f.template operator()<Exponential>();
  f.template operator()<Decorrelated>();
  f.template operator()<EqualJitter>();
  f.template operator()<FullJitter>();
  f.template operator()<NoBackoff>();
}

// --- the budget experiment (budget.cpp) -------------------------------------------------------------------------

// A call's reply: failed or not.
struct CallReply {
  bool ok;
};
struct CallFailed {
  bool operator()(const CallReply& r) const noexcept { return !r.ok; }
};

// Brooker's "N retries" client: 3 retries (4 attempts), exponential backoff from 10 ms with full jitter. Whether a
// budget lets a retry happen is asked by hand, beside the schedule (grit has no budget policy yet).
struct BudgetClient {
  using jitter_type = grit::jitter::Full;
  using retry_type = grit::Retrying<grit::RetryOnResult<CallFailed>, grit::stop::Attempts<4>,
                                    grit::wait::Exponential<10ms, 1s>, jitter_type, Random, grit::sink::None>;
  static retry_type make(std::uint64_t seed) { return retry_type{random_of(seed)}; }
};

}  // namespace storm
