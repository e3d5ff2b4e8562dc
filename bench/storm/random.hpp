// The simulations' own random streams, the same bits under every compiler and standard library: SplitMix64
// (Steele, Lea, Flood 2014) for the bits, and the polar form of the Box-Muller transform (Marsaglia 1964) for normal
// deviates. std::normal_distribution is not used: its algorithm is left to each standard library, so libstdc++ and
// libc++ draw different numbers from the same engine. The polar form needs only std::log and std::sqrt (no sin,
// cos), and the CMake target builds it with -ffp-contract=off, so GCC and Clang compute the same doubles.
#pragma once

#include <cmath>
#include <cstdint>

namespace storm {

// SplitMix64's finaliser: a good 64-bit mix, also used to derive independent seeds from (seed, index) pairs.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) noexcept {
  return mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ (index * 0xd1b54a32d192ed03ULL + 0x8cb92ba72f3d8dd7ULL));
}

class Rng {
 public:
  constexpr explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}

  constexpr std::uint64_t next() noexcept {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  // A double in [0, 1): the top 53 bits.
  constexpr double uniform01() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // A double in (-1, 1).
  constexpr double uniform_pm1() noexcept { return 2.0 * uniform01() - 1.0; }

  // A standard normal deviate (Marsaglia's polar method, both values of each pair used).
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = uniform_pm1();
      v = uniform_pm1();
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * factor;
    has_spare_ = true;
    return u * factor;
  }

 private:
  std::uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// The simulator's network: each one-way hop takes |N(mean, sd)| milliseconds, here in whole nanoseconds.
class Net {
 public:
  Net(std::uint64_t seed, double mean_ms, double sd_ms) noexcept : rng_(seed), mean_(mean_ms), sd_(sd_ms) {}

  std::int64_t delay_ns() noexcept {
    const double ms = std::fabs(mean_ + sd_ * rng_.normal());
    return static_cast<std::int64_t>(std::llround(ms * 1e6));
  }
  Rng& rng() noexcept { return rng_; }

 private:
  Rng rng_;
  double mean_, sd_;
};

}  // namespace storm
