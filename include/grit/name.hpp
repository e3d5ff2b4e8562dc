// The name policy: what instrumentation calls this retried call. `grit::Name<"fetch_user">`.
// Without one, the name is the function in which the Retrying was made (or grit::retrying wrapped a callable).
#pragma once

#include <cstddef>
#include <string_view>

#include "detail/category.hpp"

namespace grit {

namespace detail {
template <std::size_t N>
struct FixedString {
  char chars[N]{};
  constexpr FixedString(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

// Where a Retrying was made; its function name is the default name of the call.
struct CallSite {
  const char* function = nullptr;
  [[gnu::always_inline]] static constexpr CallSite current(const char* function = __builtin_FUNCTION()) noexcept {
    return {function};
  }
};
}  // namespace detail

template <detail::FixedString S>
struct Name {
  // The check sits in a lambda so that, when it fails, the class itself stays valid (see stop::Attempts).
  static_assert([] {
    static_assert(S.view().size() > 0, "grit: Name<\"...\"> needs a non-empty name");
    return true;
  }());
  using grit_category = category::name;
  static constexpr std::string_view value() noexcept { return S.view(); }
};

}  // namespace grit
