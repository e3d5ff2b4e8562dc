// The name policy: what instrumentation calls this retried call, `grit::Name<"fetch_user">`. Without one, the name
// is the call site: the function in which the Retrying was made (or grit::retrying wrapped a callable) and its file
// and line, `fetch_page@api_poller.cpp:42`; only the file and line where the function has no useful name (at
// namespace scope, in a static initializer). A Retrying made from run-time policies has no call site and is
// `<unnamed>`. Never empty. Give every reusable Retrying type a Name: a call site is not a stable metric label.
#pragma once

#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
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

// Where a Retrying was made: the default name of the call.
struct CallSite {
  const char* function = nullptr;
  const char* file = nullptr;
  unsigned line = 0;
  [[gnu::always_inline]] static constexpr CallSite current(const char* function = __builtin_FUNCTION(),
                                                           const char* file = __builtin_FILE(),
                                                           unsigned line = __builtin_LINE()) noexcept {
    return {function, file, line};
  }
};

// A call site's name, made once per site and kept for the life of the process (names of events must outlive any
// sink that copies them): `function@file:line`, the file without its directories.
inline std::string format_call_site(const CallSite& site) {
  std::string_view function = site.function ? site.function : "";
  // Names that say nothing about the call: none at namespace scope, a compiler's own for static initialization.
  if (function.starts_with("__static_initialization") || function.starts_with("_GLOBAL__")) function = {};
  std::string_view file = site.file ? site.file : "";
  if (const auto slash = file.find_last_of("/\\"); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  std::string name(function);
  if (!file.empty()) {
    if (!name.empty()) name += '@';
    name.append(file).append(":").append(std::to_string(site.line));
  }
  return name.empty() ? std::string("<unnamed>") : name;
}
[[gnu::noinline]] inline const char* call_site_name(const CallSite& site) {
  struct Known {
    CallSite site;
    std::string name;
    const Known* next;
  };
  // Nodes are never freed, and the list never destroyed: a name handed out stays valid, even during static
  // destruction, and nothing is reported as leaked (the head is static).
  static const Known* head = nullptr;
  alignas(std::mutex) static unsigned char mutex_storage[sizeof(std::mutex)];
  static std::mutex* const mutex = ::new (static_cast<void*>(mutex_storage)) std::mutex;
  std::lock_guard lock(*mutex);
  for (const Known* k = head; k; k = k->next)
    if (k->site.function == site.function && k->site.file == site.file && k->site.line == site.line)
      return k->name.c_str();
  head = new Known{site, format_call_site(site), head};
  return head->name.c_str();
}
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
// The name when no grit::Name is given: the call site that made the Retrying.
struct CallSiteName {
  using grit_category = category::name;
  CallSite site{};
  const char* text() const { return site.file || site.function ? call_site_name(site) : "<unnamed>"; }
  std::string_view value() const { return text(); }
};

// A name as a schedule takes it. A default name is handed over as its call site and made in the schedule, out of
// line: making it (or a strlen) at the call site would be a call inside the caller's catch clause
// (docs/performance.md §4.1).
struct NameText {
  static constexpr std::size_t call_site = static_cast<std::size_t>(-1);
  const char* data = nullptr;  // for a call site: the CallSiteName, which outlives the schedule
  std::size_t size = 0;
  std::string_view view() const {
    return size == call_site ? reinterpret_cast<const CallSiteName*>(data)->value() : std::string_view(data, size);
  }
};
inline NameText name_text(const CallSiteName& name) noexcept {
  return {reinterpret_cast<const char*>(__builtin_addressof(name)), NameText::call_site};
}
template <class N>
NameText name_text(const N& name) noexcept {
  const std::string_view v = name.value();
  return {v.data(), v.size()};
}
}  // namespace detail

}  // namespace grit
