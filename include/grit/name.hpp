// The name policy: what instrumentation calls this retried call, `grit::Name<"fetch_user">`. Without one, the name
// is the call site: the function in which the Retrying was made (or grit::retrying wrapped a callable) and its file
// and line, `fetch_page@api_poller.cpp:42`; only the file and line where the function has no useful name (at
// namespace scope, in a static initializer). A Retrying made from run-time policies has no call site and is
// `<unnamed>`. Never empty. Give every reusable Retrying type a Name: a call site is not a stable metric label.
#pragma once

#include <bit>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#if __has_include(<source_location>)
#include <source_location>
#endif
#include <string>
#include <string_view>
#include <type_traits>

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

// Where a Retrying was made: the default name of the call. One pointer where the standard library has
// std::source_location (GCC: a pointer to a constant the compiler emits), so that a Retrying made at the call stores
// one word, as before it had a name (codegen.success_path: made at the call, 8 instructions with GCC, not 16).
// Clang 14 with libstdc++ 12 has no std::source_location: there the three parts are kept, and Clang's success path
// has the room (11 instructions against the hand loop's 22).
#if defined(__cpp_lib_source_location)
struct CallSite {
  std::source_location location{};  // a default one: "" and 0 (no call site)
  [[gnu::always_inline]] static constexpr CallSite current(
      std::source_location location = std::source_location::current()) noexcept {
    return {location};
  }
  constexpr const char* function() const noexcept { return location.function_name(); }
  constexpr const char* file() const noexcept { return location.file_name(); }
  constexpr unsigned line() const noexcept { return location.line(); }
  constexpr bool operator==(const CallSite& other) const noexcept {
    return function() == other.function() && file() == other.file() && line() == other.line();
  }
};
#else
struct CallSite {
  const char* function_ = nullptr;
  const char* file_ = nullptr;
  unsigned line_ = 0;
  [[gnu::always_inline]] static constexpr CallSite current(const char* function = __builtin_FUNCTION(),
                                                           const char* file = __builtin_FILE(),
                                                           unsigned line = __builtin_LINE()) noexcept {
    return {function, file, line};
  }
  constexpr const char* function() const noexcept { return function_ ? function_ : ""; }
  constexpr const char* file() const noexcept { return file_ ? file_ : ""; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr bool operator==(const CallSite&) const noexcept = default;
};
#endif

// A call site's name, made once per site and kept for the life of the process (names of events must outlive any
// sink that copies them): `function@file:line`, the file without its directories.
// A function's own name out of a compiler's signature for it: "TestBody" out of
// "virtual void {anonymous}::A_Test::TestBody()" (GCC's std::source_location), "<lambda>" out of "main()::<lambda()>".
constexpr std::string_view short_function_name(std::string_view f) noexcept {
  if (const auto with = f.find(" [with "); with != std::string_view::npos) f = f.substr(0, with);
  if (f.ends_with('>')) return f.find("<lambda") != std::string_view::npos ? "<lambda>" : f;
  int depth = 0;
  std::size_t open = std::string_view::npos;
  for (std::size_t i = f.size(); i-- > 0;) {  // the parameter list: the last (...) at the top level
    if (f[i] == ')') {
      ++depth;
    } else if (f[i] == '(' && --depth == 0) {
      open = i;
      break;
    }
  }
  if (open == std::string_view::npos) return f;  // no parameters: a name already (__builtin_FUNCTION's)
  f = f.substr(0, open);
  depth = 0;
  for (std::size_t i = f.size(); i-- > 0;) {  // back to the last space or "::" outside <...> and (...)
    const char c = f[i];
    if (c == '>' || c == ')') {
      ++depth;
    } else if (c == '<' || c == '(') {
      --depth;
    } else if (depth == 0 && (c == ' ' || (c == ':' && i > 0 && f[i - 1] == ':'))) {
      return f.substr(i + 1);
    }
  }
  return f;
}
static_assert(short_function_name("virtual void {anonymous}::A_Test::TestBody()") == "TestBody" &&
              short_function_name("int main()") == "main" && short_function_name("main") == "main" &&
              short_function_name("main()::<lambda()>") == "<lambda>" &&
              short_function_name("int S::operator()() const") == "operator()" &&
              short_function_name("T f(T) [with T = int]") == "f" &&
              short_function_name("std::vector<int> ns::make(std::pair<int, int>)") == "make" &&
              short_function_name("") == "");

// A call site's name into `out` (nullptr: only measured), its length returned: `function@file:line`, the file
// without its directories. Plain characters, not std::string: this is compiled wherever a Retrying without a Name
// hears of failures, and std::string's code would be compiled with it (codegen.shared_code, -O0).
constexpr std::size_t write_call_site(char* out, std::string_view function, std::string_view file, unsigned line) {
  function = short_function_name(function);
  // Names that say nothing about the call: none at namespace scope, a compiler's own for static initialization.
  if (function.starts_with("__static_initialization") || function.starts_with("_GLOBAL__")) function = {};
  if (const auto slash = file.find_last_of("/\\"); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  char digits[10];
  std::size_t n_digits = 0;
  for (unsigned rest = line; n_digits == 0 || rest != 0; rest /= 10)
    digits[n_digits++] = static_cast<char>('0' + rest % 10);
  std::size_t size = 0;
  const auto put = [&](char c) {
    if (out) out[size] = c;
    ++size;
  };
  for (const char c : function) put(c);
  if (!file.empty()) {
    if (!function.empty()) put('@');
    for (const char c : file) put(c);
    put(':');
    while (n_digits > 0) put(digits[--n_digits]);
  }
  if (size == 0)
    for (const char c : std::string_view("<unnamed>")) put(c);
  return size;
}
inline std::string format_call_site(std::string_view function, std::string_view file, unsigned line) {
  std::string name(write_call_site(nullptr, function, file, line), '\0');
  write_call_site(name.data(), function, file, line);
  return name;
}

// Made once per site and kept for the life of the process (names of events must outlive any sink that copies
// them): nodes are never freed and the list never destroyed, so a name handed out stays valid, even during static
// destruction, and nothing is reported as leaked (the head is static).
[[gnu::noinline]] inline const char* call_site_name(const CallSite& site) {
  struct Known {
    CallSite site;
    const char* name;
    const Known* next;
  };
  static const Known* head = nullptr;
  alignas(std::mutex) static unsigned char mutex_storage[sizeof(std::mutex)];
  static std::mutex* const mutex = ::new (static_cast<void*>(mutex_storage)) std::mutex;
  std::lock_guard lock(*mutex);
  for (const Known* k = head; k; k = k->next)
    if (k->site == site) return k->name;
  const std::size_t size = write_call_site(nullptr, site.function(), site.file(), site.line());
  char* name = new char[size + 1];
  write_call_site(name, site.function(), site.file(), site.line());
  name[size] = '\0';
  head = new Known{site, name, head};
  return name;
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
  const char* text() const { return *site.file() || *site.function() ? call_site_name(site) : "<unnamed>"; }
  std::string_view value() const { return text(); }
};

// A name as a schedule takes it. A default name is handed over as its call site, by value where that is one word,
// and made in the schedule, out of line: making it (or a strlen) at the call site would be a call inside the
// caller's catch clause, and a pointer to the Retrying would make a temporary one live in memory on the success path
// (docs/performance.md §4.1).
struct NameText {
  static constexpr std::size_t call_site = static_cast<std::size_t>(-1);
  const char* data = nullptr;  // for a call site: its one word, else a pointer to the CallSiteName
  std::size_t size = 0;
  std::string_view view() const;
};
#if defined(__cpp_lib_source_location)
static_assert(sizeof(std::source_location) == sizeof(const char*) &&
              std::is_trivially_copyable_v<std::source_location>);
inline NameText name_text(const CallSiteName& name) noexcept {
  return {std::bit_cast<const char*>(name.site.location), NameText::call_site};
}
inline std::string_view NameText::view() const {
  if (size != call_site) return {data, size};
  return CallSiteName{CallSite{std::bit_cast<std::source_location>(data)}}.value();
}
#else
inline NameText name_text(const CallSiteName& name) noexcept {
  return {reinterpret_cast<const char*>(__builtin_addressof(name)), NameText::call_site};
}
inline std::string_view NameText::view() const {
  return size == call_site ? reinterpret_cast<const CallSiteName*>(data)->value() : std::string_view(data, size);
}
#endif
template <class N>
NameText name_text(const N& name) noexcept {
  const std::string_view v = name.value();
  return {v.data(), v.size()};
}
}  // namespace detail

}  // namespace grit
