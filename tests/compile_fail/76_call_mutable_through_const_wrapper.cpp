// expect-error: grit: the function is a mutable callable \(a lambda marked mutable, a non-const operator\(\)\)
// A mutable lambda in a const wrapper: no argument is wrong, the wrapper's constness is.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int g() {
  const auto next = grit::retrying<grit::Retrying<grit::RetryOn<E>>>([n = 0]() mutable { return ++n; });
  int x = next();
  return x;
}
