// Sink policies: where instrumentation goes. Several sinks in one Retrying are all notified. Default: sink::Hooks,
// the process-wide hook list (empty: silent and free). An exception thrown by a sink never replaces the user's
// failure or result: it is swallowed.
//
// The SinkPolicy concept. A type S is a sink policy when, for `const S s`:
//   1. `S::grit_category` is `grit::category::sink` (deriving from `grit::sink::Base` provides it);
//   2. S is move-constructible;
//   3. `s.retry_scheduled(const RetryDetails&)` is callable: a retry was decided, before its wait;
//   4. `s.gave_up(const GiveUpDetails&)` is callable: a retryable failure was not retried any more;
//   5. `s.succeeded_after_retries(const SuccessDetails&)` is callable: success after at least one retry.
// `sink::Base` has no-op versions of 3-5; an event a sink does not override is not even prepared. The smallest sink:
//
//   struct CountRetries : grit::sink::Base {
//     std::atomic<int>* retries;
//     void retry_scheduled(const grit::RetryDetails&) const { ++*retries; }
//   };
#pragma once

#include <atomic>
#include <boost/mp11/list.hpp>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>
#include <utility>
#include <vector>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

#include "category.hpp"
#include "detail/shared.hpp"
#include "stop.hpp"
#include "values.hpp"

namespace grit {

namespace detail {
inline std::string demangle(const char* mangled) {
#if __has_include(<cxxabi.h>)
  int status = 0;
  if (char* out = abi::__cxa_demangle(mangled, nullptr, nullptr, &status)) {
    std::string name = status == 0 ? std::string(out) : std::string(mangled);
    std::free(out);
    return name;
  }
#endif
  return mangled;
}
}  // namespace detail

// The failure behind an event: an exception, or a returned value. Cheap to make; the strings are built only
// when asked for, and only while the event is being delivered (it refers to the live failure).
class Cause {
 public:
  Cause() = default;

  // An exception's message is read through std::exception, not a function made for its type: nothing of it (nor of
  // std::string) is compiled where failures are only retried, unless a sink asks for the message.
  template <class E>
  static Cause of_exception(const E& e) noexcept {
    Cause cause(&e, &typeid(e), nullptr);
    if constexpr (std::is_convertible_v<const E*, const std::exception*>) cause.exception_ = &e;
    return cause;
  }

  template <class V>
  static Cause of_value(const V& v) noexcept {
    return Cause(&v, &typeid(v), [](const void* p) -> std::string {
      const V& value = *static_cast<const V*>(p);
      if constexpr (requires { value.error(); })
        return Cause::of_value(value.error()).message();
      else if constexpr (requires {
                           { value.message() } -> std::convertible_to<std::string>;
                         })
        return value.message();
      else if constexpr (requires {
                           { value.what() } -> std::convertible_to<std::string>;
                         })
        return value.what();
      else if constexpr (std::is_convertible_v<const V&, std::string_view>)
        return std::string(std::string_view(value));
      else if constexpr (std::is_arithmetic_v<V> || std::is_enum_v<V>) {
        if constexpr (std::is_enum_v<V>)
          return std::to_string(static_cast<std::underlying_type_t<V>>(value));
        else
          return std::to_string(value);
      } else
        return {};
    });
  }

  // The failure's type, demangled: "std::system_error", "HttpError". Empty for an unknown cause.
  std::string type_name() const { return type_ ? detail::demangle(type_->name()) : std::string(); }
  // Its message: what() of an exception, message() of an error code, the value of a number.
  std::string message() const {
    if (exception_) return exception_->what();
    return describe_ ? describe_(object_) : std::string();
  }
  const std::type_info* type() const noexcept { return type_; }

 private:
  using Describe = std::string (*)(const void*);
  Cause(const void* object, const std::type_info* type, Describe describe) noexcept
      : object_(object), type_(type), describe_(describe) {}

  const void* object_ = nullptr;
  const std::type_info* type_ = nullptr;
  Describe describe_ = nullptr;
  const std::exception* exception_ = nullptr;
};

// stamina's RetryDetails: a retry has been scheduled; the wait is about to start.
struct RetryDetails {
  std::string_view name;      // the call's name: grit::Name, else the function that made the Retrying
  std::uint64_t retry_num;    // the attempt that failed, from 1
  nanoseconds wait_for;       // the wait before the next attempt
  nanoseconds waited_so_far;  // the sum of this call's earlier waits
  Cause caused_by;
};

struct GiveUpDetails {
  std::string_view name;
  std::uint64_t attempts;  // attempts made, the last one included
  nanoseconds waited;      // the sum of this call's waits
  GiveUpReason reason;
  Cause caused_by;  // the failure the caller receives
};

struct SuccessDetails {
  std::string_view name;
  std::uint64_t attempts;  // attempts made, the successful one included
  nanoseconds waited;
};

// Any callable taking `const RetryDetails&`, kept by value (a copy of the callable); copies are independent, like
// std::function's. An empty hook does nothing. (Not std::function itself: <functional> alone was the largest part of
// what grit's headers cost to compile; see docs/performance.md §4.)
class RetryHook {
 public:
  RetryHook() noexcept = default;
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, RetryHook> &&
           std::is_invocable_v<std::decay_t<F>&, const RetryDetails&>) RetryHook(F&& f)
      : target_(new Target<std::decay_t<F>>(static_cast<F&&>(f))) {}

  RetryHook(const RetryHook& other) : target_(other.target_ ? other.target_->clone() : nullptr) {}
  RetryHook(RetryHook&& other) noexcept : target_(std::exchange(other.target_, nullptr)) {}
  RetryHook& operator=(RetryHook other) noexcept {
    std::swap(target_, other.target_);
    return *this;
  }
  ~RetryHook() { delete target_; }

  explicit operator bool() const noexcept { return target_ != nullptr; }
  void operator()(const RetryDetails& details) const {
    if (target_) target_->call(details);
  }

 private:
  struct Callable {
    virtual ~Callable() = default;
    virtual void call(const RetryDetails&) = 0;
    virtual Callable* clone() const = 0;
  };
  template <class F>
  struct Target final : Callable {
    template <class G>
    explicit Target(G&& g) : f(static_cast<G&&>(g)) {}
    void call(const RetryDetails& details) override { f(details); }
    Callable* clone() const override { return new Target(f); }
    F f;
  };
  Callable* target_ = nullptr;
};

namespace detail {
// What a retry calls to reach the hooks: null until hooks are set. So the registry and the delivery are compiled
// only where hooks are set; a translation unit that only retries reads this pointer. (Constant-initialized: no
// guard, no destructor.)
using HookDelivery = void (*)(const RetryDetails&) noexcept;
inline std::atomic<HookDelivery> hook_delivery{nullptr};
inline void deliver_to_hooks(const RetryDetails& details) noexcept;  // below, after the registry

class HookRegistry {
 public:
  using List = std::vector<RetryHook>;

  void set(List hooks) {
    auto fresh = Shared<const List>::make(std::move(hooks));
    {
      std::lock_guard lock(mutex_);
      std::swap(hooks_, fresh);
      hook_delivery.store(hooks_->empty() ? nullptr : &deliver_to_hooks, std::memory_order_release);
    }
    // `fresh` now holds the old hooks: they are destroyed here, outside the lock, so that a hook whose destructor
    // reads or sets the hooks does not deadlock.
  }
  // A snapshot: hooks set while it is being delivered apply from the next retry on.
  Shared<const List> get() const {
    std::lock_guard lock(mutex_);
    return hooks_;
  }

 private:
  mutable std::mutex mutex_;
  Shared<const List> hooks_;
};

// Never destroyed: a call made during static destruction (a global's destructor that retries, after hooks were set)
// still finds it. Made in static storage rather than on the heap, so that nothing is reported as leaked.
inline HookRegistry& hook_registry() {
  alignas(HookRegistry) static unsigned char storage[sizeof(HookRegistry)];
  static HookRegistry* const registry = ::new (static_cast<void*>(storage)) HookRegistry;
  return *registry;
}

// Calls every hook; one that throws is skipped, the others still run.
inline void deliver_to_hooks(const RetryDetails& details) noexcept {
  const auto hooks = hook_registry().get();
  if (!hooks) return;
  for (const auto& hook : *hooks) {
    try {
      hook(details);
    } catch (...) {
    }
  }
}
}  // namespace detail

namespace instrumentation {
// Replaces the process-wide list of retry hooks; `{}` turns them off. Safe from any thread.
inline void set_on_retry_hooks(std::vector<RetryHook> hooks) { detail::hook_registry().set(std::move(hooks)); }

inline std::vector<RetryHook> get_on_retry_hooks() {
  auto hooks = detail::hook_registry().get();
  return hooks ? *hooks : std::vector<RetryHook>{};
}
}  // namespace instrumentation

template <class S>
concept SinkPolicy = std::same_as<typename S::grit_category, category::sink> && std::move_constructible<S> &&
    requires(const S& s, const RetryDetails& r, const GiveUpDetails& g, const SuccessDetails& ok) {
  s.retry_scheduled(r);
  s.gave_up(g);
  s.succeeded_after_retries(ok);
};

namespace sink {

struct Base {
  using grit_category = category::sink;
  void retry_scheduled(const RetryDetails&) const noexcept {}
  void gave_up(const GiveUpDetails&) const noexcept {}
  void succeeded_after_retries(const SuccessDetails&) const noexcept {}
};

// No instrumentation at all.
struct None : Base {};

// Calls the process-wide hooks (instrumentation::set_on_retry_hooks) when a retry is scheduled, like stamina.
// A hook that throws is skipped; the others still run.
struct Hooks : Base {
  void retry_scheduled(const RetryDetails& details) const noexcept {
    if (const auto deliver = detail::hook_delivery.load(std::memory_order_acquire)) deliver(details);
  }
};

}  // namespace sink

namespace detail {
// Whether a sink overrides an event: events nobody overrides are not even prepared. A handler whose address cannot
// be formed (a template, an overload set) is taken to want its event.
template <class S, class Details>
constexpr bool wants() {
  if constexpr (std::is_same_v<Details, RetryDetails>) {
    if constexpr (requires { &S::retry_scheduled; })
      return !std::is_same_v<decltype(&S::retry_scheduled), decltype(&sink::Base::retry_scheduled)>;
    else
      return true;
  } else if constexpr (std::is_same_v<Details, GiveUpDetails>) {
    if constexpr (requires { &S::gave_up; })
      return !std::is_same_v<decltype(&S::gave_up), decltype(&sink::Base::gave_up)>;
    else
      return true;
  } else {
    if constexpr (requires { &S::succeeded_after_retries; })
      return !std::is_same_v<decltype(&S::succeeded_after_retries), decltype(&sink::Base::succeeded_after_retries)>;
    else
      return true;
  }
}
template <class Details, class... S>
constexpr bool any_wants(boost::mp11::mp_list<S...>) {
  return (wants<S, Details>() || ...);
}

// Hands an event to a sink, by the type of its details.
template <class S>
[[gnu::always_inline]] inline void deliver(const S& sink, const RetryDetails& details) {
  sink.retry_scheduled(details);
}
template <class S>
[[gnu::always_inline]] inline void deliver(const S& sink, const GiveUpDetails& details) {
  sink.gave_up(details);
}
template <class S>
[[gnu::always_inline]] inline void deliver(const S& sink, const SuccessDetails& details) {
  sink.succeeded_after_retries(details);
}
}  // namespace detail

}  // namespace grit
