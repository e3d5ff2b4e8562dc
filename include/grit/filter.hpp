// Filter policies: which failures are transient. A Retrying needs at least one; a failure that no filter accepts
// reaches the caller at once, unchanged. Filters are consulted in the order written; the first that says "retry"
// decides. Cancellation (grit::Cancelled, std::errc::operation_canceled, a type with `grit_is_cancellation`) is
// never retried, whatever a filter says.
//
// Predicates return `bool`, a std::chrono duration (the exact next wait, e.g. from a Retry-After header; a negative
// one means "do not retry", gRPC's pushback rule) or a `grit::Verdict`.
//
// The FilterPolicy concept: an exception filter or a result filter. A type F is an exception filter when:
//   1. `F::grit_category` is `grit::category::filter`, and F is move-constructible;
//   2. `F::exception_types` is a `boost::mp11::mp_list<E...>` of the exception types it catches;
//   3. for each E, `f.classify(e)` (with `const F f`, `const E e`) returns a `grit::Verdict`.
// A type F is a result filter when 1 holds and:
//   2. `F::is_result_filter` is true;
//   3. `F::template accepts<R>` says whether it can inspect a returned R;
//   4. `f.classify_result(r)` returns a `grit::Verdict` for such an R (give up = return r to the caller).
// The smallest exception filter:
//
//   struct RetryOnTimeouts {
//     using grit_category = grit::category::filter;
//     using exception_types = boost::mp11::mp_list<std::system_error>;
//     grit::Verdict classify(const std::system_error& e) const {
//       return e.code() == std::errc::timed_out ? grit::Verdict::retry() : grit::Verdict::give_up();
//     }
//   };
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/bind.hpp>
#include <boost/mp11/function.hpp>
#include <boost/mp11/list.hpp>
#include <chrono>
#include <concepts>
#include <exception>
#include <optional>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "category.hpp"
#include "detail/arithmetic.hpp"
#include "detail/category.hpp"
#include "detail/exceptions.hpp"
#include "values.hpp"

namespace grit {

// A filter's answer for one failure.
class Verdict {
 public:
  static constexpr Verdict give_up() noexcept { return Verdict(Kind::give_up, {}); }
  static constexpr Verdict retry() noexcept { return Verdict(Kind::retry, {}); }
  // Retry after exactly `wait` (not jittered, not capped; still clamped to a Timeout's deadline).
  static constexpr Verdict retry_after(nanoseconds wait) noexcept {
    return wait.count() < 0 ? give_up() : Verdict(Kind::retry_after, wait);
  }

  constexpr bool retries() const noexcept { return kind_ != Kind::give_up; }
  constexpr bool has_exact_wait() const noexcept { return kind_ == Kind::retry_after; }
  constexpr nanoseconds exact_wait() const noexcept { return wait_; }

  friend constexpr bool operator==(const Verdict&, const Verdict&) = default;

 private:
  enum class Kind : unsigned char { give_up, retry, retry_after };
  constexpr Verdict(Kind k, nanoseconds w) noexcept : kind_(k), wait_(w) {}
  Kind kind_;
  nanoseconds wait_;
};

// A duration a predicate returned: the exact next wait; NaN (a Retry-After header parsed into garbage, say) is no
// answer at all, so the backoff applies: a predicate's bad answer never replaces the failure with an error of grit's.
template <class Rep, class Period>
constexpr Verdict exact_wait_or_backoff(std::chrono::duration<Rep, Period> d) {
  return detail::is_nan(d) ? Verdict::retry() : Verdict::retry_after(detail::to_nanoseconds(d));
}

// Turns what a predicate returned into a Verdict: bool, a std::chrono duration, or an optional duration.
template <class T>
constexpr Verdict to_verdict(const T& answer) {
  if constexpr (std::same_as<T, Verdict>) {
    return answer;
  } else if constexpr (std::same_as<T, bool>) {
    return answer ? Verdict::retry() : Verdict::give_up();
  } else if constexpr (requires { detail::to_nanoseconds(answer); }) {
    return exact_wait_or_backoff(answer);
  } else if constexpr (requires {
                         answer.has_value();
                         detail::to_nanoseconds(*answer);
                       }) {
    return answer.has_value() ? exact_wait_or_backoff(*answer) : Verdict::give_up();
  } else {
    static_assert(sizeof(T) == 0,
                  "grit: a filter predicate must return bool (retry or not) or a std::chrono duration (retry after "
                  "exactly that long)");
    return Verdict::give_up();  // not reached: keeps the failed assertion the only error
  }
}

namespace detail {
// What a filter predicate may return (see to_verdict): checked where the predicate's type is known.
template <class T>
concept verdict_answer = std::same_as<T, Verdict> || std::same_as<T, bool> || requires(const T& answer) {
  detail::to_nanoseconds(answer);
} || requires(const T& answer) {
  answer.has_value();
  detail::to_nanoseconds(*answer);
};

// Whether Pred can be called with a const A and returns a verdict_answer.
template <class Pred, class A>
constexpr bool answers_with_verdict() {
  if constexpr (std::is_invocable_v<const Pred&, const A&>)
    return verdict_answer<std::remove_cvref_t<std::invoke_result_t<const Pred&, const A&>>>;
  else
    return false;
}
}  // namespace detail

// --- cancellation --------------------------------------------------------------------------------------------

// Thrown or returned to say "the caller cancelled": never retried.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "grit: operation cancelled"; }
};

namespace detail {
inline bool is_cancellation(const std::error_code& e) noexcept { return e == std::errc::operation_canceled; }
inline bool is_cancellation(const std::error_condition& e) noexcept { return e == std::errc::operation_canceled; }
inline bool is_cancellation(const std::system_error& e) noexcept { return is_cancellation(e.code()); }
inline bool is_cancellation(const Cancelled&) noexcept { return true; }
// Through a base class, the dynamic type decides. Without RTTI (-fno-rtti) there is no dynamic type to ask: only the
// overloads above, chosen by the static type, recognise a cancellation, so a grit::Cancelled (or a std::system_error
// saying operation_canceled) caught by a filter on a base class such as std::exception is not recognised, and is
// classified by the filter like any other failure.
inline bool is_cancellation([[maybe_unused]] const std::exception& e) noexcept {
#if GRIT_DETAIL_RTTI
  if (dynamic_cast<const Cancelled*>(&e)) return true;
  if (const auto* s = dynamic_cast<const std::system_error*>(&e)) return is_cancellation(s->code());
#endif
  return false;
}

// A user type says it is a cancellation with a function found by ADL: `bool grit_is_cancellation(const T&)`.
template <class T>
bool is_cancellation_of(const T& failure) noexcept {
  if constexpr (requires {
                  { grit_is_cancellation(failure) } -> std::convertible_to<bool>;
                })
    return grit_is_cancellation(failure);
  else if constexpr (requires { detail::is_cancellation(failure); })
    return detail::is_cancellation(failure);
  else
    return false;
}

// The parameters of a callable that is not generic, read from its type (`&F::operator()`) so that nothing of its
// body is instantiated: a generic lambda's body, tried with an exception type it was not written for, would fail
// inside the lambda before any grit: message. `known` is false for a generic or overloaded call operator.
template <class F>
struct call_signature {
  static constexpr bool known = false;
  using parameters = boost::mp11::mp_list<>;
};
template <class R, class... A>
struct call_signature<R (*)(A...)> {
  static constexpr bool known = true;
  using parameters = boost::mp11::mp_list<A...>;
};
template <class R, class... A>
struct call_signature<R (*)(A...) noexcept> : call_signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...) const> : call_signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...) const noexcept> : call_signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...)> : call_signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...) noexcept> : call_signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...) const&> : call_signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct call_signature<R (C::*)(A...) const& noexcept> : call_signature<R (*)(A...)> {};
template <class F>
requires requires { &F::operator(); }
struct call_signature<F> : call_signature<decltype(&F::operator())> {};

// What a RetryIf predicate's type says, and the exception type it catches (std::exception when the predicate says
// none: a placeholder, for a predicate already rejected with a grit: message).
template <class Pred>
struct PredicateShape {
  using signature = call_signature<Pred>;
  static constexpr bool named = signature::known;
  static constexpr bool unary = boost::mp11::mp_size<typename signature::parameters>::value == 1;
  using parameter = boost::mp11::mp_eval_if_c<!unary, void, boost::mp11::mp_front, typename signature::parameters>;
  static constexpr bool class_parameter = std::is_class_v<std::remove_cvref_t<parameter>>;
  // By value or by const reference: a non-const reference could not bind the caught exception, which is const.
  static constexpr bool const_parameter =
      !std::is_reference_v<parameter> || std::is_const_v<std::remove_reference_t<parameter>>;
  using caught = std::conditional_t<named && unary && class_parameter, std::remove_cvref_t<parameter>, std::exception>;
};

// Holds a predicate: nothing when it is an empty type, the object otherwise.
template <class Pred>
class PredicateHolder {
 protected:
  [[no_unique_address]] Pred pred_;

 public:
  constexpr PredicateHolder() requires std::default_initializable<Pred>
  = default;
  constexpr explicit PredicateHolder(Pred pred) : pred_(std::move(pred)) {}
};

template <class T>
concept expected_like = requires(const T& r) {
  { r.has_value() } -> std::convertible_to<bool>;
  r.error();
};

struct AnyError {
  template <class E>
  constexpr bool operator()(const E&) const noexcept {
    return true;
  }
};

}  // namespace detail

template <class F>
concept ExceptionFilter = std::same_as<typename F::grit_category, category::filter> && std::move_constructible<F> &&
    boost::mp11::mp_is_list<typename F::exception_types>::value;

template <class F>
concept ResultFilter =
    std::same_as<typename F::grit_category, category::filter> && std::move_constructible<F> && F::is_result_filter;

template <class F>
concept FilterPolicy = ExceptionFilter<F> || ResultFilter<F>;

template <class... E>
struct RetryOn;

namespace detail {
// The exception types an argument of RetryOn stands for: itself, or, for a list type (another RetryOn<...>, a
// std::tuple<...>, a boost::mp11::mp_list<...>), the types it lists, flattened to any depth. So the natural port of
// stamina's `on=RETRYABLE`, `RetryOn<Retryable>` with `using Retryable = RetryOn<A, B>`, retries A and B instead of
// catching an exception of type RetryOn<A, B> that nobody throws.
template <class T>
struct listed_exceptions {
  using type = boost::mp11::mp_list<T>;
};
template <class... T>
struct listed_exceptions<RetryOn<T...>> {
  using type = boost::mp11::mp_append<boost::mp11::mp_list<>, typename listed_exceptions<T>::type...>;
};
template <class... T>
struct listed_exceptions<std::tuple<T...>> : listed_exceptions<RetryOn<T...>> {};
template <class... T>
struct listed_exceptions<boost::mp11::mp_list<T...>> : listed_exceptions<RetryOn<T...>> {};

// A type named once even when several lists name it: one catch clause each.
template <class... E>
using flattened_exceptions = boost::mp11::mp_unique<typename listed_exceptions<RetryOn<E...>>::type>;

// Whether none of T... is a grit policy (a type with a category tag): `RetryOn<RetryIf<P>>` is a mistake.
template <class... T>
constexpr bool names_no_policy(boost::mp11::mp_list<T...>) {
  return (!is_policy<T> && ...);
}
}  // namespace detail

// Retries on exceptions of these types, derived ones included. A list type among them (RetryOn<A, B>,
// std::tuple<A, B>, boost::mp11::mp_list<A, B>) stands for the types it lists.
template <class... E>
struct RetryOn {
  using grit_category = category::filter;
  using exception_types = detail::flattened_exceptions<E...>;

  // The checks sit in a lambda so that, when one fails, the class itself stays valid: clang would otherwise mark it
  // invalid, and Retrying would add a misleading "not a policy" error after this one. (The same in every policy.)
  static_assert([] {
    static_assert(!boost::mp11::mp_empty<exception_types>::value,
                  "grit: RetryOn<> names no exception type; write RetryOn<YourError, ...>");
    static_assert(boost::mp11::mp_all_of<exception_types, std::is_class>::value,
                  "grit: RetryOn<E...> takes exception class types (not references, pointers or built-in types)");
    static_assert(detail::names_no_policy(exception_types{}),
                  "grit: RetryOn<E...> takes exception types, and a grit policy is not one; give the policy to "
                  "Retrying<...> itself, beside the RetryOn");
    return true;
  }());

  template <class X>
  static constexpr Verdict classify(const X&) noexcept {
    return Verdict::retry();
  }
};

// Retries on an exception when Pred says so. Pred takes the exception (its parameter type is what is caught, so it
// is named, not `auto`: `const std::exception&` for every exception) and returns bool, a duration (the exact next
// wait) or a Verdict.
template <class Pred>
class RetryIf : public detail::PredicateHolder<Pred> {
  using shape = detail::PredicateShape<Pred>;
  using caught = typename shape::caught;
  // Whether every check below passes; only then is the predicate called (so a misuse is one error).
  static constexpr bool well_formed = [] {
    // Nested, not one &&: naming is_invocable instantiates a generic predicate's body, which must not happen.
    if constexpr (!(shape::named && shape::unary && shape::class_parameter && shape::const_parameter))
      return false;
    else if constexpr (!std::is_invocable_v<const Pred&, const caught&>)
      return false;
    else
      return detail::answers_with_verdict<Pred, caught>();
  }();
  // Each check only once the one before it passed, so that a misuse is one error (see RetryOn for the lambda).
  static_assert([] {
    if constexpr (!shape::named)
      static_assert(shape::named,
                    "grit: RetryIf's predicate must name the exception type it takes, e.g. [](const HttpError& e) { "
                    "return e.status() >= 500; }: that type is what is caught, so it cannot be generic (auto) or "
                    "overloaded; write const std::exception& to see every exception");
    else if constexpr (!shape::unary)
      static_assert(shape::unary,
                    "grit: RetryIf's predicate takes exactly one parameter, the exception, e.g. "
                    "[](const HttpError& e) { return e.status() >= 500; }");
    else if constexpr (!shape::class_parameter)
      static_assert(shape::class_parameter,
                    "grit: RetryIf's predicate must take one exception (class type) parameter, e.g. "
                    "[](const HttpError& e) { return e.status() >= 500; }");
    else if constexpr (!shape::const_parameter)
      static_assert(shape::const_parameter,
                    "grit: RetryIf's predicate must take the exception by const reference (the caught exception is "
                    "const), e.g. [](const HttpError& e) { return e.status() >= 500; }");
    else if constexpr (!std::is_invocable_v<const Pred&, const caught&>)
      static_assert(std::is_invocable_v<const Pred&, const caught&>,
                    "grit: RetryIf's predicate must be callable as a const object: not a mutable lambda, and a call "
                    "operator marked const");
    else
      static_assert(well_formed,
                    "grit: RetryIf's predicate must return bool (retry or not) or a std::chrono duration (retry "
                    "after exactly that long), or a grit::Verdict (Verdict::retry() for the backoff)");
    return true;
  }());

 public:
  using grit_category = category::filter;
  using exception_types = boost::mp11::mp_list<caught>;
  using detail::PredicateHolder<Pred>::PredicateHolder;

  Verdict classify(const caught& e) const {
    if constexpr (well_formed)
      return to_verdict(this->pred_(e));
    else
      return Verdict::give_up();  // not reached: a check above has failed; no second error
  }
};
template <class Pred>
RetryIf(Pred) -> RetryIf<Pred>;

namespace detail {
// A returned value that is a cancellation (an error code, grit::Cancelled), or an expected-like value holding one.
template <class R>
bool is_returned_cancellation(const R& r) noexcept {
  if constexpr (expected_like<R>)
    return !r.has_value() && is_cancellation_of(r.error());
  else
    return is_cancellation_of(r);
}
}  // namespace detail

// Retries when the function returns an expected-like value (`has_value()`, `error()`) holding an error that Pred
// accepts; by default, any error. On giving up, the caller gets that same returned value.
template <class Pred = detail::AnyError>
class RetryOnError : public detail::PredicateHolder<Pred> {
 public:
  using grit_category = category::filter;
  static constexpr bool is_result_filter = true;
  // A value that holds no error is never retried: drivers may return it without asking classify_result.
  static constexpr bool inspects_errors_only = true;
  template <class R>
  static constexpr bool accepts = detail::expected_like<R>;
  using detail::PredicateHolder<Pred>::PredicateHolder;

  template <detail::expected_like R>
  Verdict classify_result(const R& r) const {
    if constexpr (!std::is_invocable_v<const Pred&, decltype(r.error())>) {
      static_assert(std::is_invocable_v<const Pred&, decltype(r.error())>,
                    "grit: RetryOnError's predicate must take the error type of the returned value");
      return Verdict::give_up();  // not reached: keeps the failed assertion the only error
    } else {
      if (r.has_value()) return Verdict::give_up();
      if (detail::is_cancellation_of(r.error())) return Verdict::give_up();
      return to_verdict(this->pred_(r.error()));
    }
  }
};
template <class Pred>
RetryOnError(Pred) -> RetryOnError<Pred>;

// Retries when Pred says the returned value means "try again" (an HTTP 503 response, an empty poll).
// On giving up, the caller gets that same returned value.
template <class Pred>
class RetryOnResult : public detail::PredicateHolder<Pred> {
 public:
  using grit_category = category::filter;
  static constexpr bool is_result_filter = true;
  template <class R>
  static constexpr bool accepts = std::is_invocable_v<const Pred&, const R&>;
  using detail::PredicateHolder<Pred>::PredicateHolder;

  template <class R>
  Verdict classify_result(const R& r) const {
    if (detail::is_returned_cancellation(r)) return Verdict::give_up();  // whatever the predicate says
    return to_verdict(this->pred_(r));
  }
};
template <class Pred>
RetryOnResult(Pred) -> RetryOnResult<Pred>;

// --- What drivers need of a Retrying's filters --------------------------------------------------------------------
namespace detail {

template <class T>
using is_exception_filter = boost::mp11::mp_bool<ExceptionFilter<T>>;
template <class T>
using is_result_filter = boost::mp11::mp_bool<ResultFilter<T>>;

// One catch clause: filter F catching E.
template <class F, class E>
struct Level {
  using filter = F;
  using exception = E;
};
template <class F>
using levels_of = boost::mp11::mp_transform_q<boost::mp11::mp_bind_front<Level, F>, typename F::exception_types>;
// The catch clauses of a list of filters, in the order written.
template <class Filters>
using catch_levels =
    boost::mp11::mp_apply<boost::mp11::mp_append,
                          boost::mp11::mp_transform<levels_of, boost::mp11::mp_copy_if<Filters, is_exception_filter>>>;

template <class Filters>
using result_filters_of = boost::mp11::mp_copy_if<Filters, is_result_filter>;

template <class F>
using inspects_errors_only = boost::mp11::mp_bool < requires {
  requires F::inspects_errors_only;
}
> ;
// Whether every result filter looks only at errors (RetryOnError), so that a value holding none needs no verdict.
template <class ResultFilters>
inline constexpr bool errors_only = boost::mp11::mp_all_of<ResultFilters, inspects_errors_only>::value;

// The verdict of result filters F... on a returned value: the first that says "retry" decides. `policies` is
// anything that has policy<F>() (a Retrying, a plan). A fold, not a capturing lambda: the result's address is never
// taken, so a small result stays in registers.
template <class... F, class Policies, class R>
[[gnu::always_inline]] inline Verdict result_verdict(boost::mp11::mp_list<F...>, const Policies& policies,
                                                     const R& result) {
  Verdict verdict = Verdict::give_up();
  (void)(((verdict = policies.template policy<F>().classify_result(result)).retries() || ...));
  return verdict;
}

}  // namespace detail
}  // namespace grit
