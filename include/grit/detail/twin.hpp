// A policy's twin: the form in which a plan (detail/plan.hpp) holds it. Like {fmt}'s format_as, the mapping is
// declared next to the policy it maps, in the policy's own header: grit's own stops, waits, jitters and random
// policies map onto one run-time form per family (stop.hpp's AnyStops, wait.hpp's AnyWait, jitter.hpp's AnyJitter,
// random.hpp's Seeded<>) that holds the numbers the type held, so that Retrying types differing only in numbers
// share one plan type, one schedule type and one copy of the code behind it. A policy without a twin is its own.
//
// A twin is a specialization `template <> struct Twin<P> : OwnTwin<P, Form> { static constexpr Form of(const P&); }`.
#pragma once

#include <cstddef>
#include <type_traits>

namespace grit::detail {

template <class P>
struct Twin {
  using type = P;
  static constexpr bool owned = false;  // held as the policy itself: by value if stateless, else by pointer
};
// A twin made by value from the policy's numbers (checked already, when the policy was made).
template <class P, class Form>
struct OwnTwin {
  using type = Form;
  static constexpr bool owned = true;
};

template <class P>
using twin_t = typename Twin<P>::type;

// A policy in the form a plan holds it: its twin, or itself (by reference: a slot may point to it).
template <class P>
[[gnu::always_inline]] constexpr decltype(auto) twin_of(const P& p) {
  if constexpr (std::is_same_v<twin_t<P>, P>)
    return (p);
  else
    return Twin<P>::of(p);
}

// One policy held in a plan, at position I: a copy if it is a twin (plain values) or has no state at all; otherwise
// a pointer to the Retrying's own object, which outlives every schedule made from it.
template <class P>
inline constexpr bool held_by_value = std::is_empty_v<P>&& std::is_trivially_copyable_v<P>;

template <std::size_t I, class P, bool ByValue>
struct Slot {
  [[no_unique_address]] P value;
  [[gnu::always_inline]] constexpr explicit Slot(const P& p) : value(p) {}
  [[gnu::always_inline]] constexpr const P& get() const noexcept { return value; }
};
template <std::size_t I, class P>
struct Slot<I, P, false> {
  const P* pointer;
  [[gnu::always_inline]] explicit Slot(const P& p) noexcept : pointer(__builtin_addressof(p)) {}
  [[gnu::always_inline]] const P& get() const noexcept { return *pointer; }
};

template <std::size_t I, class P>
using slot_t = Slot<I, P, (held_by_value<P> || Twin<P>::owned)>;

// Whether a family's run-time form stands for every built-in policy given: the check each family header makes.
template <class Form, class... Policies>
inline constexpr bool all_map_to = (std::is_same_v<twin_t<Policies>, Form> && ...);

}  // namespace grit::detail
