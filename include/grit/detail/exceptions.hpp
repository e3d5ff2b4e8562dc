// What grit does with exceptions and RTTI turned off (-fno-exceptions, -fno-rtti): the bottom layer, below
// arithmetic.hpp.
// - GRIT_DETAIL_TRY / GRIT_DETAIL_CATCH(decl) / GRIT_DETAIL_CATCH_ALL / GRIT_DETAIL_RETHROW are try / catch (decl) /
//   catch (...) / throw when exceptions are on: the same tokens, so the same code. With them off, the try block is
//   `if (true)`, each handler a branch never taken (its declaration bound to never_thrown, never converted), and a
//   rethrow std::abort(): a handler cannot run when nothing is thrown.
// - GRIT_DETAIL_THROW_INVALID_ARGUMENT(message): throws std::invalid_argument(message); with exceptions off, writes
//   the message to stderr and calls std::abort().
// - GRIT_DETAIL_EXCEPTIONS and GRIT_DETAIL_RTTI: 1 when the compiler has them on, else 0.
#pragma once

#include <string>

#if defined(__cpp_exceptions)
#define GRIT_DETAIL_EXCEPTIONS 1
#else
#define GRIT_DETAIL_EXCEPTIONS 0
#endif

#if defined(__cpp_rtti) || defined(__GXX_RTTI)
#define GRIT_DETAIL_RTTI 1
#else
#define GRIT_DETAIL_RTTI 0
#endif

#if GRIT_DETAIL_EXCEPTIONS

#include <stdexcept>

#define GRIT_DETAIL_TRY try
#define GRIT_DETAIL_CATCH(...) catch (__VA_ARGS__)
#define GRIT_DETAIL_CATCH_ALL catch (...)
#define GRIT_DETAIL_RETHROW throw
#define GRIT_DETAIL_THROW_INVALID_ARGUMENT(message) throw std::invalid_argument(message)

#else

#include <cstdio>
#include <cstdlib>

namespace grit::detail {
// What a handler's declaration is bound to when nothing can be thrown: the branch is never taken, so the conversion
// is never called.
struct never_thrown {
  template <class T>
  operator T&() const noexcept {
    __builtin_unreachable();
  }
};

// A run-time value out of range, with no exception to carry it: the message, then abort.
[[noreturn]] inline void abort_invalid_argument(const std::string& message) noexcept {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}
}  // namespace grit::detail

#define GRIT_DETAIL_TRY if (true)
#define GRIT_DETAIL_CATCH(...) else if ([[maybe_unused]] __VA_ARGS__ = ::grit::detail::never_thrown{}; false)
#define GRIT_DETAIL_CATCH_ALL else if (false)
#define GRIT_DETAIL_RETHROW ::std::abort()
#define GRIT_DETAIL_THROW_INVALID_ARGUMENT(message) ::grit::detail::abort_invalid_argument(message)

#endif
