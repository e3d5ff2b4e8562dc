// Random policies: where a jitter's random bits come from. Default: random::ThreadLocal.
//
// The RandomPolicy concept. A type R is a random policy when, for `const R r` and `typename R::state_type s`:
//   1. `R::grit_category` is `grit::category::random`;
//   2. R is move-constructible;
//   3. `R::state_type` is the per-call state, and `r.start()` makes it: once per call, when the first attempt fails;
//   4. `r.next(s)` is a `std::uint64_t`: 64 uniformly distributed random bits.
// The smallest random policy (draws from a std::minstd_rand seeded per call: reproducible, not fast):
//
//   struct Minstd {
//     using grit_category = grit::category::random;
//     using state_type = std::minstd_rand;
//     state_type start() const { return state_type(42); }
//     std::uint64_t next(state_type& s) const { return (std::uint64_t{s()} << 33) ^ s(); }
//   };
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <thread>

#include "category.hpp"
#include "detail/param.hpp"
#include "detail/twin.hpp"
#include "values.hpp"

namespace grit {

template <class R>
concept RandomPolicy = std::same_as<typename R::grit_category, category::random> && std::move_constructible<R> &&
    requires(const R& r, typename R::state_type& s) {
  { r.start() } -> std::same_as<typename R::state_type>;
  { r.next(s) } -> std::same_as<std::uint64_t>;
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

// The next draw of this thread's engine. Out of line: the engine's first-use initialisation (a clock read, the
// thread's id, an atomic) is then emitted once per program, not in every Retrying's decision.
[[gnu::noinline]] inline std::uint64_t thread_random() noexcept { return thread_engine()(); }

}  // namespace detail

namespace random {

// The default: one wyrand per thread, nothing shared, nothing locked.
struct ThreadLocal {
  using grit_category = category::random;
  struct state_type {};
  static constexpr state_type start() noexcept { return {}; }
  static std::uint64_t next(state_type&) noexcept { return detail::thread_random(); }
};

// Reproducible: every call starts from the seed, so the same failures give the same waits.
template <Integer Seed = runtime>
class Seeded {
  [[no_unique_address]] detail::Param<Seed> seed_;

 public:
  using grit_category = category::random;
  using state_type = detail::Wyrand;

  constexpr Seeded() requires(!Seed.is_runtime) = default;
  template <std::integral T>
  constexpr explicit Seeded(T seed) requires(Seed.is_runtime) {
    seed_.value = static_cast<std::int64_t>(seed);
  }

  constexpr std::uint64_t seed() const noexcept { return static_cast<std::uint64_t>(seed_.get()); }
  constexpr state_type start() const noexcept { return {seed()}; }
  static std::uint64_t next(state_type& s) noexcept { return s(); }
};

// A random policy and its state as one callable returning 64 random bits: what a jitter policy of your own is given
// to draw from (jitter.hpp). Refers to both; one indirect call per draw.
class Bits {
 public:
  template <RandomPolicy R>
  Bits(const R& random, typename R::state_type& state) noexcept
      : random_(__builtin_addressof(random)), state_(__builtin_addressof(state)), next_([](const void* r, void* s) {
          return static_cast<const R*>(r)->next(*static_cast<typename R::state_type*>(s));
        }) {}

  std::uint64_t operator()() const { return next_(random_, state_); }

 private:
  const void* random_;
  void* state_;
  std::uint64_t (*next_)(const void*, void*);
};

}  // namespace random

// --- The run-time form in a plan (detail/twin.hpp): every seed shares one plan ------------------------------------
namespace detail {
template <Integer S>
struct Twin<random::Seeded<S>> : OwnTwin<random::Seeded<S>, random::Seeded<>> {
  [[gnu::always_inline]] static constexpr random::Seeded<> of(const random::Seeded<S>& p) noexcept {
    return random::Seeded<>{p.seed()};
  }
};

static_assert(all_map_to<random::Seeded<>, random::Seeded<42>, random::Seeded<>> &&
                  all_map_to<random::ThreadLocal, random::ThreadLocal>,
              "every seeded random policy maps onto random::Seeded<>");
}  // namespace detail
}  // namespace grit
