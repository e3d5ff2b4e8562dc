// expect-error: grit: needs C\+\+20 \(-std=c\+\+20 or later\)
// compile-flags: -std=c++17
// An older standard: one grit: line, and the compilation stops there (no errors from the C++20 code after it).
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int f() {
  return grit::Retrying<grit::RetryOn<E>>{}([] { return 1; });
}
