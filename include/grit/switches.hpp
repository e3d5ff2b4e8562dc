// Process-wide switches, stamina's `set_active` and `set_testing`. Safe to flip from any thread; a call reads them
// once, when its first attempt fails (a schedule driven by hand: when it is made), never on the success path.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/exceptions.hpp"

namespace grit {

namespace detail {
inline std::atomic<bool>& active_flag() noexcept {
  static std::atomic<bool> active{true};
  return active;
}

// Testing mode in one word, so that a reader never sees half of an update: bit 0 enabled, bit 1 cap,
// the rest the number of attempts.
inline std::atomic<std::uint64_t>& testing_word() noexcept {
  static std::atomic<std::uint64_t> word{std::uint64_t{1} << 2};  // State{}: off, 1 attempt (0 attempts is invalid)
  return word;
}
}  // namespace detail

// Inactive: every call makes exactly one attempt, whatever its policies and whatever testing mode says.
inline void set_active(bool active) noexcept { detail::active_flag().store(active, std::memory_order_release); }
inline bool is_active() noexcept { return detail::active_flag().load(std::memory_order_acquire); }

namespace testing {

struct Settings {
  std::uint64_t attempts = 1;  // attempts in all, the first one included
  bool cap = false;            // true: at most `attempts`, fewer if the Retrying's own limit is lower
};

struct State {
  bool enabled = false;
  Settings settings{};
};

namespace detail {
constexpr std::uint64_t encode(const State& s) noexcept {
  return (s.settings.attempts << 2) | (s.settings.cap ? 2u : 0u) | (s.enabled ? 1u : 0u);
}
constexpr State decode(std::uint64_t w) noexcept { return {(w & 1u) != 0, {w >> 2, (w & 2u) != 0}}; }
}  // namespace detail

inline State state() noexcept { return detail::decode(grit::detail::testing_word().load(std::memory_order_acquire)); }
inline bool is_enabled() noexcept { return state().enabled; }

// Testing mode: no wait is real (every wait is zero), timeouts are ignored, and a call makes `attempts` attempts
// (with `cap`: at most that many). Returns the state it replaced.
namespace detail {
// Settings as the testing word can hold them: attempts >= 1 (else invalid_argument), at most 2^62 - 1 (the word's
// two low bits are the flags). Checked once, where a state enters (set, Scope), so that every stored state encodes.
inline Settings checked(Settings settings) {
  if (settings.attempts < 1)
    GRIT_DETAIL_THROW_INVALID_ARGUMENT(
        "grit::testing::set: attempts must be >= 1 (it counts the first attempt too), got " +
        std::to_string(settings.attempts));
  if (settings.attempts > (UINT64_MAX >> 2)) settings.attempts = UINT64_MAX >> 2;
  return settings;
}
}  // namespace detail

inline State set(bool enabled, Settings settings = {}) {
  return detail::decode(grit::detail::testing_word().exchange(detail::encode({enabled, detail::checked(settings)}),
                                                              std::memory_order_acq_rel));
}

namespace detail {
// The open Scopes, in the order they were opened, and the state from before the first: scopes may overlap in any
// order and any threads. Never destroyed, like the hook registry: a Scope in a global ends after static destruction.
class Scopes {
 public:
  static Scopes& instance() {
    alignas(Scopes) static unsigned char storage[sizeof(Scopes)];
    static Scopes* const scopes = ::new (static_cast<void*>(storage)) Scopes;
    return *scopes;
  }
  void open(const void* scope, State state) {
    state.settings = checked(state.settings);  // what close() stores again must encode
    std::lock_guard lock(mutex_);
    const State replaced = decode(grit::detail::testing_word().exchange(encode(state), std::memory_order_acq_rel));
    if (open_.empty()) before_ = replaced;
    open_.push_back({scope, state});
  }
  void close(const void* scope) noexcept {
    std::lock_guard lock(mutex_);
    for (auto it = open_.begin(); it != open_.end(); ++it)
      if (it->scope == scope) {
        open_.erase(it);
        break;
      }
    // The scope opened last among those still open decides; when none is, the state from before the first.
    const State now = open_.empty() ? before_ : open_.back().state;
    grit::detail::testing_word().store(encode(now), std::memory_order_release);
  }

 private:
  struct Open {
    const void* scope;
    State state;
  };
  std::mutex mutex_;
  std::vector<Open> open_;
  State before_{};
};
}  // namespace detail

// Sets testing mode for a scope. Scopes may overlap in any order and in any threads: while some are open, the one
// opened last decides; the last one to end restores the state from before the first.
class Scope {
 public:
  explicit Scope(bool enabled = true, Settings settings = {}) {
    detail::Scopes::instance().open(this, {enabled, settings});
  }
  ~Scope() { detail::Scopes::instance().close(this); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
};

}  // namespace testing
}  // namespace grit
