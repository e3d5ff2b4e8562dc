// Jitter policies: randomness added to the backoff so that clients that failed together do not retry together.
// The jittered wait is capped afterwards by the wait policy's max(). Default: jitter::Additive<1s> (stamina's).
// The random bits come from the Retrying's random policy (random.hpp).
//
// The JitterPolicy concept. A type J is a jitter policy when, for `const J j`, `nanoseconds delay`,
// `const JitterInput in` and a `grit::random::Bits bits` (a callable returning 64 random bits):
//   1. `J::grit_category` is `grit::category::jitter`;
//   2. J is move-constructible;
//   3. `j.apply(delay, in, bits)` is a `nanoseconds`: the jittered wait, before the cap. Call `bits()` only when the
//      result depends on it (a jitter that cannot change the capped result draws nothing). grit's own jitters take
//      any callable (`template <class Draw> apply(nanoseconds, const JitterInput&, Draw&)`); so may yours.
// The smallest jitter policy (up to 10 % off the delay):
//
//   struct TenPercentOff {
//     using grit_category = grit::category::jitter;
//     grit::nanoseconds apply(grit::nanoseconds delay, const grit::JitterInput&, grit::random::Bits& bits) const {
//       return delay - grit::nanoseconds(static_cast<std::int64_t>(bits() % (delay.count() / 10 + 1)));
//     }
//   };
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <utility>

#include "category.hpp"
#include "detail/param.hpp"
#include "detail/twin.hpp"
#include "random.hpp"
#include "values.hpp"

namespace grit {

// What a jitter policy may look at besides the un-jittered delay.
struct JitterInput {
  std::uint64_t attempt;  // the attempt that just failed, from 1
  nanoseconds initial;    // the wait policy's initial()
  nanoseconds previous;   // the previous wait of this call (initial() before the first)
  nanoseconds max;        // the wait policy's max(): the result is capped to it afterwards
};

template <class J>
concept JitterPolicy = std::same_as<typename J::grit_category, category::jitter> && std::move_constructible<J> &&
    requires(const J& j, nanoseconds d, const JitterInput& in, random::Bits& bits) {
  { j.apply(d, in, bits) } -> std::same_as<nanoseconds>;
};

namespace detail {

// A value in [lo, hi], from 64 random bits, by multiply-and-shift (no division, no rejection loop; the bias is
// below 2^-64 * (hi - lo), far under a nanosecond).
inline nanoseconds uniform(std::uint64_t bits, nanoseconds lo, nanoseconds hi) noexcept {
  if (hi <= lo) return lo;
  __extension__ using u128 = unsigned __int128;
  const auto span = static_cast<std::uint64_t>(hi.count()) - static_cast<std::uint64_t>(lo.count());
  const auto offset = static_cast<std::uint64_t>((static_cast<u128>(bits) * (static_cast<u128>(span) + 1)) >> 64);
  return nanoseconds(static_cast<std::int64_t>(static_cast<std::uint64_t>(lo.count()) + offset));
}

// The jitter formulas, each given a way to draw 64 random bits (called only if the result depends on it): shared by
// the policies and by their run-time form (AnyJitter, below).
template <class Draw>
nanoseconds additive_jitter(nanoseconds delay, const JitterInput& in, nanoseconds max, Draw& draw) noexcept {
  if (max.count() == 0 || delay >= in.max) return delay;  // no draw can change the capped result
  return detail::saturating_add(delay, detail::uniform(draw(), nanoseconds::zero(), max));
}
template <class Draw>
nanoseconds full_jitter(nanoseconds delay, Draw& draw) noexcept {
  return detail::uniform(draw(), nanoseconds::zero(), delay);
}
template <class Draw>
nanoseconds equal_jitter(nanoseconds delay, Draw& draw) noexcept {
  const nanoseconds half = delay / 2;
  return half + detail::uniform(draw(), nanoseconds::zero(), delay - half);
}
template <class Draw>
nanoseconds decorrelated_jitter(const JitterInput& in, Draw& draw) noexcept {
  const nanoseconds upper = detail::saturating_mul(in.previous > in.initial ? in.previous : in.initial, 3);
  return detail::uniform(draw(), in.initial, upper);
}

}  // namespace detail

namespace jitter {

// delay + U[0, Max]: stamina's jitter. Once the delay reaches the wait's cap, the wait is exactly the cap.
template <Duration Max = std::chrono::seconds(1)>
class Additive {
  // The check sits in a lambda so that, when it fails, the class itself stays valid (see stop::Attempts).
  static_assert([] {
    static_assert(Max.is_runtime || Max.ns >= 0, "grit: jitter::Additive<Max> needs Max >= 0");
    return true;
  }());
  [[no_unique_address]] detail::Param<Max> max_;

 public:
  using grit_category = category::jitter;

  constexpr Additive() requires(!Max.is_runtime) = default;
  template <class Rep, class Period>
  explicit Additive(std::chrono::duration<Rep, Period> max) requires(Max.is_runtime) {
    max_.set(max, "grit::jitter::Additive", "max");
    if (max_.get().count() < 0)
      detail::invalid_argument("grit::jitter::Additive", "max", "must be >= 0, got " + detail::to_string(max_.get()));
  }

  constexpr nanoseconds max() const noexcept { return max_.get(); }

  template <class Draw>
  nanoseconds apply(nanoseconds delay, const JitterInput& in, Draw& draw) const noexcept {
    return detail::additive_jitter(delay, in, max(), draw);
  }
};

// U[0, delay] (AWS "full jitter").
struct Full {
  using grit_category = category::jitter;
  template <class Draw>
  static nanoseconds apply(nanoseconds delay, const JitterInput&, Draw& draw) noexcept {
    return detail::full_jitter(delay, draw);
  }
};

// delay/2 + U[0, delay/2] (AWS "equal jitter").
struct Equal {
  using grit_category = category::jitter;
  template <class Draw>
  static nanoseconds apply(nanoseconds delay, const JitterInput&, Draw& draw) noexcept {
    return detail::equal_jitter(delay, draw);
  }
};

// U[initial, 3 * previous wait] (AWS "decorrelated jitter"); ignores the wait policy's growth, keeps its cap.
struct Decorrelated {
  using grit_category = category::jitter;
  template <class Draw>
  static nanoseconds apply(nanoseconds, const JitterInput& in, Draw& draw) noexcept {
    return detail::decorrelated_jitter(in, draw);
  }
};

// No jitter: the wait policy's delay as it is.
struct None {
  using grit_category = category::jitter;
  template <class Draw>
  static constexpr nanoseconds apply(nanoseconds delay, const JitterInput&, Draw&) noexcept {
    return delay;
  }
};

}  // namespace jitter

// --- The run-time form in a plan (detail/twin.hpp) ---------------------------------------------------------------
namespace detail {

// grit's jitter policies in one run-time form: every Retrying with one of them shares one plan type.
class AnyJitter {
 public:
  using grit_category = category::jitter;
  enum class Kind : unsigned char { none, additive, full, equal, decorrelated };

  constexpr AnyJitter(Kind kind, nanoseconds max) noexcept : max_(max), kind_(kind) {}

  // Inlined: a call would take the addresses of the schedule's plan and random state, and the schedule's counters
  // would then live in memory for the whole retry loop.
  template <class Draw>
  [[gnu::always_inline]] nanoseconds apply(nanoseconds delay, const JitterInput& in, Draw& draw) const noexcept {
    switch (kind_) {  // every kind listed, no default: -Wswitch names a kind without its case
      case Kind::additive:
        return detail::additive_jitter(delay, in, max_, draw);
      case Kind::full:
        return detail::full_jitter(delay, draw);
      case Kind::equal:
        return detail::equal_jitter(delay, draw);
      case Kind::decorrelated:
        return detail::decorrelated_jitter(in, draw);
      case Kind::none:
        return delay;
    }
    return delay;  // not reached
  }

 private:
  nanoseconds max_;
  Kind kind_;
};

template <>
struct Twin<AnyJitter> : OwnTwin<AnyJitter, AnyJitter> {};
template <Duration M>
struct Twin<jitter::Additive<M>> : OwnTwin<jitter::Additive<M>, AnyJitter> {
  [[gnu::always_inline]] static constexpr AnyJitter of(const jitter::Additive<M>& p) noexcept {
    return {AnyJitter::Kind::additive, M.is_runtime ? p.max() : M.value()};
  }
};
template <>
struct Twin<jitter::Full> : OwnTwin<jitter::Full, AnyJitter> {
  [[gnu::always_inline]] static constexpr AnyJitter of(const jitter::Full&) noexcept {
    return {AnyJitter::Kind::full, nanoseconds::zero()};
  }
};
template <>
struct Twin<jitter::Equal> : OwnTwin<jitter::Equal, AnyJitter> {
  [[gnu::always_inline]] static constexpr AnyJitter of(const jitter::Equal&) noexcept {
    return {AnyJitter::Kind::equal, nanoseconds::zero()};
  }
};
template <>
struct Twin<jitter::Decorrelated> : OwnTwin<jitter::Decorrelated, AnyJitter> {
  [[gnu::always_inline]] static constexpr AnyJitter of(const jitter::Decorrelated&) noexcept {
    return {AnyJitter::Kind::decorrelated, nanoseconds::zero()};
  }
};
template <>
struct Twin<jitter::None> : OwnTwin<jitter::None, AnyJitter> {
  [[gnu::always_inline]] static constexpr AnyJitter of(const jitter::None&) noexcept {
    return {AnyJitter::Kind::none, nanoseconds::zero()};
  }
};

static_assert(all_map_to<AnyJitter, jitter::Additive<>, jitter::Additive<runtime>, jitter::Full, jitter::Equal,
                         jitter::Decorrelated, jitter::None>,
              "every one of grit's own jitter policies maps onto AnyJitter");

}  // namespace detail
}  // namespace grit
