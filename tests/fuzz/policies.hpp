// Every grit type the fuzz harness (harness.cpp) builds, in one place: the failure types, the counting sink, the
// run-time policies made from fuzzed values and the Retrying types they are composed into. When a policy's spelling
// changes, this header is the only one to migrate: harness.cpp sees only the names below.
#pragma once

#include <grit/grit.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace grit_fuzz {

using grit::nanoseconds;

// The failure the filter retries, and one it does not; each knows the attempt that threw it.
struct Transient : std::exception {
  std::uint64_t attempt;
  explicit Transient(std::uint64_t a) : attempt(a) {}
  const char* what() const noexcept override { return "transient"; }
};
struct Fatal : std::exception {
  std::uint64_t attempt;
  explicit Fatal(std::uint64_t a) : attempt(a) {}
  const char* what() const noexcept override { return "fatal"; }
};

using Clock = grit::testing::VirtualClock;

// What the counting sink heard; and how long it takes to hear each retry (time passing on the clock while a sink or
// hook runs, as a slow logger's would).
struct Events {
  const Clock* clock = nullptr;
  std::vector<nanoseconds> retry_sink_time;  // by retry_num - 1; past its end, no time
  struct Retry {
    std::uint64_t retry_num;
    nanoseconds wait_for;
    nanoseconds waited_so_far;
    const std::type_info* cause_type;
  };
  std::vector<Retry> retries;
  int give_ups = 0;
  grit::GiveUpDetails last_give_up{};
  const std::type_info* give_up_cause_type = nullptr;
  int successes = 0;
  grit::SuccessDetails last_success{};
};

// Counts every event, with what the harness checks of each.
class CountingSink : public grit::sink::Base {
 public:
  explicit CountingSink(Events* events) : events_(events) {}
  void retry_scheduled(const grit::RetryDetails& d) const {
    events_->retries.push_back({d.retry_num, d.wait_for, d.waited_so_far, d.caused_by.type()});
    if (d.retry_num - 1 < events_->retry_sink_time.size())
      events_->clock->advance(events_->retry_sink_time[d.retry_num - 1]);
  }
  void gave_up(const grit::GiveUpDetails& d) const {
    ++events_->give_ups;
    events_->last_give_up = d;
    events_->give_up_cause_type = d.caused_by.type();
  }
  void succeeded_after_retries(const grit::SuccessDetails& d) const {
    ++events_->successes;
    events_->last_success = d;
  }

 private:
  Events* events_;
};

using Filter = grit::RetryOn<Transient>;

// The policies, each held at run time.
using Attempts = grit::stop::Attempts<>;
using Timeout = grit::stop::Timeout<>;
using Exponential = grit::wait::Exponential<grit::runtime, grit::runtime, grit::runtime>;
using Fixed = grit::wait::Fixed<>;
using Linear = grit::wait::Linear<>;

// The jitters are plain types; the seed is a random policy of its own, random::Seeded<>{seed}.
using Random = grit::random::Seeded<>;
using NoJitter = grit::jitter::None;
using AdditiveJitter = grit::jitter::Additive<grit::runtime>;
using FullJitter = grit::jitter::Full;
using EqualJitter = grit::jitter::Equal;
using DecorrelatedJitter = grit::jitter::Decorrelated;

enum class JitterKind : std::uint8_t { none, additive, full, equal, decorrelated };
inline constexpr int jitter_kinds = 5;

// The jitter of a fuzz case, made from its kind, its Additive maximum and the random policy's seed. Throws
// std::invalid_argument as the policies do.
struct AnyJitter {
  std::variant<NoJitter, AdditiveJitter, FullJitter, EqualJitter, DecorrelatedJitter> jitter;
  Random random;
};
inline AnyJitter make_jitter(JitterKind kind, nanoseconds additive_max, std::uint64_t seed) {
  switch (kind) {
    case JitterKind::none:
      return {NoJitter{}, Random{seed}};
    case JitterKind::additive:
      return {AdditiveJitter{additive_max}, Random{seed}};
    case JitterKind::full:
      return {FullJitter{}, Random{seed}};
    case JitterKind::equal:
      return {EqualJitter{}, Random{seed}};
    case JitterKind::decorrelated:
      return {DecorrelatedJitter{}, Random{seed}};
  }
  return {NoJitter{}, Random{seed}};
}

using AnyWait = std::variant<Exponential, Fixed, Linear>;

// Composes the stops that are given (at least one), the wait and the jitter with the filter, the clock and the
// sink into one Retrying, and calls visit(retrying).
template <class Visit>
void with_retrying(const std::optional<Attempts>& attempts, const std::optional<Timeout>& timeout, const AnyWait& wait,
                   const AnyJitter& jitter, const Clock& clock, Events* events, Visit&& visit) {
  const Random& random = jitter.random;
  std::visit(
      [&](const auto& w, const auto& j) {
        using W = std::decay_t<decltype(w)>;
        using J = std::decay_t<decltype(j)>;
        const CountingSink sink{events};
        if (attempts && timeout) {
          const grit::Retrying<Filter, Attempts, Timeout, W, J, Random, Clock, CountingSink> retry{
              *attempts, *timeout, w, j, random, clock, sink};
          visit(retry);
        } else if (attempts) {
          const grit::Retrying<Filter, Attempts, W, J, Random, Clock, CountingSink> retry{*attempts, w,     j,
                                                                                          random,    clock, sink};
          visit(retry);
        } else {
          const grit::Retrying<Filter, Timeout, W, J, Random, Clock, CountingSink> retry{*timeout, w,     j,
                                                                                         random,   clock, sink};
          visit(retry);
        }
      },
      wait, jitter.jitter);
}

}  // namespace grit_fuzz
