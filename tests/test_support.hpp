// Shared helpers for grit's unit tests: error types, a tiny expected-like Result, counters, and RAII guards that
// restore grit's process-wide state (hooks, active switch, testing mode) at the end of a test.
#pragma once

#include <gtest/gtest.h>

#include <grit/grit.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace grit_test {

// A failure the tests declare transient.
struct TransientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A more specific transient failure.
struct DerivedTransientError : TransientError {
  using TransientError::TransientError;
};
// A failure no filter in the tests retries unless told to.
struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A home-made expected-like type: has_value(), error(), value(), nothing else grit could rely on.
template <class T, class E>
class Result {
 public:
  static Result ok(T value) { return Result(std::in_place_index<0>, std::move(value)); }
  static Result fail(E error) { return Result(std::in_place_index<1>, std::move(error)); }

  bool has_value() const noexcept { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const E& error() const { return std::get<1>(v_); }

 private:
  template <std::size_t I, class V>
  Result(std::in_place_index_t<I> i, V&& v) : v_(i, std::forward<V>(v)) {}
  std::variant<T, E> v_;
};

// An error value that carries the attempt that made it and counts how it travels.
struct TaggedError {
  int attempt = 0;
  int code = 503;
  static inline std::atomic<int> copies{0};
  static inline std::atomic<int> moves{0};

  TaggedError(int a, int c = 503) : attempt(a), code(c) {}
  TaggedError(const TaggedError& o) : attempt(o.attempt), code(o.code) { ++copies; }
  TaggedError(TaggedError&& o) noexcept : attempt(o.attempt), code(o.code) { ++moves; }
  TaggedError& operator=(const TaggedError&) = default;
  TaggedError& operator=(TaggedError&&) = default;
  std::string message() const { return "tagged " + std::to_string(attempt); }
};

// Counts copy and move constructions of itself.
struct CopyCounter {
  static inline int copies = 0;
  static inline int moves = 0;
  static void reset() { copies = moves = 0; }

  int value = 0;
  CopyCounter() = default;
  explicit CopyCounter(int v) : value(v) {}
  CopyCounter(const CopyCounter& o) : value(o.value) { ++copies; }
  CopyCounter(CopyCounter&& o) noexcept : value(o.value) { ++moves; }
  CopyCounter& operator=(const CopyCounter&) = default;
  CopyCounter& operator=(CopyCounter&&) = default;
};

// Clears the process-wide retry hooks when the test ends, however it ends.
struct HooksReset {
  HooksReset() = default;
  explicit HooksReset(std::vector<grit::RetryHook> hooks) {
    grit::instrumentation::set_on_retry_hooks(std::move(hooks));
  }
  ~HooksReset() { grit::instrumentation::set_on_retry_hooks({}); }
  HooksReset(const HooksReset&) = delete;
  HooksReset& operator=(const HooksReset&) = delete;
};

// Restores grit's global switches (active, testing mode off) when the test ends.
struct SwitchesReset {
  SwitchesReset() = default;
  ~SwitchesReset() {
    grit::set_active(true);
    grit::testing::set(false);
  }
  SwitchesReset(const SwitchesReset&) = delete;
  SwitchesReset& operator=(const SwitchesReset&) = delete;
};

// What a retry hook saw, copied out while the cause was alive.
struct SeenRetry {
  std::string name;
  std::uint64_t retry_num;
  grit::nanoseconds wait_for;
  grit::nanoseconds waited_so_far;
  std::string type_name;
  std::string message;
};

inline grit::RetryHook recording_hook(std::vector<SeenRetry>& seen) {
  return [&seen](const grit::RetryDetails& d) {
    seen.push_back(SeenRetry{std::string(d.name), d.retry_num, d.wait_for, d.waited_so_far, d.caused_by.type_name(),
                             d.caused_by.message()});
  };
}

// Runs f under retry and returns how many times it was called; f's exception must reach the caller.
template <class Exception, class R, class F>
int calls_until_thrown(const R& retry, F f) {
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 f();
               }),
               Exception);
  return calls;
}

}  // namespace grit_test
