// A Retrying's storage: one base per policy, and the making of it from the policies given to a constructor.
#pragma once

#include <boost/mp11/list.hpp>
#include <cstddef>
#include <type_traits>

#include "exceptions.hpp"

namespace grit::detail {

// Policy storage: one base per policy, each a distinct type, so that empty policies take no room and a policy is
// found by a static_cast (no std::tuple: cheaper to instantiate, and nothing to emit per type at -O0).
template <class T>
struct Holder {
  [[no_unique_address]] T value;
};
template <class... T>
struct PolicyStore : Holder<T>... {};

// A policy for Retrying's constructor: the one given (as a run-time value), else default-made.
template <class T, class G, class... Rest>
[[gnu::always_inline]] inline constexpr decltype(auto) given_of(G&& g, Rest&&... rest) noexcept {
  if constexpr (std::is_same_v<std::remove_cvref_t<G>, T>)
    return static_cast<G&&>(g);
  else
    return given_of<T>(static_cast<Rest&&>(rest)...);
}

template <class T, class... Given>
[[gnu::always_inline]] inline constexpr T pick(Given&&... given) {
  constexpr std::size_t count = (std::size_t{0} + ... + std::size_t{std::is_same_v<std::remove_cvref_t<Given>, T>});
  if constexpr (count > 1) {
    static_assert(count <= 1, "grit: the same policy is passed twice to Retrying's constructor; pass it once");
    GRIT_DETAIL_RETHROW;  // not reached: keeps the failed assertion the only error
  } else if constexpr (count == 1) {
    return T(given_of<T>(static_cast<Given&&>(given)...));
  } else if constexpr (std::is_default_constructible_v<T>) {
    return T{};
  } else {
    static_assert(std::is_default_constructible_v<T>,
                  "grit: a policy of this Retrying holds run-time values (it was written with grit::runtime or "
                  "takes a predicate object), so it cannot be default-made; pass the policy object to the "
                  "Retrying's constructor, e.g. Retrying<..., stop::Attempts<>>{stop::Attempts<>{5}}");
    GRIT_DETAIL_RETHROW;  // not reached: keeps the failed assertion the only error
  }
}

template <class... T, class... Given>
[[gnu::always_inline]] inline constexpr PolicyStore<T...> make_store(boost::mp11::mp_list<T...>, Given&&... given) {
  return PolicyStore<T...>{Holder<T>{pick<T>(static_cast<Given&&>(given)...)}...};
}

}  // namespace grit::detail
