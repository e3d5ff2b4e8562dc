// The name policy: what instrumentation calls this retried call, `grit::Name<"fetch_user">`. Without one, the name
// is the function in which the Retrying was made (or grit::retrying wrapped a callable); a Retrying made from
// run-time policies has no call site and is `<unnamed>`. Give every reusable Retrying type a Name.
#pragma once

#include <cstddef>
#include <string_view>

#include "category.hpp"

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

namespace detail {
// The name when no grit::Name is given: the function that made the Retrying.
struct CallSiteName {
  using grit_category = category::name;
  CallSite site{};
  constexpr const char* text() const noexcept { return site.function ? site.function : "<unnamed>"; }
  constexpr std::string_view value() const noexcept { return text(); }
};

// A name as a schedule takes it. A default name is handed over unmeasured and measured in the schedule, out of
// line: a strlen at the call site would be a call inside the caller's catch clause (docs/performance.md §4.1).
struct NameText {
  static constexpr std::size_t unmeasured = static_cast<std::size_t>(-1);
  const char* data = nullptr;
  std::size_t size = 0;
  std::string_view view() const noexcept {
    return size == unmeasured ? std::string_view(data) : std::string_view(data, size);
  }
};
inline NameText name_text(const CallSiteName& name) noexcept { return {name.text(), NameText::unmeasured}; }
template <class N>
NameText name_text(const N& name) noexcept {
  const std::string_view v = name.value();
  return {v.data(), v.size()};
}
}  // namespace detail

}  // namespace grit
