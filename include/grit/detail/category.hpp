// Sorting types by their category tag (category.hpp), for Retrying.
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <boost/mp11/utility.hpp>
#include <cstddef>
#include <type_traits>

#include "../category.hpp"

namespace grit::detail {

template <class T>
using category_of = typename T::grit_category;

template <class T>
inline constexpr bool is_policy = boost::mp11::mp_valid<category_of, T>::value;

template <class T>
struct category_or_void {
  using type = void;
};
template <class T>
requires requires { typename T::grit_category; }
struct category_or_void<T> {
  using type = typename T::grit_category;
};

// The policies of List in category Tag, in order. One expansion over the list (mp_copy_if would make a class
// template per call, and Retrying sorts its policies into seven categories).
template <class Tag, class List>
struct of_category_impl;
template <class Tag, class... T>
struct of_category_impl<Tag, boost::mp11::mp_list<T...>> {
  using type = boost::mp11::mp_append<boost::mp11::mp_list<>,
                                      std::conditional_t<std::is_same_v<typename category_or_void<T>::type, Tag>,
                                                         boost::mp11::mp_list<T>, boost::mp11::mp_list<>>...>;
};
template <class Tag, class List>
using of_category = typename of_category_impl<Tag, List>::type;

// Whether no type appears twice. Pairwise std::is_same_v: no class template is made per step, as mp_is_set's
// set-building would (measurably slower to compile for each Retrying type).
template <class T, class... U>
inline constexpr std::size_t count_of = (std::size_t{0} + ... + std::size_t{std::is_same_v<T, U>});
template <class... T>
inline constexpr bool all_distinct = ((count_of<T, T...> == 1) && ...);

struct Empty {};

}  // namespace grit::detail
