// The tags by which Retrying sorts its policies. A policy says what it is with
// `using grit_category = grit::category::stop;` (or wait, jitter, ...).
#pragma once

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <boost/mp11/utility.hpp>
#include <type_traits>

namespace grit::category {
struct filter {};
struct stop {};
struct wait {};
struct jitter {};
struct sink {};
struct clock {};
struct name {};
}  // namespace grit::category

namespace grit::detail {

template <class T>
using category_of = typename T::grit_category;

template <class T>
inline constexpr bool is_policy = boost::mp11::mp_valid<category_of, T>::value;

template <class Tag>
struct in_category {
  template <class T>
  using fn = std::is_same<boost::mp11::mp_eval_or<void, category_of, T>, Tag>;
};

template <class Tag, class List>
using of_category = boost::mp11::mp_copy_if_q<List, in_category<Tag>>;

struct Empty {};

}  // namespace grit::detail
