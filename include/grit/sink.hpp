// Sink policies: where instrumentation goes. Several sinks in one Retrying are all notified. Default: sink::Hooks,
// the process-wide hook list (empty: silent and free). An exception thrown by a sink never replaces the user's
// failure or result: it is swallowed.
//
// The SinkPolicy concept. A type S is a sink policy when, for `const S s`:
//   1. `S::grit_category` is `grit::category::sink` (deriving from `grit::sink::Base` provides it);
//   2. S is move-constructible;
//   3. `s.retry_scheduled(const RetryDetails&)` is callable: a retry was decided, before its wait;
//   4. `s.gave_up(const GiveUpDetails&)` is callable: a retryable failure was not retried any more;
//   5. `s.succeeded_after_retries(const SuccessDetails&)` is callable: success after at least one retry;
//   6. optionally, `s.wait_scope(const RetryDetails&)` returns a scope object (movable, noexcept destructor), made
//      after retry_scheduled and held during the wait: destroyed exactly once, before the next attempt or when the
//      call ends (stamina's context-manager hooks, for tracing spans). One that throws makes no scope.
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
#include "detail/exceptions.hpp"
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

// The name of T as the compiler writes it in a function's signature ("HttpError", "std::system_error"), for a build
// without RTTI: "... static_type_name() [with T = X; ...]" (GCC) or "... static_type_name() [T = X]" (clang).
template <class T>
std::string_view static_type_name() noexcept {
  const std::string_view signature = __PRETTY_FUNCTION__;
  const std::size_t from = signature.find("T = ");
  if (from == std::string_view::npos) return signature;
  std::string_view name = signature.substr(from + 4);
  const std::size_t semicolon = name.find(';');
  if (semicolon != std::string_view::npos) return name.substr(0, semicolon);
  const std::size_t bracket = name.rfind(']');
  return bracket == std::string_view::npos ? name : name.substr(0, bracket);
}
}  // namespace detail

// (Addresses of user objects are taken with __builtin_addressof, std::addressof without <memory>: a failure type or
// a function object may overload or delete operator&.)
// The failure behind an event: an exception, or a returned value. Made by the schedule as a view of the live failure,
// at no cost: its strings are built only when a sink asks for them. A copy (a sink keeping an event) owns the text,
// read from the failure while it is alive, so a RetryDetails or GiveUpDetails kept after its event stays valid.
class Cause {
 public:
  Cause() = default;
  Cause(const Cause& other) : type_(other.type_), own_name_(other.own_name_), text_(Text::share(other.text_)) {
    if (!text_ && (other.exception_ || other.describe_)) text_ = new Text(other.type_name(), other.message());
  }
  ~Cause() {
    if (text_) Text::release(text_);
  }
  Cause& operator=(const Cause& other) {
    Cause copy(other);
    std::swap(object_, copy.object_);
    std::swap(type_, copy.type_);
    std::swap(describe_, copy.describe_);
    std::swap(exception_, copy.exception_);
    std::swap(own_name_, copy.own_name_);
    std::swap(text_, copy.text_);
    return *this;
  }
  // The same view, not an owning copy: how the schedule hands a failure to the sinks.
  struct View {};
  Cause(View, const Cause& other) noexcept
      : object_(other.object_),
        type_(other.type_),
        describe_(other.describe_),
        exception_(other.exception_),
        own_name_(other.own_name_),
        text_(Text::share(other.text_)) {}

  // An exception's message is read through std::exception, not a function made for its type: nothing of it (nor of
  // std::string) is compiled where failures are only retried, unless a sink asks for the message.
  // Without RTTI (-fno-rtti) there is no type_info: type() is nullptr, and type_name() is the static type's name
  // (the type the filter caught, not the dynamic type of the object thrown).
  template <class E>
  static Cause of_exception(const E& e) noexcept {
#if GRIT_DETAIL_RTTI
    if constexpr (std::is_convertible_v<const E*, const std::exception*>)
      return Cause(nullptr, &typeid(e), nullptr, __builtin_addressof(e));
    else
      return Cause(nullptr, &typeid(e), nullptr, nullptr);
#else
    if constexpr (std::is_convertible_v<const E*, const std::exception*>)
      return Cause(nullptr, nullptr, &name_only<E>, __builtin_addressof(e), true);
    else
      return Cause(nullptr, nullptr, &name_only<E>, nullptr, true);
#endif
  }

  // A returned failure: for an expected-like value holding an error, the error itself (its type is the error's,
  // not the whole std::expected<...>'s).
  template <class V>
  static Cause of_value(const V& v) noexcept {
    if constexpr (requires {
                    v.has_value();
                    v.error();
                  }) {
      if (!v.has_value()) return of_value(v.error());
    }
#if GRIT_DETAIL_RTTI
    return Cause(__builtin_addressof(v), &typeid(v), &describe<V>, nullptr,
                 std::is_same_v<V, std::error_code> || std::is_same_v<V, std::error_condition>);
#else
    return Cause(__builtin_addressof(v), nullptr, &describe_statically<V>, nullptr, true);
#endif
  }

  // The failure's type: "std::system_error", "HttpError" (demangled), or for an error code its category and value,
  // "generic:110". Empty for an unknown cause.
  std::string type_name() const {
    if (text_) return std::string(text_->type_name());
    if (own_name_) return describe_(object_, true);
    return type_ ? detail::demangle(type_->name()) : std::string();
  }
  // Its message: what() of an exception, message() of an error code, the value of a number.
  std::string message() const {
    if (text_) return std::string(text_->message());
    if (exception_) return exception_->what();
    return describe_ ? describe_(object_, false) : std::string();
  }
  const std::type_info* type() const noexcept { return type_; }
  // Whether type_name() is the demangled name of type() (so that a sink may cache it by type).
  bool named_by_type() const noexcept { return type_ && !own_name_ && !text_; }

 private:
  // A copy's own text: one buffer for both strings, counted by the Causes that share it. Not std::string nor
  // detail::Shared: a Cause dies wherever a failure is retried, and its destructor must bring no code along but a
  // test and a call (codegen.shared_code, -O0).
  class Text {
   public:
    Text(const std::string& type_name, const std::string& message)
        : chars_(new char[type_name.size() + message.size()]),
          type_size_(type_name.size()),
          size_(type_name.size() + message.size()) {
      type_name.copy(chars_, type_size_);
      message.copy(chars_ + type_size_, message.size());
    }
    Text(const Text&) = delete;
    Text& operator=(const Text&) = delete;
    std::string_view type_name() const noexcept { return {chars_, type_size_}; }
    std::string_view message() const noexcept { return {chars_ + type_size_, size_ - type_size_}; }

    static const Text* share(const Text* text) noexcept {
      if (text) text->refs_.fetch_add(1, std::memory_order_relaxed);
      return text;
    }
    [[gnu::noinline]] static void release(const Text* text) noexcept {
      if (text->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        delete[] text->chars_;
        delete text;
      }
    }

   private:
    ~Text() = default;
    char* chars_;
    std::size_t type_size_;
    std::size_t size_;
    mutable std::atomic<std::size_t> refs_{1};
  };
  using Describe = std::string (*)(const void*, bool type_name);
  Cause(const void* object, const std::type_info* type, Describe describe, const std::exception* exception,
        bool own_name = false) noexcept
      : object_(object), type_(type), describe_(describe), exception_(exception), own_name_(own_name) {}

#if !GRIT_DETAIL_RTTI
  // Without RTTI, a failure's name is its static type's.
  template <class E>
  static std::string name_only(const void*, bool type_name) {
    return type_name ? std::string(detail::static_type_name<E>()) : std::string();
  }
  template <class V>
  static std::string describe_statically(const void* p, bool type_name) {
    if constexpr (!(std::is_same_v<V, std::error_code> || std::is_same_v<V, std::error_condition>))
      if (type_name) return std::string(detail::static_type_name<V>());
    return describe<V>(p, type_name);
  }
#endif
  template <class V>
  static std::string describe(const void* p, bool type_name) {
    const V& value = *static_cast<const V*>(p);
    if constexpr (std::is_same_v<V, std::error_code> || std::is_same_v<V, std::error_condition>) {
      if (type_name) return std::string(value.category().name()) + ":" + std::to_string(value.value());
      return value.message();
    } else if constexpr (requires { value.error(); }) {
      return {};  // an expected-like value holding a value (its error is described by of_value)
    } else if constexpr (requires {
                           { value.message() } -> std::convertible_to<std::string>;
                         }) {
      return value.message();
    } else if constexpr (requires {
                           { value.what() } -> std::convertible_to<std::string>;
                         }) {
      return value.what();
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
      return std::string(std::string_view(value));
    } else if constexpr (std::is_enum_v<V>) {
      return std::to_string(static_cast<std::underlying_type_t<V>>(value));
    } else if constexpr (std::is_arithmetic_v<V>) {
      return std::to_string(value);
    } else {
      return {};
    }
  }

  const void* object_ = nullptr;
  const std::type_info* type_ = nullptr;
  Describe describe_ = nullptr;
  const std::exception* exception_ = nullptr;
  bool own_name_ = false;
  const Text* text_ = nullptr;  // a copy's own text
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

namespace detail {
// A scope object a hook returned for one retry (any movable type with a noexcept destructor), boxed; the boxes of
// one retry form a list, destroyed in the reverse order of the hooks that made them.
struct ScopeBox {
  virtual ~ScopeBox() = default;
  ScopeBox* next = nullptr;
};
template <class S>
struct ScopeOf final : ScopeBox {
  template <class F>
  explicit ScopeOf(F&& make) : scope(static_cast<F&&>(make)()) {}
  S scope;
};
// The scopes the process-wide hooks returned for one retry: what sink::Hooks::wait_scope returns.
class HookScopes {
 public:
  HookScopes() noexcept = default;
  explicit HookScopes(ScopeBox* head) noexcept : head_(head) {}
  HookScopes(HookScopes&& other) noexcept : head_(other.release()) {}
  HookScopes& operator=(HookScopes&&) = delete;
  ~HookScopes() { destroy(head_); }
  ScopeBox* release() noexcept { return std::exchange(head_, nullptr); }
  static void destroy(ScopeBox* head) noexcept {
    while (head) delete std::exchange(head, head->next);
  }

 private:
  ScopeBox* head_ = nullptr;
};
}  // namespace detail

// Any callable taking `const RetryDetails&`, kept by value (a copy of the callable); copies are independent, like
// std::function's. An empty hook does nothing. A hook may return a scope object (stamina's context-manager hooks):
// grit holds it during the wait and destroys it exactly once, before the next attempt or when the call ends. (Not
// std::function itself: <functional> alone was the largest part of what grit's headers cost to compile; see
// docs/performance.md §4.)
class RetryHook {
 public:
  RetryHook() noexcept = default;
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, RetryHook> &&
           std::is_invocable_v<std::decay_t<F>&, const RetryDetails&>) RetryHook(F&& f)
      : target_(new Target<std::decay_t<F>>(static_cast<F&&>(f))) {
    using Scope = std::invoke_result_t<std::decay_t<F>&, const RetryDetails&>;
    static_assert(std::is_void_v<Scope> || (std::is_move_constructible_v<std::decay_t<Scope>> &&
                                            std::is_nothrow_destructible_v<std::decay_t<Scope>>),
                  "grit: a retry hook returns nothing, or a scope object held during the wait: a movable type with "
                  "a noexcept destructor");
  }

  RetryHook(const RetryHook& other) : target_(other.target_ ? other.target_->clone() : nullptr) {}
  RetryHook(RetryHook&& other) noexcept : target_(std::exchange(other.target_, nullptr)) {}
  RetryHook& operator=(RetryHook other) noexcept {
    std::swap(target_, other.target_);
    return *this;
  }
  ~RetryHook() { delete target_; }

  explicit operator bool() const noexcept { return target_ != nullptr; }
  // Calls the hook; a scope it returns ends at once.
  void operator()(const RetryDetails& details) const { delete enter(details); }
  // Calls the hook; the scope it returns, if any, boxed (the caller destroys it).
  detail::ScopeBox* enter(const RetryDetails& details) const { return target_ ? target_->call(details) : nullptr; }

 private:
  struct Callable {
    virtual ~Callable() = default;
    virtual detail::ScopeBox* call(const RetryDetails&) = 0;
    virtual Callable* clone() const = 0;
  };
  template <class F>
  struct Target final : Callable {
    template <class G>
    explicit Target(G&& g) : f(static_cast<G&&>(g)) {}
    detail::ScopeBox* call(const RetryDetails& details) override {
      using Scope = std::decay_t<std::invoke_result_t<F&, const RetryDetails&>>;
      if constexpr (std::is_void_v<Scope>) {
        f(details);
        return nullptr;
      } else {
        return new detail::ScopeOf<Scope>([&]() -> Scope { return f(details); });
      }
    }
    Callable* clone() const override { return new Target(f); }
    F f;
  };
  Callable* target_ = nullptr;
};

namespace detail {
// What a retry calls to reach the hooks: null until hooks are set. So the registry and the delivery are compiled
// only where hooks are set; a translation unit that only retries reads this pointer. (Constant-initialized: no
// guard, no destructor.)
using HookDelivery = ScopeBox* (*)(const RetryDetails&) noexcept;
inline std::atomic<HookDelivery> hook_delivery{nullptr};
inline ScopeBox* deliver_to_hooks(const RetryDetails& details) noexcept;  // below, after the registry

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

// Calls every hook; one that throws is skipped, the others still run. Returns the scopes they made, the last first.
inline ScopeBox* deliver_to_hooks(const RetryDetails& details) noexcept {
  const auto hooks = hook_registry().get();
  ScopeBox* scopes = nullptr;
  if (!hooks) return scopes;
  for (const auto& hook : *hooks) {
    GRIT_DETAIL_TRY {
      if (ScopeBox* scope = hook.enter(details)) {
        scope->next = scopes;
        scopes = scope;
      }
    }
    GRIT_DETAIL_CATCH_ALL {}
  }
  return scopes;
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

// Calls the process-wide hooks (instrumentation::set_on_retry_hooks) when a retry is scheduled, like stamina, and
// holds the scopes they return during the wait. A hook that throws is skipped; the others still run.
struct Hooks : Base {
  detail::HookScopes wait_scope(const RetryDetails& details) const noexcept {
    if (const auto deliver = detail::hook_delivery.load(std::memory_order_acquire))
      return detail::HookScopes(deliver(details));
    return {};
  }
};

}  // namespace sink

namespace detail {
template <class S>
concept has_wait_scope = requires(const S& s, const RetryDetails& d) {
  s.wait_scope(d);
};
template <class S>
using wait_scope_t = decltype(std::declval<const S&>().wait_scope(std::declval<const RetryDetails&>()));

// Whether a sink overrides an event: events nobody overrides are not even prepared. A handler whose address cannot
// be formed (a template, an overload set) is taken to want its event.
template <class S, class Details>
constexpr bool wants() {
  if constexpr (std::is_same_v<Details, RetryDetails>) {
    if constexpr (has_wait_scope<S>)
      return true;
    else if constexpr (requires { &S::retry_scheduled; })
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
