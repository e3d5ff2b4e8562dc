// Jitter policies: randomness added to the backoff so that clients that failed together do not retry together.
// The jittered wait is capped afterwards by the wait policy's max().
//
// A jitter policy provides:
//   using state_type                                   - per-call state (the random engine's, for instance)
//   state_type start() const                           - called once per call; must be cheap
//   nanoseconds apply(nanoseconds delay, const JitterInput&, state_type&) const
//
// Each jitter that draws takes a random engine as its last parameter: `ThreadLocalEngine` (the default: fast,
// lock-free, one per thread, seeded once) or `SeededEngine<S>` (reproducible: every call replays the same draws).
// An engine provides `state_type`, `start()` and `std::uint64_t next(state_type&) const`.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <thread>

#include "detail/category.hpp"
#include "detail/values.hpp"

namespace grit {

// What a jitter policy may look at besides the un-jittered delay.
struct JitterInput {
  std::uint64_t attempt;  // the attempt that just failed, from 1
  nanoseconds initial;    // the wait policy's initial()
  nanoseconds previous;   // the previous wait of this call (initial() before the first)
  nanoseconds max;        // the wait policy's max(): the result is capped to it afterwards
};

template <class J>
concept JitterPolicy = std::same_as<typename J::grit_category, category::jitter> &&
    requires(const J& j, nanoseconds d, const JitterInput& in, typename J::state_type& s) {
  { j.start() } -> std::same_as<typename J::state_type>;
  { j.apply(d, in, s) } -> std::same_as<nanoseconds>;
};

template <class E>
concept RandomEngine = requires(const E& e, typename E::state_type& s) {
  { e.start() } -> std::same_as<typename E::state_type>;
  { e.next(s) } -> std::same_as<std::uint64_t>;
};

namespace detail {

// wyrand (Wang Yi, public domain): one add and one 64x64->128 multiply per draw, passes BigCrush.
struct Wyrand {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    state += 0xa0761d6478bd642fULL;
    __extension__ using u128 = unsigned __int128;
    const u128 m = static_cast<u128>(state) * (state ^ 0xe7037ed1a0b428dbULL);
    return static_cast<std::uint64_t>(m >> 64) ^ static_cast<std::uint64_t>(m);
  }
};

inline std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A value in [lo, hi], from 64 random bits, by multiply-and-shift (no division, no rejection loop; the bias is
// below 2^-64 * (hi - lo), far under a nanosecond).
inline nanoseconds uniform(std::uint64_t bits, nanoseconds lo, nanoseconds hi) noexcept {
  if (hi <= lo) return lo;
  __extension__ using u128 = unsigned __int128;
  const auto span = static_cast<std::uint64_t>(hi.count()) - static_cast<std::uint64_t>(lo.count());
  const auto offset = static_cast<std::uint64_t>((static_cast<u128>(bits) * (static_cast<u128>(span) + 1)) >> 64);
  return nanoseconds(static_cast<std::int64_t>(static_cast<std::uint64_t>(lo.count()) + offset));
}

inline Wyrand& thread_engine() noexcept {
  // Seeded once per thread from the clock, the thread's identity and a process-wide counter, so that threads
  // (and processes started together) draw different sequences. Jitter needs spread, not secrecy.
  static std::atomic<std::uint64_t> threads{0};
  thread_local Wyrand engine{
      splitmix64(static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                 splitmix64(std::hash<std::thread::id>{}(std::this_thread::get_id())) ^
                 splitmix64(threads.fetch_add(1, std::memory_order_relaxed) + 0x5851f42d4c957f2dULL))};
  return engine;
}

// The jitter formulas, each given a way to draw 64 random bits (called only if the result depends on it). Shared by
// the jitter policies and by their run-time form in a plan (detail/plan.hpp).
template <class Draw>
nanoseconds additive_jitter(nanoseconds delay, const JitterInput& in, nanoseconds max, Draw draw) noexcept {
  if (max.count() == 0 || delay >= in.max) return delay;  // no draw can change the capped result
  return detail::saturating_add(delay, detail::uniform(draw(), nanoseconds::zero(), max));
}
template <class Draw>
nanoseconds full_jitter(nanoseconds delay, Draw draw) noexcept {
  return detail::uniform(draw(), nanoseconds::zero(), delay);
}
template <class Draw>
nanoseconds equal_jitter(nanoseconds delay, Draw draw) noexcept {
  const nanoseconds half = delay / 2;
  return half + detail::uniform(draw(), nanoseconds::zero(), delay - half);
}
template <class Draw>
nanoseconds decorrelated_jitter(const JitterInput& in, Draw draw) noexcept {
  const nanoseconds upper = detail::saturating_mul(in.previous > in.initial ? in.previous : in.initial, 3);
  return detail::uniform(draw(), in.initial, upper);
}

// The next draw of this thread's engine. Out of line: the engine's first-use initialisation (a clock read, the
// thread's id, an atomic) is then emitted once per program, not in every Retrying's decision.
[[gnu::noinline]] inline std::uint64_t thread_random() noexcept { return thread_engine()(); }

}  // namespace detail

namespace jitter {

// The default engine: one wyrand per thread, nothing shared, nothing locked.
struct ThreadLocalEngine {
  struct state_type {};
  static constexpr state_type start() noexcept { return {}; }
  static std::uint64_t next(state_type&) noexcept { return detail::thread_random(); }
};

// A reproducible engine: each call starts from the seed, so the same failures give the same waits.
template <Integer Seed = runtime>
class SeededEngine {
  [[no_unique_address]] detail::Param<Seed> seed_;

 public:
  using state_type = detail::Wyrand;

  constexpr SeededEngine() requires(!Seed.is_runtime) = default;
  template <std::integral T>
  explicit SeededEngine(T seed) requires(Seed.is_runtime) {
    seed_.set(seed);
  }

  constexpr state_type start() const noexcept { return {static_cast<std::uint64_t>(seed_.get())}; }
  static std::uint64_t next(state_type& s) noexcept { return s(); }
};

// Holds the engine and hands its state to the policy; what every drawing jitter shares.
template <RandomEngine Engine>
class Drawing {
  [[no_unique_address]] Engine engine_;

 public:
  using grit_category = category::jitter;
  using state_type = typename Engine::state_type;

  constexpr Drawing() = default;
  constexpr explicit Drawing(Engine engine) : engine_(std::move(engine)) {}

  constexpr state_type start() const noexcept { return engine_.start(); }
  constexpr const Engine& engine() const noexcept { return engine_; }

 protected:
  std::uint64_t draw(state_type& s) const noexcept { return engine_.next(s); }
};

// delay + U[0, Max]: stamina's jitter. Once the delay reaches the wait's cap, the wait is exactly the cap.
template <Duration Max = std::chrono::seconds(1), RandomEngine Engine = ThreadLocalEngine>
class Additive : public Drawing<Engine> {
  // The check sits in a lambda so that, when it fails, the class itself stays valid (see stop::Attempts).
  static_assert([] {
    static_assert(Max.is_runtime || Max.ns >= 0, "grit: jitter::Additive<Max> needs Max >= 0");
    return true;
  }());
  [[no_unique_address]] detail::Param<Max> max_;

 public:
  constexpr Additive() requires(!Max.is_runtime && std::default_initializable<Engine>) = default;
  constexpr explicit Additive(Engine engine) requires(!Max.is_runtime) : Drawing<Engine>(std::move(engine)) {}
  template <class Rep, class Period>
  explicit Additive(std::chrono::duration<Rep, Period> max, Engine engine = Engine{}) requires(Max.is_runtime)
      : Drawing<Engine>(std::move(engine)) {
    max_.set(max);
    if (max_.get().count() < 0)
      detail::invalid_argument("grit::jitter::Additive", "max", "must be >= 0, got " + detail::to_string(max_.get()));
  }

  constexpr nanoseconds max() const noexcept { return max_.get(); }

  nanoseconds apply(nanoseconds delay, const JitterInput& in, typename Drawing<Engine>::state_type& s) const noexcept {
    return detail::additive_jitter(delay, in, max(), [&] { return this->draw(s); });
  }
};

// U[0, delay] (AWS "full jitter").
template <RandomEngine Engine = ThreadLocalEngine>
struct Full : Drawing<Engine> {
  using Drawing<Engine>::Drawing;
  nanoseconds apply(nanoseconds delay, const JitterInput&, typename Drawing<Engine>::state_type& s) const noexcept {
    return detail::full_jitter(delay, [&] { return this->draw(s); });
  }
};

// delay/2 + U[0, delay/2] (AWS "equal jitter").
template <RandomEngine Engine = ThreadLocalEngine>
struct Equal : Drawing<Engine> {
  using Drawing<Engine>::Drawing;
  nanoseconds apply(nanoseconds delay, const JitterInput&, typename Drawing<Engine>::state_type& s) const noexcept {
    return detail::equal_jitter(delay, [&] { return this->draw(s); });
  }
};

// U[initial, 3 * previous wait] (AWS "decorrelated jitter"); ignores the wait policy's growth, keeps its cap.
template <RandomEngine Engine = ThreadLocalEngine>
struct Decorrelated : Drawing<Engine> {
  using Drawing<Engine>::Drawing;
  nanoseconds apply(nanoseconds, const JitterInput& in, typename Drawing<Engine>::state_type& s) const noexcept {
    return detail::decorrelated_jitter(in, [&] { return this->draw(s); });
  }
};

// No jitter: the wait policy's delay as it is.
struct None {
  using grit_category = category::jitter;
  struct state_type {};
  static constexpr state_type start() noexcept { return {}; }
  static constexpr nanoseconds apply(nanoseconds delay, const JitterInput&, state_type&) noexcept { return delay; }
};

}  // namespace jitter
}  // namespace grit
