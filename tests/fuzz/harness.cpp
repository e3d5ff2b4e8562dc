// The fuzz harness: one fuzz case is a set of run-time policies made from fuzzed bytes and a failure script (which
// attempts throw a retried or a non-retried failure or succeed, and how long each takes on the virtual clock). The
// case is run through a real grit::Retrying (tests/fuzz/policies.hpp) and what happened is checked against a model
// of the documented rules written here from README.md and architecture.md ("Semantics"), not from grit's code:
//   - a run-time value is rejected (std::invalid_argument naming the parameter) exactly when it is out of range;
//   - attempts are numbered from 1 and retry_num is continuous; no more attempts than the limit;
//   - the wait after failed attempt n is min(Max, jitter(delay(n))), within the jitter's bounds, never above Max;
//   - no wait ends after a Timeout's deadline, and no retry is scheduled once it has passed;
//   - a non-retried failure reaches the caller at once, unchanged, with no wait and no retry event;
//   - on giving up, the caller gets the same exception object the last attempt threw; the sinks hear gave_up with
//     the attempts made, the time waited and the reason; a success after retries is reported as one;
//   - nothing sleeps but the waits: each attempt starts exactly when the previous wait ended.
// A violation prints the case and aborts (libFuzzer keeps the input; the replay test fails).
#include "harness.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "policies.hpp"

namespace grit_fuzz {
namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;
__extension__ using i128 = __int128;
constexpr i64 i64_max = std::numeric_limits<i64>::max();
constexpr i64 i64_min = std::numeric_limits<i64>::min();

// Reads the fuzzed bytes front to back; past the end every read is 0.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t u8() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16()) | (static_cast<std::uint32_t>(u16()) << 16); }
  u64 u64v() { return static_cast<u64>(u32()) | (static_cast<u64>(u32()) << 32); }
  bool empty() const { return size_ == 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
};

// Saturating integer arithmetic of the model's own (not grit's helpers).
i64 add_sat(i64 a, i64 b) {
  const i128 s = static_cast<i128>(a) + b;
  return s > i64_max ? i64_max : s < i64_min ? i64_min : static_cast<i64>(s);
}
i64 mul_sat(i64 a, i64 k) {
  const i128 s = static_cast<i128>(a) * k;
  return s > i64_max ? i64_max : s < i64_min ? i64_min : static_cast<i64>(s);
}

// A duration in nanoseconds, from a spread of magnitudes: zero, nanoseconds, microseconds to seconds, hours, the
// edge of the range, negative, anything.
i64 fuzzed_ns(Bytes& in) {
  switch (in.u8() % 8) {
    case 0:
      return 0;
    case 1:
      return in.u8();
    case 2:
      return i64{in.u16()} * 1'000;
    case 3:
      return i64{in.u16()} * 1'000'000;
    case 4:
      return i64{in.u32()} * 1'000'000;
    case 5:
      return i64_max - in.u16();
    case 6:
      return -i64{in.u16()};
    default:
      return static_cast<i64>(in.u64v());
  }
}

double fuzzed_base(Bytes& in) {
  switch (in.u8() % 8) {
    case 0:
      return 1.0;
    case 1:
      return 2.0;
    case 2:
      return 1.0 + in.u8();
    case 3:
      return 1.0 + in.u16() / 65536.0;
    case 4:
      return 1e30;
    case 5:
      return std::numeric_limits<double>::infinity();
    case 6:
      return std::numeric_limits<double>::quiet_NaN();
    default:
      return std::bit_cast<double>(in.u64v());
  }
}

// The whole case, for the report of a violation.
struct Case {
  std::string text;
  void add(const std::string& s) { text += s + "\n"; }
};
Case* current = nullptr;

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "grit fuzz: VIOLATION: %s\n--- case ---\n%s", what.c_str(),
               current ? current->text.c_str() : "");
  std::fflush(stderr);
  std::abort();
}
void check(bool ok, const std::string& what) {
  if (!ok) violation(what);
}
std::string ns(i64 v) { return std::to_string(v) + "ns"; }

// Builds one policy with the constructor that may reject its value; checks that it is rejected exactly when the
// model says the value is out of range, and that the message names the parameter.
template <class Make>
auto make_checked(const char* policy, const char* parameter, bool model_valid, Make make)
    -> std::optional<decltype(make())> {
  try {
    auto p = make();
    check(model_valid, std::string(policy) + ": an invalid " + parameter + " was accepted");
    return p;
  } catch (const std::invalid_argument& e) {
    check(!model_valid, std::string(policy) + ": a valid " + parameter + " was rejected: " + e.what());
    const bool names_it = std::strstr(e.what(), (std::string(": ") + parameter + " ").c_str()) != nullptr;
    check(names_it, std::string(policy) + ": the message does not name " + parameter + ": " + e.what());
    return std::nullopt;
  }
}

// The model's wait before jitter: Exponential's Initial * Base^(n-1), Linear's Initial + Step * (n-1), Fixed's D,
// each capped at Max. A fractional base is a real power: the bounds leave room for rounding.
struct DelayModel {
  enum Kind { exponential, fixed, linear } kind{};
  i64 initial = 0, step = 0, max = 0;
  double base = 1;

  // [lo, hi] for the delay after failed attempt n.
  std::pair<i64, i64> delay(u64 n) const {
    if (kind == fixed) return {initial, initial};
    if (kind == linear) {
      const i128 v = static_cast<i128>(initial) + static_cast<i128>(step) * static_cast<i128>(n - 1);
      const i64 d = v >= max ? max : static_cast<i64>(v);
      return {d, d};
    }
    if (n == 1 || initial == 0 || base == 1.0) return {initial, initial};
    if (base == std::floor(base) && base < 1e6) {
      i128 v = initial;
      const auto b = static_cast<i128>(base);
      for (u64 k = 1; k < n && v < max; ++k) v *= b;
      const i64 d = v >= max ? max : static_cast<i64>(v);
      return {d, d};
    }
    const long double v =
        static_cast<long double>(initial) * std::pow(static_cast<long double>(base), static_cast<long double>(n - 1));
    const long double lo = v * (1 - 1e-9L) - 1, hi = v * (1 + 1e-9L) + 1;
    const auto cap = [&](long double x) { return x >= static_cast<long double>(max) ? max : static_cast<i64>(x); };
    return {cap(lo), cap(hi)};
  }
};

// [lo, hi] for a jittered wait, before the cap.
std::pair<i64, i64> jitter_bounds(JitterKind kind, std::pair<i64, i64> d, i64 additive_max, i64 initial, i64 previous) {
  switch (kind) {
    case JitterKind::none:
      return d;
    case JitterKind::additive:
      return {d.first, add_sat(d.second, additive_max)};
    case JitterKind::full:
      return {0, d.second};
    case JitterKind::equal:
      return {d.first / 2, d.second};
    case JitterKind::decorrelated:
      return {initial, std::max(initial, mul_sat(std::max(previous, initial), 3))};
  }
  return d;
}

enum class Outcome : std::uint8_t { transient, fatal, success };
struct Step {
  Outcome outcome;
  i64 duration;   // how long the attempt takes on the virtual clock, >= 0
  i64 sink_time;  // how long the sink takes to hear the retry after it (if there is one), >= 0
};

}  // namespace

int run_one(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  Case the_case;
  current = &the_case;

  // --- the policies -------------------------------------------------------------------------------------------
  const std::uint8_t shape = in.u8();
  const int stops = shape % 3;  // 0: Attempts and Timeout, 1: Attempts, 2: Timeout
  const auto wait_kind = static_cast<DelayModel::Kind>((shape / 3) % 3);
  const auto jitter_kind = static_cast<JitterKind>((shape / 9) % jitter_kinds);
  the_case.add("stops " + std::to_string(stops) + " wait " + std::to_string(wait_kind) + " jitter " +
               std::to_string(static_cast<int>(jitter_kind)));

  std::optional<Attempts> attempts;
  u64 limit = 0;
  if (stops != 2) {
    i64 n = 0;
    switch (in.u8() % 4) {
      case 0:
        n = in.u8();
        break;
      case 1:
        n = 1 + in.u8() % 8;
        break;
      case 2:
        n = static_cast<i64>(in.u64v());
        break;
      default:
        n = i64_max;
    }
    the_case.add("attempts " + std::to_string(n));
    attempts = make_checked("Attempts", "attempts", n >= 1, [&] { return Attempts{n}; });
    if (!attempts) return 0;
    limit = static_cast<u64>(n);
    check(attempts->attempt_limit() == limit, "Attempts: attempt_limit() is not the value given");
  }

  std::optional<Timeout> timeout;
  i64 deadline = 0;
  if (stops != 1) {
    if (in.u8() % 4 == 0) {  // as seconds in a double, as a configuration file would give it
      const u64 raw = in.u64v();
      const double seconds = raw % 2 ? std::bit_cast<double>(raw) : static_cast<double>(raw % 100'000) / 1000.0;
      the_case.add("timeout (double seconds) " + std::to_string(seconds));
      const long double exact = static_cast<long double>(seconds) * 1e9L;
      const bool nan = std::isnan(seconds);
      timeout = make_checked("Timeout", "timeout", !nan && exact >= 1.0L,
                             [&] { return Timeout{std::chrono::duration<double>(seconds)}; });
      if (!timeout) return 0;
      deadline = timeout->timeout().count();
      const long double expected =
          exact >= static_cast<long double>(i64_max) ? static_cast<long double>(i64_max) : std::trunc(exact);
      check(std::fabs(static_cast<long double>(deadline) - expected) <= 1.0L + expected * 1e-15L,
            "Timeout: a double duration became " + ns(deadline));
    } else {
      const i64 t = fuzzed_ns(in);
      the_case.add("timeout " + ns(t));
      timeout = make_checked("Timeout", "timeout", t > 0, [&] { return Timeout{nanoseconds(t)}; });
      if (!timeout) return 0;
      deadline = t;
    }
  }

  DelayModel model;
  model.kind = wait_kind;
  std::optional<AnyWait> wait;
  switch (wait_kind) {
    case DelayModel::exponential: {
      model.initial = fuzzed_ns(in);
      model.max = fuzzed_ns(in);
      model.base = fuzzed_base(in);
      the_case.add("exponential " + ns(model.initial) + " " + ns(model.max) + " base " + std::to_string(model.base));
      // The first rule broken is the one named (initial, then max, then base).
      const char* bad = model.initial < 0           ? "initial"
                        : model.max < model.initial ? "max"
                        : !(model.base >= 1.0)      ? "base"
                                                    : nullptr;
      auto w = make_checked("Exponential", bad ? bad : "initial", bad == nullptr, [&] {
        return Exponential{nanoseconds(model.initial), nanoseconds(model.max), model.base};
      });
      if (!w) return 0;
      wait = *w;
      break;
    }
    case DelayModel::fixed: {
      model.initial = model.max = fuzzed_ns(in);
      the_case.add("fixed " + ns(model.initial));
      auto w = make_checked("Fixed", "wait", model.initial >= 0, [&] { return Fixed{nanoseconds(model.initial)}; });
      if (!w) return 0;
      wait = *w;
      break;
    }
    case DelayModel::linear: {
      model.initial = fuzzed_ns(in);
      model.step = fuzzed_ns(in);
      model.max = fuzzed_ns(in);
      the_case.add("linear " + ns(model.initial) + " " + ns(model.step) + " " + ns(model.max));
      const char* bad = model.initial < 0           ? "initial"
                        : model.step < 0            ? "step"
                        : model.max < model.initial ? "max"
                                                    : nullptr;
      auto w = make_checked("Linear", bad ? bad : "initial", bad == nullptr, [&] {
        return Linear{nanoseconds(model.initial), nanoseconds(model.step), nanoseconds(model.max)};
      });
      if (!w) return 0;
      wait = *w;
      break;
    }
  }

  const i64 additive_max = jitter_kind == JitterKind::additive ? fuzzed_ns(in) : 0;
  const u64 seed = in.u64v();
  the_case.add("additive max " + ns(additive_max) + " seed " + std::to_string(seed));
  auto jitter = make_checked("Additive", "max", additive_max >= 0,
                             [&] { return make_jitter(jitter_kind, nanoseconds(additive_max), seed); });
  if (!jitter) return 0;

  // --- the failure script: what each attempt does; past its end, an attempt succeeds --------------------------
  std::vector<Step> script;
  while (!in.empty() && script.size() < 512) {
    const std::uint8_t o = in.u8();
    const std::uint8_t t = in.u8();
    const Outcome outcome = o % 8 < 6 ? Outcome::transient : o % 8 == 6 ? Outcome::fatal : Outcome::success;
    i64 d = 0;
    switch (t % 5) {
      case 0:
        d = 0;
        break;
      case 1:
        d = i64{t} * 1'000'000;
        break;
      case 2:
        d = i64{t} * 1'000'000'000;
        break;
      case 3:
        d = i64{t} * 3'600'000'000'000;
        break;
      default:
        d = t % 2 ? i64_max : deadline;
    }
    const i64 sink_time = (o >> 3) % 4 == 3 ? i64{o >> 5} * 100'000'000 : 0;  // 0 to 700 ms, in 1 of 4 steps
    script.push_back({outcome, d, sink_time});
  }
  {
    std::string s = "script";
    for (const Step& step : script)
      s += std::string(" ") + "TFS"[static_cast<int>(step.outcome)] + ":" + std::to_string(step.duration) +
           (step.sink_time ? "+sink:" + std::to_string(step.sink_time) : "");
    the_case.add(s);
  }

  // --- the run ------------------------------------------------------------------------------------------------
  Clock clock;
  Events events;
  events.clock = &clock;
  for (const Step& step : script) events.retry_sink_time.push_back(nanoseconds(step.sink_time));
  std::vector<i64> starts;  // the clock when each attempt began
  u64 calls = 0;
  std::optional<int> returned;
  const void* caught_address = nullptr;
  const void* thrown_address = nullptr;
  std::optional<Outcome> caught;
  u64 caught_attempt = 0;
  with_retrying(attempts, timeout, *wait, *jitter, clock, &events, [&](const auto& retry) {
    try {
      returned = retry([&]() -> int {
        ++calls;
        starts.push_back(clock.now().count());
        const Step step = calls <= script.size() ? script[calls - 1] : Step{Outcome::success, 0, 0};
        clock.advance(nanoseconds(step.duration));
        // Thrown, noted where it lives, and thrown on: the caller must catch this very object.
        if (step.outcome == Outcome::transient) {
          try {
            throw Transient(calls);
          } catch (const Transient& e) {
            thrown_address = &e;
            throw;
          }
        }
        if (step.outcome == Outcome::fatal) {
          try {
            throw Fatal(calls);
          } catch (const Fatal& e) {
            thrown_address = &e;
            throw;
          }
        }
        return static_cast<int>(calls);
      });
    } catch (const Transient& e) {
      caught = Outcome::transient;
      caught_address = &e;
      caught_attempt = e.attempt;
    } catch (const Fatal& e) {
      caught = Outcome::fatal;
      caught_address = &e;
      caught_attempt = e.attempt;
    }
  });

  // --- the model ----------------------------------------------------------------------------------------------
  the_case.add("calls " + std::to_string(calls));
  for (const auto& r : events.retries)
    the_case.add("retry " + std::to_string(r.retry_num) + " wait " + ns(r.wait_for.count()) + " waited " +
                 ns(r.waited_so_far.count()));
  const std::vector<nanoseconds> sleeps = clock.sleeps();
  check(sleeps.size() == events.retries.size(), "the clock slept " + std::to_string(sleeps.size()) + " times for " +
                                                    std::to_string(events.retries.size()) + " retries");
  check(calls >= 1, "the function was never called");
  check(!attempts || calls <= limit, "more attempts than the limit");

  i64 now = 0;       // the model's clock
  i64 waited = 0;    // the sum of the waits
  i64 previous = 0;  // the previous wait (initial before the first)
  for (u64 n = 1; n <= calls; ++n) {
    check(starts[n - 1] == now,
          "attempt " + std::to_string(n) + " started at " + ns(starts[n - 1]) + ", expected " + ns(now));
    const Step step = n <= script.size() ? script[n - 1] : Step{Outcome::success, 0, 0};
    now = add_sat(now, step.duration);
    const std::string at = "after attempt " + std::to_string(n) + ": ";
    if (step.outcome == Outcome::success) {
      check(n == calls && returned && *returned == static_cast<int>(n), at + "a success did not end the call");
      check(events.successes == (n > 1 ? 1 : 0),
            at + "succeeded_after_retries heard " + std::to_string(events.successes) + " times");
      if (n > 1)
        check(events.last_success.attempts == n && events.last_success.waited.count() == waited,
              at + "succeeded_after_retries with the wrong attempts or waited");
      check(events.give_ups == 0, at + "gave_up heard on a success");
      check(events.retries.size() == n - 1, at + "retry events after the success");
      break;
    }
    if (step.outcome == Outcome::fatal) {
      check(n == calls, at + "a non-retried failure was retried");
      check(caught == Outcome::fatal && caught_attempt == n && caught_address == thrown_address,
            at + "the caller did not get the same non-retried exception object");
      check(events.retries.size() == n - 1, at + "a retry event for a non-retried failure");
      check(events.successes == 0, at + "a success event for a failure");
      break;
    }
    // A retried failure: give up, or wait.
    const bool stop_attempts = attempts && n >= limit;
    const bool stop_timeout = timeout && now >= deadline;
    if (stop_attempts || stop_timeout) {
      check(n == calls, at + "retried after a stop policy said stop");
      check(caught == Outcome::transient && caught_attempt == n && caught_address == thrown_address,
            at + "on giving up, the caller did not get the last exception object itself");
      check(events.retries.size() == n - 1, at + "a retry event for the failure given up on");
      check(events.give_ups == 1, at + "gave_up heard " + std::to_string(events.give_ups) + " times");
      const auto& g = events.last_give_up;
      check(g.attempts == n && g.waited.count() == waited, at + "gave_up with the wrong attempts or waited");
      check((stop_attempts && g.reason == grit::GiveUpReason::attempts) ||
                (stop_timeout && g.reason == grit::GiveUpReason::timeout),
            at + "gave_up with the wrong reason");
      check(events.give_up_cause_type == &typeid(Transient), at + "gave_up with the wrong cause");
      check(events.successes == 0, at + "a success event on giving up");
      break;
    }
    check(n < calls, at + "the call ended where the model retries");
    check(events.retries.size() >= n, at + "no retry event");
    const auto& r = events.retries[n - 1];
    check(r.retry_num == n, at + "retry_num " + std::to_string(r.retry_num));
    check(r.waited_so_far.count() == waited,
          at + "waited_so_far " + ns(r.waited_so_far.count()) + ", expected " + ns(waited));
    check(r.cause_type == &typeid(Transient), at + "the retry event's cause is not the exception");
    const i64 w = r.wait_for.count();  // the wait as decided, before the sink took its time
    auto [lo, hi] =
        jitter_bounds(jitter_kind, model.delay(n), additive_max, model.initial, n == 1 ? model.initial : previous);
    lo = std::clamp<i64>(lo, 0, model.max);
    hi = std::clamp<i64>(hi, 0, model.max);
    if (timeout) {                                        // clamped to the time left at the failure
      const i64 left = std::max<i64>(deadline - now, 0);  // deadline > now here
      lo = std::min(lo, left);
      hi = std::min(hi, left);
    }
    check(w >= lo && w <= hi, at + "wait " + ns(w) + " outside [" + ns(lo) + ", " + ns(hi) + "]");
    check(w <= model.max, at + "wait " + ns(w) + " above Max " + ns(model.max));
    // The sink hears the retry (taking its time), then the wait begins: the time the sink took comes off it, so
    // that no wait ends after the deadline.
    const i64 wait_start = add_sat(now, step.sink_time);
    const i64 expected_sleep = timeout && step.sink_time > 0 ? std::min(w, std::max<i64>(deadline - wait_start, 0)) : w;
    const i64 slept = sleeps[n - 1].count();
    check(slept == expected_sleep,
          at + "slept " + ns(slept) + " where " + ns(expected_sleep) + " was due (the event said " + ns(w) + ")");
    check(!timeout || add_sat(wait_start, slept) <= std::max(deadline, wait_start),
          at + "the wait ends after the deadline (the sink took " + ns(step.sink_time) + ")");
    now = add_sat(wait_start, slept);
    waited = add_sat(waited, slept);
    previous = slept;
  }
  if (std::getenv("GRIT_FUZZ_VERBOSE")) std::fprintf(stderr, "--- case ---\n%s", the_case.text.c_str());
  current = nullptr;
  return 0;
}

}  // namespace grit_fuzz
